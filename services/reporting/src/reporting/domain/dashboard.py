"""The samenwerkingsverband's dashboard: aggregate figures per school and in total, cut from one
suppressed grid per samenwerkingsverband so that no combination of dashboards gives a small
number away (docs/adr/0017-suppression-that-survives-differencing.md).

The grid: for every calendar month (Dutch time) one table of the counts that happen in time
(signals, decisions per outcome, reports, pupils who left) per school with the samenwerkingsverband's
totals, and one table of the cases open now per school and step. Each table is suppressed once, for
the whole samenwerkingsverband (`suppression.suppress`). Every dashboard — of the
samenwerkingsverband or of one school, for any run of whole months — shows only sums of published
cells of that grid: a figure over several months is the sum of its months when they are all shown,
the one hidden month's label when the others are 0, and otherwise `"x"`. So everything a user can
ask follows from the published grid, which itself gives no small number away.

Medians of fewer than 5 durations are not shown (null).
"""

from __future__ import annotations

import functools
import statistics
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final, TypeAlias

from meldcode_vocabulary import CaseStep, Outcome
from meldcode_vocabulary.dutch_days import DUTCH_TIME

from .cases import CaseChange, ChangeType, advance, opened
from .suppression import COMPLEMENT, SUPPRESSED, Shown, suppress

__all__ = ["COMPLEMENT", "SUPPRESSED"]

MIN_CASES_FOR_MEDIAN: Final = 5

OPEN_STEPS: Final[tuple[str, ...]] = (
    CaseStep.OPENED,
    CaseStep.PARENTS_CONVERSATION,
    CaseStep.WEIGHED,
    CaseStep.DECIDED,
    CaseStep.REPORTED,
    CaseStep.FOLLOW_UP,
)
OUTCOMES: Final[tuple[str, ...]] = tuple(Outcome)
TOTAL: Final = "*"
"""The pseudo-school of the samenwerkingsverband's totals."""

MONTHLY: Final[Mapping[str, tuple[str, ...]]] = {
    "signals_recorded": (),
    "decisions": OUTCOMES,
    "reports_to_veilig_thuis": (),
    "cases_pupil_left_school": (),
}
"""The counts that happen in time, each with its breakdown (none: the metric is one number)."""
NOW: Final[Mapping[str, tuple[str, ...]]] = {"open_cases": OPEN_STEPS}
"""The counts of this moment."""

Cell: TypeAlias = tuple[str, str, str]
"""(school or TOTAL, metric, breakdown value or "" for the metric's own total)."""
GridCell: TypeAlias = tuple[str, date | None, str, str]
"""(school or TOTAL, first day of the month or None for "now", metric, breakdown value or "")."""


def median_days(durations: Sequence[float]) -> float | None:
    """The median in days (one decimal), or None for fewer than 5 durations."""
    if len(durations) < MIN_CASES_FOR_MEDIAN:
        return None
    return round(statistics.median(durations), 1)


@dataclass(frozen=True)
class StepPeriod:
    """A case stood in `step` from `entered_at` until `left_at`; `school` is where it was then."""

    case_id: uuid.UUID
    school: str
    step: str
    entered_at: datetime
    left_at: datetime

    @property
    def days(self) -> float:
        return (self.left_at - self.entered_at).total_seconds() / 86400


def step_periods(changes: Iterable[CaseChange]) -> list[StepPeriod]:
    """The finished periods a case spent in each step casework published, from its changes (the
    same fold as the case list). A step a case still stands in has no period yet, and the time
    before casework published a step (older histories) is in no period."""
    unique = sorted({c.event_id: c for c in changes}.values(), key=lambda c: (c.sequence, str(c.event_id)))
    periods: list[StepPeriod] = []
    row = None
    for change in unique:
        if change.event_type == ChangeType.OPENED:
            row = opened(change) if row is None else row
            continue
        if row is None:
            continue
        after = advance(row, change)
        if after.step != row.step and row.step is not None and row.step_since is not None:
            periods.append(StepPeriod(row.case_id, row.school, row.step, row.step_since, change.occurred_at))
        row = after
    return periods


@dataclass(frozen=True)
class DashboardFacts:
    """What the read models hold for one samenwerkingsverband: true counts per school (and month).

    `month` is the first day of a calendar month in Dutch time.
    """

    signals_recorded: Mapping[tuple[str, date], int]
    """(school, month) → signals recorded."""
    open_cases: Mapping[tuple[str, str], int]
    """(school, step) → open cases now."""
    decisions: Mapping[tuple[str, date, str], int]
    """(school, month, outcome) → decisions made."""
    reports: Mapping[tuple[str, date], int]
    pupils_left: Mapping[tuple[str, date], int]
    """(school, month) → cases whose pupil left that school."""
    periods: Sequence[StepPeriod]
    """Finished step periods that ended in the period asked for."""

    def within(self, months: Iterable[date]) -> DashboardFacts:
        """The facts of some months only (what the read models answer for a period of them)."""
        keep = set(months)
        return DashboardFacts(
            signals_recorded={k: n for k, n in self.signals_recorded.items() if k[1] in keep},
            open_cases=self.open_cases,
            decisions={k: n for k, n in self.decisions.items() if k[1] in keep},
            reports={k: n for k, n in self.reports.items() if k[1] in keep},
            pupils_left={k: n for k, n in self.pupils_left.items() if k[1] in keep},
            periods=[p for p in self.periods if month_of(p.left_at) in keep],
        )

    def counts(self) -> dict[tuple[str, date | None, str, str], int]:
        """Every non-zero true count as a grid cell of a school (no totals)."""
        out: dict[tuple[str, date | None, str, str], int] = {}
        for metric, plain in (
            ("signals_recorded", self.signals_recorded),
            ("reports_to_veilig_thuis", self.reports),
            ("cases_pupil_left_school", self.pupils_left),
        ):
            for (school, month), n in plain.items():
                out[(school, month, metric, "")] = out.get((school, month, metric, ""), 0) + n
        for (school, month, outcome), n in self.decisions.items():
            if outcome in OUTCOMES:
                out[(school, month, "decisions", outcome)] = (
                    out.get((school, month, "decisions", outcome), 0) + n
                )
        for (school, step), n in self.open_cases.items():
            if step in OPEN_STEPS:
                out[(school, None, "open_cases", step)] = out.get((school, None, "open_cases", step), 0) + n
        return {k: n for k, n in out.items() if n}


def table(
    schools: Sequence[str], metrics: Mapping[str, tuple[str, ...]], count: Mapping[tuple[str, str, str], int]
) -> tuple[dict[Cell, int], list[tuple[Cell, list[Cell]]]]:
    """One table of the grid: every cell of the schools and TOTAL, and every sum between them.

    `count` holds (school, metric, key) for the breakdown keys (or "" for a metric without one).
    """
    cells: dict[Cell, int] = {}
    sums: list[tuple[Cell, list[Cell]]] = []
    for metric, keys in metrics.items():
        for key in keys or ("",):
            for school in schools:
                cells[(school, metric, key)] = count.get((school, metric, key), 0)
            cells[(TOTAL, metric, key)] = sum(cells[(s, metric, key)] for s in schools)
            if schools:
                sums.append(((TOTAL, metric, key), [(s, metric, key) for s in schools]))
        if keys:
            for school in [*schools, TOTAL]:
                cells[(school, metric, "")] = sum(cells[(school, metric, k)] for k in keys)
                sums.append(((school, metric, ""), [(school, metric, k) for k in keys]))
    return cells, sums


@dataclass(frozen=True)
class SuppressedGrid:
    """The samenwerkingsverband's grid as published: every cell shown, per month and for now."""

    schools: tuple[str, ...]
    months: tuple[date, ...]
    """The months with any count (the others hold only zeros)."""
    shown: Mapping[GridCell, Shown]

    def cell(self, school: str, month: date | None, metric: str, key: str = "") -> Shown:
        """A cell as published; a school or month without any count has only zeros."""
        return self.shown.get((school, month, metric, key), 0)


def suppressed_grid(facts: DashboardFacts) -> SuppressedGrid:
    """The grid of one samenwerkingsverband, each table suppressed once for all its dashboards."""
    counts = facts.counts()
    schools = tuple(sorted({school for school, *_ in counts}))
    months = sorted({month for _, month, *_ in counts if month is not None})
    shown: dict[GridCell, Shown] = {}
    for month in [*months, None]:
        in_month = frozenset(((s, metric, key), n) for (s, m, metric, key), n in counts.items() if m == month)
        for (school, metric, key), value in _suppressed_table(schools, month is None, in_month):
            shown[(school, month, metric, key)] = value
    return SuppressedGrid(schools=schools, months=tuple(months), shown=shown)


@functools.lru_cache(maxsize=4096)
def _suppressed_table(
    schools: tuple[str, ...], now: bool, counts: frozenset[tuple[Cell, int]]
) -> tuple[tuple[Cell, Shown], ...]:
    """One table of the grid as shown. Remembered: a closed month's counts do not change, and the
    audit's linear programs are what a dashboard spends its time on."""
    cells, sums = table(schools, NOW if now else MONTHLY, dict(counts))
    return tuple(suppress(cells, sums).items())


def combined(parts: Sequence[Shown]) -> Shown:
    """A figure over several months from its published months only: their sum when all are shown;
    the label of the one hidden month when the others are 0 (the figure *is* that cell); else "x"."""
    hidden = [p for p in parts if isinstance(p, str)]
    if not hidden:
        return sum(p for p in parts if isinstance(p, int))
    if len(hidden) == 1 and all(p == 0 for p in parts if isinstance(p, int)):
        return hidden[0]
    return COMPLEMENT


def month_of(instant: datetime) -> date:
    """The first day of the Dutch calendar month an instant falls in."""
    return instant.astimezone(DUTCH_TIME).date().replace(day=1)


def month_end(day: date) -> date:
    """The last day of the calendar month of `day`."""
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def dashboard_view(
    grid: SuppressedGrid,
    months: Sequence[date],
    periods: Sequence[StepPeriod],
    school: str | None = None,
) -> dict[str, dict[str, object]]:
    """A dashboard cut from the grid for the given months: every school and TOTAL, or one school
    (then its own row is its total too). `periods` are the finished step periods of those months."""
    rows = [school] if school is not None else [*grid.schools, TOTAL]

    def figure(row: str, metric: str, key: str = "") -> Shown:
        if metric in NOW:
            return grid.cell(row, None, metric, key)
        return combined([grid.cell(row, m, metric, key) for m in months])

    def durations(row: str, step: str) -> list[float]:
        return [p.days for p in periods if p.step == step and row in (p.school, TOTAL)]

    out: dict[str, dict[str, object]] = {}
    for row in rows:
        out[row] = {
            "signals_recorded": figure(row, "signals_recorded"),
            "open_cases": {
                "total": figure(row, "open_cases"),
                "by_step": {step: figure(row, "open_cases", step) for step in OPEN_STEPS},
            },
            "decisions": {
                "total": figure(row, "decisions"),
                "by_outcome": {o: figure(row, "decisions", o) for o in OUTCOMES},
            },
            "reports_to_veilig_thuis": figure(row, "reports_to_veilig_thuis"),
            "cases_pupil_left_school": figure(row, "cases_pupil_left_school"),
            "median_days_per_step": {step: median_days(durations(row, step)) for step in OPEN_STEPS},
        }
    if school is not None:
        out[TOTAL] = out[school]
    return out


def dashboard(
    facts: DashboardFacts, school: str | None = None
) -> tuple[list[date], dict[str, dict[str, object]]]:
    """The dashboard of the samenwerkingsverband (or of one school) for the months of `facts`
    (the read models' answer for a period of whole months): those months, and the figures."""
    grid = suppressed_grid(facts)
    return list(grid.months), dashboard_view(grid, grid.months, facts.periods, school)
