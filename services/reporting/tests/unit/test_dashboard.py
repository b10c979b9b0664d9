"""The dashboard's figures: small-number suppression (primary and complementary) and step medians."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from meldcode_testkit.builders import CaseFile, Events
from reporting.domain.dashboard import (
    OPEN_STEPS,
    TOTAL,
    DashboardFacts,
    dashboard,
    median_days,
    month_end,
    step_periods,
    suppressed_grid,
    table,
)
from reporting.domain.suppression import COMPLEMENT, SUPPRESSED, WITHHELD, pinned_cells, suppress
from reporting.translation import project

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
NOV = date(2026, 11, 1)
DEC = date(2026, 12, 1)


def facts_of(**overrides: object) -> DashboardFacts:
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


@settings(max_examples=60, deadline=None)
@given(
    table_of=st.dictionaries(
        st.sampled_from(["01AB", "02CD", "03EF", "04GH"]),
        st.tuples(st.lists(small_or_large, min_size=6, max_size=6), small_or_large, small_or_large),
        min_size=1,
    )
)
def test_no_shown_total_ever_gives_away_a_hidden_count(
    table_of: dict[str, tuple[list[int], int, int]],
) -> None:
    schools = sorted(table_of)
    count = {
        **{
            (s, "open_cases", step): n
            for s, (by_step, _, _) in table_of.items()
            for step, n in zip(OPEN_STEPS, by_step, strict=True)
        },
        **{(s, "signals_recorded", ""): signals for s, (_, signals, _) in table_of.items()},
        **{(s, "reports_to_veilig_thuis", ""): reports for s, (_, _, reports) in table_of.items()},
    }
    cells, sums = table(
        schools, {"open_cases": OPEN_STEPS, "signals_recorded": (), "reports_to_veilig_thuis": ()}, count
    )

    shown = suppress(cells, sums)

    assert_no_sum_reveals_a_single_hidden_cell(shown, sums)
    hidden = {k: v for k, v in shown.items() if isinstance(v, str)}
    assert pinned_cells(cells, sums, hidden) == [], "the linear program pins no small count"
    for key, true in cells.items():
        if 0 < true < 5:
            assert shown[key] in (SUPPRESSED, WITHHELD)
        elif shown[key] not in (COMPLEMENT, WITHHELD):
            assert shown[key] == true, "what is shown is the true count"


def test_a_complement_whose_known_minimum_pins_the_small_count_is_not_enough() -> None:
    # 1 + 5 = 6: hiding the 1 ("<5", so 1..4) and the 5 ("x", so at least 5) leaves 6 - x <= 1,
    # which pins the small count at 1. The old rule stopped there; the audit hides the total too.
    cells = {"total": 6, "a": 1, "b": 5}
    sums = [("total", ["a", "b"])]

    shown = suppress(cells, sums)

    assert shown == {"total": COMPLEMENT, "a": SUPPRESSED, "b": COMPLEMENT}
    assert pinned_cells(cells, sums, {"a": SUPPRESSED, "b": COMPLEMENT}) == ["a"]


def test_small_counts_that_only_the_visible_zeros_pin_withhold_their_whole_table() -> None:
    # Four schools with 1 each and a total of 4: every count is hidden, yet each must be 1.
    cells = {"*": 4, **dict.fromkeys(["a", "b", "c", "d"], 1), "e": 0}
    sums = [("*", ["a", "b", "c", "d", "e"])]

    shown = suppress(cells, sums)

    assert shown == dict.fromkeys(cells, WITHHELD)


def test_a_school_dashboard_is_cut_from_the_grid_of_the_samenwerkingsverband() -> None:
    # The differencing of the issue: the samenwerkingsverband shows A "<5", B "x", total 10; a
    # dashboard of B alone used to show its 6, so A = 4.
    facts = facts_of(signals_recorded={("01AB", NOV): 4, ("02CD", NOV): 6, ("03EF", NOV): 20})

    _, whole = dashboard(facts)
    _, school_b = dashboard(facts, "02CD")

    assert school_b["02CD"]["signals_recorded"] == whole["02CD"]["signals_recorded"] == COMPLEMENT
    assert whole["01AB"]["signals_recorded"] == SUPPRESSED
    assert school_b[TOTAL] == school_b["02CD"], "a school's dashboard totals its own row"


def test_a_period_adds_up_published_months_and_hides_a_sum_over_a_hidden_month() -> None:
    facts = facts_of(
        signals_recorded={("01AB", NOV): 3, ("02CD", NOV): 9, ("01AB", DEC): 20, ("02CD", DEC): 30}
    )

    months, whole = dashboard(facts)
    _, november = dashboard(facts.within([NOV]))
    _, december = dashboard(facts.within([DEC]))

    assert months == [NOV, DEC]
    assert (november["01AB"]["signals_recorded"], december["01AB"]["signals_recorded"]) == (SUPPRESSED, 20)
    assert whole["01AB"]["signals_recorded"] == COMPLEMENT, "23 minus December's 20 would give 3"
    assert whole["02CD"]["signals_recorded"] == COMPLEMENT, "November's 9 is a complement, hidden"
    assert whole[TOTAL]["signals_recorded"] == 62, "both months' totals are shown, so is their sum"
    assert december[TOTAL]["signals_recorded"] == 50


def test_a_month_without_a_hidden_cell_keeps_its_figures() -> None:
    facts = facts_of(
        signals_recorded={("01AB", NOV): 7, ("02CD", NOV): 30},
        decisions={("01AB", NOV, "help"): 6, ("02CD", NOV, "help"): 5},
    )

    _, shown = dashboard(facts)

    assert shown[TOTAL]["signals_recorded"] == 37
    assert shown[TOTAL]["decisions"] == {
        "total": 11,
        "by_outcome": {"no_suspicion_close": 0, "help": 11, "report": 0, "report_and_help": 0},
    }
    assert shown["01AB"]["signals_recorded"] == 7


def test_the_open_cases_of_now_are_one_table_for_every_period() -> None:
    facts = facts_of(open_cases={("01AB", "geopend"): 2, ("02CD", "geopend"): 8, ("02CD", "weging"): 12})

    grid = suppressed_grid(facts)

    assert grid.cell("01AB", None, "open_cases", "geopend") == SUPPRESSED
    assert (
        dashboard(facts.within([]), "02CD")[1]["02CD"]["open_cases"]
        == dashboard(facts, "02CD")[1]["02CD"]["open_cases"]
    )


def test_the_end_of_a_month() -> None:
    assert [month_end(date(2026, m, 14)) for m in (2, 11, 12)] == [
        date(2026, 2, 28),
        date(2026, 11, 30),
        date(2026, 12, 31),
    ]


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

    periods = step_periods([c for c in (project(e).case_change for e in history) if c is not None])

    assert [(p.step, p.days, p.school) for p in periods] == [
        ("geopend", 3.0, "12AB"),
        ("gesprek_ouders", 7.0, "12AB"),
        ("weging", 2.0, "12AB"),
    ]
