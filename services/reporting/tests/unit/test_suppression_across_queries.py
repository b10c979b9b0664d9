"""Every dashboard a user can ask for, taken together, gives no small number away.

A property test: random counts per school and month; then every query a user can make — the
samenwerkingsverband's dashboard and each school's, for every run of whole months (so also
overlapping periods and single months) — and every figure shown becomes a fact about the true
counts: a number is an equation, "<5" says 1..4, "x" of one month at least 5, anything else hidden
only that it is not negative. An integer program then looks for the smallest and the largest value
each figure whose true value is 1..4 can take under all those facts together: they must differ.

The largest value is looked for below a ceiling above every true count: a withheld ("geheim") figure
has no upper bound, and HiGHS's presolve reports such an integer program as "unbounded or infeasible"
(scipy's status 4, no objective) rather than unbounded (3), so without a ceiling the answer would be
ambiguous. With it both programs have an optimum whenever the facts hold for the true counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from reporting.domain.dashboard import MONTHLY, NOW, OUTCOMES, TOTAL, DashboardFacts, dashboard
from reporting.domain.suppression import COMPLEMENT, SMALL_NUMBER, SUPPRESSED, WITHHELD

SCHOOLS = ("01AB", "02CD", "03EF")
MONTHS = (date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1))
STEPS = ("geopend", "weging", "volgen")
Variable = tuple[str, date | None, str, str]


@dataclass(frozen=True)
class Fact:
    """sum(variables) == value (when low == high) or low <= sum(variables) <= high."""

    variables: frozenset[Variable]
    low: float
    high: float


def small_or_large() -> st.SearchStrategy[int]:
    return st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 40))


@st.composite
def grids(draw: st.DrawFn) -> dict[Variable, int]:
    schools = SCHOOLS[: draw(st.integers(1, 3))]
    months = MONTHS[: draw(st.integers(1, 3))]
    counts: dict[Variable, int] = {}
    for school in schools:
        for month in months:
            counts[(school, month, "signals_recorded", "")] = draw(small_or_large())
            counts[(school, month, "reports_to_veilig_thuis", "")] = draw(small_or_large())
            for outcome in OUTCOMES[:2]:
                counts[(school, month, "decisions", outcome)] = draw(small_or_large())
        for step in STEPS:
            counts[(school, None, "open_cases", step)] = draw(small_or_large())
    return counts


def facts_from(counts: dict[Variable, int]) -> DashboardFacts:
    def plain(metric: str) -> dict[tuple[str, date], int]:
        return {(s, m): n for (s, m, k, _), n in counts.items() if k == metric and m is not None and n}

    return DashboardFacts(
        signals_recorded=plain("signals_recorded"),
        open_cases={(s, key): n for (s, _, k, key), n in counts.items() if k == "open_cases" and n},
        decisions={(s, m, key): n for (s, m, k, key), n in counts.items() if k == "decisions" and m and n},
        reports=plain("reports_to_veilig_thuis"),
        pupils_left={},
        periods=[],
    )


def figures(row: dict[str, object]) -> Iterator[tuple[str, str, object]]:
    """(metric, breakdown key or "", shown) for every count of one row of a dashboard."""
    for metric in (*MONTHLY, *NOW):
        value = row[metric]
        if isinstance(value, dict):
            yield metric, "", value["total"]
            breakdown = value["by_step"] if metric == "open_cases" else value["by_outcome"]
            yield from ((metric, key, shown) for key, shown in breakdown.items())
        else:
            yield metric, "", value


def every_query(
    counts: dict[Variable, int],
) -> Iterator[tuple[list[date], str | None, dict[str, dict[str, object]]]]:
    """(months asked for, school or None, the dashboard) for every query a user can make."""
    facts = facts_from(counts)
    runs = [list(MONTHS[i : j + 1]) for i in range(len(MONTHS)) for j in range(i, len(MONTHS))]
    for months in runs:
        for school in (None, *SCHOOLS):
            _, shown = dashboard(facts.within(months), school)
            yield months, school, shown


def published_facts(counts: dict[Variable, int]) -> tuple[list[Fact], list[frozenset[Variable]]]:
    """What all queries together say, and the figures whose true value is 1..4."""
    said: list[Fact] = []
    small: list[frozenset[Variable]] = []
    schools = sorted({s for s, *_ in counts})
    for months, school, shown in every_query(counts):
        for row, row_figures in shown.items():
            if school is not None and row == TOTAL:
                continue  # the school's own row again
            for metric, key, value in figures(row_figures):
                in_rows = schools if row == TOTAL else [row]
                keys = (MONTHLY | NOW)[metric] if key == "" and (MONTHLY | NOW)[metric] else (key,)
                in_months: list[date | None] = [None] if metric in NOW else list(months)
                variables = frozenset(
                    v
                    for v in ((s, m, metric, k) for s in in_rows for m in in_months for k in keys)
                    if v in counts
                )
                true = sum(counts[v] for v in variables)
                if isinstance(value, int):
                    said.append(Fact(variables, value, value))
                elif value == SUPPRESSED:
                    said.append(Fact(variables, 1, 4))
                elif value == COMPLEMENT and len(in_months) == 1:
                    said.append(Fact(variables, 5, np.inf))
                if 0 < true < 5:
                    small.append(variables)
    return said, small


def extremes(
    counts: dict[Variable, int], said: list[Fact], figure: frozenset[Variable]
) -> tuple[float, float]:
    """The smallest and the largest value of `figure` under the facts; the largest is at most
    `ceiling(counts)` (it is that when the facts bound it no lower)."""
    variables = sorted(counts, key=str)
    index = {v: i for i, v in enumerate(variables)}

    def row(of: frozenset[Variable]) -> np.ndarray:
        out = np.zeros(len(variables))
        for v in of:
            out[index[v]] = 1
        return out

    constraints = [
        LinearConstraint(
            np.array([row(f.variables) for f in said]), [f.low for f in said], [f.high for f in said]
        ),
        LinearConstraint(row(figure), 0, ceiling(counts)),
    ]
    found = []
    for sense, extreme in ((1, "smallest"), (-1, "largest")):
        result = milp(
            c=sense * row(figure),
            constraints=constraints,
            integrality=np.ones(len(variables)),
            bounds=Bounds(0, np.inf),
        )
        assert result.status == 0, (
            f"the {extreme} value of {sorted(figure, key=str)}: milp status {result.status} "
            f"instead of 0 (optimal): {result.message}"
        )
        found.append(sense * result.fun)
    return found[0], found[1]


def ceiling(counts: dict[Variable, int]) -> int:
    """More than any figure's true value: where the largest value of a figure is looked for."""
    return sum(counts.values()) + SMALL_NUMBER


def holds(fact: Fact, counts: dict[Variable, int]) -> bool:
    return fact.low <= sum(counts[v] for v in fact.variables) <= fact.high


def withheld_open_cases() -> dict[Variable, int]:
    """Open cases that only withholding protects: school 02CD 1, 1 and 2 in three steps, 03EF 1, 0
    and 3; with every non-zero count hidden the visible zeros of the other steps still pin them, so
    the whole table of now is "geheim" and its figures have no upper bound. One month without counts."""
    month = MONTHS[0]
    counts: dict[Variable, int] = {}
    for school, open_cases in (("02CD", (1, 1, 2)), ("03EF", (1, 0, 3))):
        counts[(school, month, "signals_recorded", "")] = 0
        counts[(school, month, "reports_to_veilig_thuis", "")] = 0
        for outcome in OUTCOMES[:2]:
            counts[(school, month, "decisions", outcome)] = 0
        for step, n in zip(STEPS, open_cases, strict=True):
            counts[(school, None, "open_cases", step)] = n
    return counts


@settings(max_examples=40, deadline=None)
@given(counts=grids())
@example(counts=withheld_open_cases())
def test_no_combination_of_dashboards_pins_a_small_count(counts: dict[Variable, int]) -> None:
    said, small = published_facts(counts)
    said = sorted(set(said), key=str)
    untrue = [f for f in said if not holds(f, counts)]
    assert not untrue, f"the dashboards say what the true counts contradict: {untrue[:3]}"

    for figure in set(small):
        true = sum(counts[v] for v in figure)
        low, high = extremes(counts, said, figure)
        assert low <= true <= high, "the true counts satisfy everything shown"
        assert high - low >= 1, f"{sorted(figure, key=str)} = {true} follows from the dashboards together"


def test_a_withheld_figure_is_bounded_by_nothing_shown() -> None:
    counts = withheld_open_cases()
    said, small = published_facts(counts)
    _, shown = dashboard(facts_from(counts), None)
    assert {shown[TOTAL]["open_cases"]["total"]} | set(shown[TOTAL]["open_cases"]["by_step"].values()) == {
        WITHHELD
    }
    figure = frozenset({("02CD", None, "open_cases", "weging")})
    assert figure in small

    assert extremes(counts, sorted(set(said), key=str), figure) == (0, ceiling(counts))
