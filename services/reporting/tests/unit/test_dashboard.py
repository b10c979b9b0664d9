"""The dashboard's figures: small-number suppression (primary and complementary) and step medians."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.domain.cases import case_change
from reporting.domain.dashboard import (
    COMPLEMENT,
    OPEN_STEPS,
    SUPPRESSED,
    TOTAL,
    DashboardFacts,
    cells_and_sums,
    figures_per_school,
    median_days,
    shown_figures,
    step_periods,
    suppress,
)

from ..conftest import CaseFile, Events

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def facts(**overrides: object) -> DashboardFacts:
    base: dict[str, object] = {
        "signals_recorded": {},
        "open_cases": {},
        "decisions": {},
        "reports": {},
        "pupils_left": {},
        "periods": [],
    }
    base.update(overrides)
    return DashboardFacts(**base)  # type: ignore[arg-type]


def test_counts_from_1_to_4_are_shown_as_less_than_5_and_0_and_5_as_they_are() -> None:
    shown = suppress({"a": 0, "b": 1, "c": 4, "d": 5, "e": 12}, [])

    assert shown == {"a": 0, "b": SUPPRESSED, "c": SUPPRESSED, "d": 5, "e": 12}


def test_a_total_that_would_reveal_one_hidden_cell_makes_a_second_cell_hidden() -> None:
    cells = {"total": 23, "a": 3, "b": 8, "c": 12}

    shown = suppress(cells, [("total", ["a", "b", "c"])])

    assert shown == {"total": 23, "a": SUPPRESSED, "b": COMPLEMENT, "c": 12}, "the smallest other cell hides"


def test_two_hidden_cells_in_one_sum_need_no_complement() -> None:
    cells = {"total": 17, "a": 3, "b": 2, "c": 12}

    assert suppress(cells, [("total", ["a", "b", "c"])]) == {"total": 17, "a": "<5", "b": "<5", "c": 12}


def test_a_complement_that_exposes_another_sum_is_protected_there_too() -> None:
    # Two schools x two steps, with row and column totals: hiding school A's step-1 cell (2) hides
    # A's step-2 cell (7) for A's row, which then needs a partner in the step-2 column (B's 9).
    cells = {
        ("A", ""): 9,
        ("A", "s1"): 2,
        ("A", "s2"): 7,
        ("B", ""): 29,
        ("B", "s1"): 20,
        ("B", "s2"): 9,
        ("*", ""): 38,
        ("*", "s1"): 22,
        ("*", "s2"): 16,
    }
    sums = [
        (("A", ""), [("A", "s1"), ("A", "s2")]),
        (("B", ""), [("B", "s1"), ("B", "s2")]),
        (("*", ""), [("*", "s1"), ("*", "s2")]),
        (("*", "s1"), [("A", "s1"), ("B", "s1")]),
        (("*", "s2"), [("A", "s2"), ("B", "s2")]),
        (("*", ""), [("A", ""), ("B", "")]),
    ]

    shown = suppress(cells, sums)

    assert_no_sum_reveals_a_single_hidden_cell(shown, sums)
    assert shown[("A", "s1")] == SUPPRESSED


def assert_no_sum_reveals_a_single_hidden_cell(shown: dict, sums: list) -> None:
    for total, parts in sums:
        hidden = [k for k in [total, *parts] if isinstance(shown[k], str)]
        assert len(hidden) != 1, f"{hidden[0]} could be computed from {total} = sum{parts}"


small_or_large = st.one_of(st.integers(0, 6), st.integers(5, 60))


@settings(max_examples=200, deadline=None)
@given(
    table=st.dictionaries(
        st.sampled_from(["01AB", "02CD", "03EF", "04GH"]),
        st.tuples(st.lists(small_or_large, min_size=6, max_size=6), small_or_large, small_or_large),
        min_size=1,
    )
)
def test_no_shown_total_ever_gives_away_a_hidden_count(table: dict[str, tuple[list[int], int, int]]) -> None:
    figures = figures_per_school(
        facts(
            open_cases={
                (s, step): n
                for s, (by_step, _, _) in table.items()
                for step, n in zip(OPEN_STEPS, by_step, strict=True)
            },
            signals_recorded={s: signals for s, (_, signals, _) in table.items()},
            reports={s: reports for s, (_, _, reports) in table.items()},
        )
    )
    cells, sums = cells_and_sums(figures)

    shown = suppress(cells, sums)

    assert_no_sum_reveals_a_single_hidden_cell(shown, sums)
    for key, true in cells.items():
        if 0 < true < 5:
            assert shown[key] == SUPPRESSED
        elif shown[key] != COMPLEMENT:
            assert shown[key] == true, "what is shown is the true count"


def test_the_samenwerkingsverband_total_adds_up_the_schools() -> None:
    figures = figures_per_school(
        facts(signals_recorded={"01AB": 7, "02CD": 30}, decisions={("01AB", "help"): 6, ("02CD", "help"): 5})
    )

    shown = shown_figures(figures)

    assert shown[TOTAL]["signals_recorded"] == 37
    assert shown[TOTAL]["decisions"] == {
        "total": 11,
        "by_outcome": {"no_suspicion_close": 0, "help": 11, "report": 0, "report_and_help": 0},
    }
    assert shown["01AB"]["signals_recorded"] == 7


def test_a_median_over_fewer_than_5_cases_is_not_shown() -> None:
    assert median_days([1.0, 2.0, 3.0, 4.0]) is None
    assert median_days([1.0, 2.0, 3.0, 4.0, 10.0]) == 3.0


def test_the_days_per_step_come_from_when_the_case_entered_and_left_each_step() -> None:
    events = Events()
    file = CaseFile(events, events.case(uuid.uuid4(), [uuid.uuid4()], when=T0))
    history = [
        file.opened,
        file.published(T0, "geopend", "gesprek_ouders"),
        file.owner_changed(T0 + timedelta(days=1)),  # no step change: no period ends
        file.conversation_held(T0 + timedelta(days=3)),
        file.published(T0 + timedelta(days=3), "gesprek_ouders", "weging_zorgteam"),
        file.risk_weighed(T0 + timedelta(days=10)),
        file.published(T0 + timedelta(days=10), "weging", "besluit_afwegingskader"),
        file.published(T0 + timedelta(days=11), "weging", "besluit_afwegingskader", "overdracht"),
        file.decision(T0 + timedelta(days=12), outcome="help"),
        file.published(T0 + timedelta(days=12), "besluit", "hulp_organiseren"),
    ]

    periods = step_periods([c for c in (case_change(e) for e in history) if c is not None])

    assert [(p.step, p.days, p.school) for p in periods] == [
        ("geopend", 3.0, "12AB"),
        ("gesprek_ouders", 7.0, "12AB"),
        ("weging", 2.0, "12AB"),
    ]
