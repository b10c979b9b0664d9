"""The samenwerkingsverband's dashboard: aggregate figures per school and in total, with
small-number suppression so that no figure points at a handful of children.

Suppression rule (documented in the README):
1. *Primary*: every count from 1 to 4 is shown as "<5"; 0 is shown as 0.
2. *Complementary (secondary)*: the dashboard shows totals that are sums of other cells (a school's
   open cases = the sum over the steps, its decisions = the sum over the outcomes, and every total
   of the samenwerkingsverband = the sum over its schools). When exactly one cell of such a sum is
   hidden, it could be computed back from the others; then the smallest non-zero visible cell of
   that sum (its total included) is hidden too, shown as "x". This is repeated until no sum has
   exactly one hidden cell (a cell hidden for one sum may expose another).
3. Medians of fewer than 5 durations are not shown (null).
"""

from __future__ import annotations

import statistics
import uuid
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final, TypeAlias, TypeVar

from meldcode_contracts.vocabulary import CaseStep, Outcome

from .cases import CaseChange, ChangeType, advance, opened

SMALL_NUMBER: Final = 5
"""Counts below this (and above 0) are not shown."""
SUPPRESSED: Final = "<5"
COMPLEMENT: Final = "x"
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

K = TypeVar("K", bound=Hashable)
Shown: TypeAlias = int | str
Cell: TypeAlias = tuple[str, str, str]
"""(school or TOTAL, metric, breakdown value or "" for the metric's own total)."""


def suppress(cells: Mapping[K, int], sums: Sequence[tuple[K, Sequence[K]]]) -> dict[K, Shown]:
    """The cells as shown: primary and complementary suppression (see the module doc).

    `sums` lists (total, parts) with cells[total] == sum(cells[p] for p in parts).
    """
    hidden: dict[K, str] = {k: SUPPRESSED for k, v in cells.items() if 0 < v < SMALL_NUMBER}
    changed = True
    while changed:
        changed = False
        for total, parts in sums:
            members = [total, *parts]
            if sum(1 for k in members if k in hidden) != 1:
                continue
            visible = [k for k in members if k not in hidden and cells[k] > 0]
            if not visible:
                continue  # cannot happen for a true sum; nothing to hide then
            pick = min(visible, key=lambda k: (cells[k], str(k)))
            hidden[pick] = COMPLEMENT
            changed = True
    return {k: hidden.get(k, v) for k, v in cells.items()}


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


@dataclass
class SchoolFigures:
    """The true counts of one school (or of the whole samenwerkingsverband)."""

    signals_recorded: int = 0
    open_cases: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OPEN_STEPS, 0))
    decisions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    reports_to_veilig_thuis: int = 0
    cases_pupil_left_school: int = 0
    step_days: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))


@dataclass(frozen=True)
class DashboardFacts:
    """What the read models hold for one samenwerkingsverband (and period), per school."""

    signals_recorded: Mapping[str, int]
    open_cases: Mapping[tuple[str, str], int]
    """(school, step) → open cases now."""
    decisions: Mapping[tuple[str, str], int]
    """(school, outcome) → decisions made in the period."""
    reports: Mapping[str, int]
    pupils_left: Mapping[str, int]
    """school → cases whose pupil left that school in the period."""
    periods: Sequence[StepPeriod]
    """Finished step periods that ended in the period."""


def figures_per_school(facts: DashboardFacts, include: Iterable[str] = ()) -> dict[str, SchoolFigures]:
    """True counts per school (those with any figure, and `include`) and under TOTAL; unknown steps
    or outcomes are left out."""
    schools = sorted(
        {*include, *facts.signals_recorded, *facts.reports, *facts.pupils_left}
        | {s for s, _ in facts.open_cases}
        | {s for s, _ in facts.decisions}
        | {p.school for p in facts.periods}
    )
    out = {s: SchoolFigures() for s in [*schools, TOTAL]}
    for school in schools:
        for target in (out[school], out[TOTAL]):
            target.signals_recorded += facts.signals_recorded.get(school, 0)
            target.reports_to_veilig_thuis += facts.reports.get(school, 0)
            target.cases_pupil_left_school += facts.pupils_left.get(school, 0)
    for (school, step), n in facts.open_cases.items():
        if step in out[school].open_cases:
            out[school].open_cases[step] += n
            out[TOTAL].open_cases[step] += n
    for (school, outcome), n in facts.decisions.items():
        if outcome in out[school].decisions:
            out[school].decisions[outcome] += n
            out[TOTAL].decisions[outcome] += n
    for period in facts.periods:
        out[period.school].step_days[period.step].append(period.days)
        out[TOTAL].step_days[period.step].append(period.days)
    return out


def cells_and_sums(
    figures: Mapping[str, SchoolFigures],
) -> tuple[dict[Cell, int], list[tuple[Cell, list[Cell]]]]:
    """Every shown count as a cell, and every sum relation between them."""
    cells: dict[Cell, int] = {}
    sums: list[tuple[Cell, list[Cell]]] = []
    for school, f in figures.items():
        cells[(school, "signals_recorded", "")] = f.signals_recorded
        cells[(school, "reports_to_veilig_thuis", "")] = f.reports_to_veilig_thuis
        cells[(school, "cases_pupil_left_school", "")] = f.cases_pupil_left_school
        for metric, breakdown in (("open_cases", f.open_cases), ("decisions", f.decisions)):
            cells[(school, metric, "")] = sum(breakdown.values())
            for key, n in breakdown.items():
                cells[(school, metric, key)] = n
            sums.append(((school, metric, ""), [(school, metric, key) for key in breakdown]))
    schools = [s for s in figures if s != TOTAL]
    if schools:
        for _, metric, key in [c for c in cells if c[0] == TOTAL]:
            sums.append(((TOTAL, metric, key), [(s, metric, key) for s in schools]))
    return cells, sums


def shown_figures(figures: Mapping[str, SchoolFigures]) -> dict[str, dict[str, object]]:
    """The dashboard as shown: per school and TOTAL, counts suppressed, medians only from 5 cases."""
    cells, sums = cells_and_sums(figures)
    shown = suppress(cells, sums)
    out: dict[str, dict[str, object]] = {}
    for school, f in figures.items():
        out[school] = {
            "signals_recorded": shown[(school, "signals_recorded", "")],
            "open_cases": {
                "total": shown[(school, "open_cases", "")],
                "by_step": {step: shown[(school, "open_cases", step)] for step in f.open_cases},
            },
            "decisions": {
                "total": shown[(school, "decisions", "")],
                "by_outcome": {o: shown[(school, "decisions", o)] for o in f.decisions},
            },
            "reports_to_veilig_thuis": shown[(school, "reports_to_veilig_thuis", "")],
            "cases_pupil_left_school": shown[(school, "cases_pupil_left_school", "")],
            "median_days_per_step": {step: median_days(f.step_days.get(step, [])) for step in OPEN_STEPS},
        }
    return out
