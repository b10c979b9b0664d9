"""Casework decides the step and the open obligations with their due days and records them on
`ObligationsChanged` after each command that changes them (ADR 18). Domain and in-memory store only.

Calendar facts used: Koningsdag is Monday 27 April 2026; Kerst is Friday 25 and Saturday 26
December 2026.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from casework.config import Settings
from casework.domain.calendar import add_working_days
from casework.domain.case import Case
from casework.domain.decision import Answers
from casework.domain.terms import DEFAULT_TERMS, Terms, TermsBook
from meldcode_vocabulary.dutch_days import dutch_date

TENANT = "swv-zuid"
BEFORE_KONINGSDAG = date(2026, 4, 23)  # a Thursday
BEFORE_KERST = date(2026, 12, 22)  # a Tuesday


def opened(cases: Any, on: date, terms: Terms = DEFAULT_TERMS) -> Case:
    case = cases.opened(signals=1)
    case.settle_obligations(terms=terms, on=on)
    return case


def published(case: Case) -> list[Case.ObligationsChanged]:
    return [e for e in case.collect_events() if isinstance(e, Case.ObligationsChanged)]


def last_published(case: Case) -> tuple[str, list[tuple[str, date | None]]]:
    *_, event = published(case)
    return event.step, [(o["kind"], o["due_on"]) for o in event.obligations]


def converse(cases: Any, case: Case, on: date) -> None:
    case.hold_parents_conversation(
        held_on=on, participants=["moeder"], summary="Besproken.", today=on, by=cases.by
    )


def weigh(cases: Any, case: Case, on: date, *, unsafety: bool = True) -> None:
    case.weigh_risk(
        participants=cases.zorgteam,
        nature="Herhaald letsel.",
        severity="ernstig",
        risk_level="hoog",
        suspicion=True,
        acute_unsafety=False,
        structural_unsafety=unsafety,
        today=on,
        by=cases.by,
    )


def decide_to_report(cases: Any, case: Case, on: date) -> None:
    case.make_decision(
        answers=Answers(True, True),
        outcome="report_and_help",
        reasons="Structurele onveiligheid.",
        who_reports="ib-1",
        who_informs_parents="ib-1",
        today=on,
        by=cases.by,
    )


def report(cases: Any, case: Case, on: date) -> None:
    case.record_parents_informing_exception(
        ground="veiligheid_kind", explanation="Informeren brengt het kind in gevaar.", today=on, by=cases.by
    )
    case.record_child_informing_exception(
        ground="veiligheid_kind", explanation="Het kind zou onder druk worden gezet.", today=on, by=cases.by
    )
    case.notify_amk(
        veilig_thuis_region="Zuid",
        veilig_thuis_organisation="Veilig Thuis Zuid",
        signal_ids=case.signal_ids,
        school_continues="Dagelijks contact.",
        pupil_date_of_birth=date(2014, 1, 1),
        today=on,
        by=cases.by,
    )


# --- the calendar ---------------------------------------------------------------------------------


def test_working_days_skip_weekends_and_dutch_public_holidays() -> None:
    assert add_working_days(date(2026, 4, 24), 1) == date(2026, 4, 28)  # Fri -> Tue: Koningsdag
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 28)  # Kerst and weekend
    assert add_working_days(date(2026, 11, 6), 5) == date(2026, 11, 13)  # Fri + 5 = next Fri
    assert add_working_days(date(2026, 11, 7), 1) == date(2026, 11, 9)  # Sat + 1 = Mon
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 11, 2), -1)


def test_the_day_of_an_event_is_its_dutch_calendar_day() -> None:
    assert dutch_date(datetime(2026, 11, 1, 23, 30, tzinfo=UTC)) == date(2026, 11, 2)  # CET
    assert dutch_date(datetime(2026, 6, 30, 22, 30, tzinfo=UTC)) == date(2026, 7, 1)  # CEST
    with pytest.raises(ValueError, match="timezone"):
        dutch_date(datetime(2026, 6, 30, 22, 30))


# --- each command that changes the obligations publishes them with due days ----------------------


def test_opening_publishes_the_parents_conversation_due_in_five_working_days_across_koningsdag(
    cases: Any,
) -> None:
    case = opened(cases, BEFORE_KONINGSDAG)
    opened_event, changed = case.collect_events()
    assert isinstance(changed, Case.ObligationsChanged)
    assert changed.originator_version == opened_event.originator_version + 1
    assert (changed.actor_id, changed.actor_role, changed.correlation_id) == (
        cases.by.user_id,
        cases.by.role,
        cases.by.correlation_id,
    )
    assert (changed.step, changed.obligations) == (
        "geopend",
        [{"kind": "gesprek_ouders", "due_on": date(2026, 5, 1)}],
    )


def test_the_terms_of_the_samenwerkingsverband_decide_the_due_days(cases: Any) -> None:
    short = Terms(parents_conversation_working_days=2, weighing_working_days=3, feedback_working_days=4)
    case = opened(cases, BEFORE_KONINGSDAG, short)
    assert last_published(case) == ("geopend", [("gesprek_ouders", date(2026, 4, 28))])
    converse(cases, case, date(2026, 4, 24))
    assert case.settle_obligations(terms=short, on=date(2026, 4, 24))
    assert last_published(case) == ("gesprek_ouders", [("weging_zorgteam", date(2026, 4, 30))])


def test_the_parents_conversation_opens_the_weighing_due_in_ten_working_days(cases: Any) -> None:
    case = opened(cases, BEFORE_KONINGSDAG)
    converse(cases, case, BEFORE_KONINGSDAG)
    assert case.settle_obligations(terms=DEFAULT_TERMS, on=BEFORE_KONINGSDAG)
    # Fri 24, (Koningsdag), Tue 28 .. Fri 1 May, Mon 4 .. Fri 8 May: the tenth working day is 8 May.
    assert last_published(case) == ("gesprek_ouders", [("weging_zorgteam", date(2026, 5, 8))])


def test_a_report_opens_the_feedback_due_in_five_working_days_across_kerst(cases: Any) -> None:
    day = date(2026, 12, 14)
    case = opened(cases, day)
    converse(cases, case, day)
    weigh(cases, case, day)
    decide_to_report(cases, case, day)
    assert case.settle_obligations(terms=DEFAULT_TERMS, on=day)
    assert last_published(case) == (
        "besluit",
        [
            ("ouders_informeren", None),
            ("kind_informeren_vanaf_12", None),
            ("melden_veilig_thuis", None),
            ("hulp_organiseren", None),
        ],
    )
    report(cases, case, BEFORE_KERST)
    assert case.settle_obligations(terms=DEFAULT_TERMS, on=BEFORE_KERST)
    assert last_published(case) == (
        "melding",
        [("hulp_organiseren", None), ("terugkoppeling_veilig_thuis", date(2026, 12, 30))],
    )


def test_an_obligation_that_stays_open_keeps_its_due_day_also_when_the_terms_change(cases: Any) -> None:
    case = opened(cases, date(2026, 12, 14))
    converse(cases, case, date(2026, 12, 14))
    weigh(cases, case, date(2026, 12, 14))
    decide_to_report(cases, case, date(2026, 12, 14))
    report(cases, case, BEFORE_KERST)
    case.settle_obligations(terms=DEFAULT_TERMS, on=BEFORE_KERST)
    later, longer = date(2027, 1, 11), Terms(feedback_working_days=20)
    case.organise_help(help_description="Gezinscoach.", providers=["wijkteam"], today=later, by=cases.by)
    assert case.settle_obligations(terms=longer, on=later)
    assert last_published(case) == (
        "melding",
        [("terugkoppeling_veilig_thuis", date(2026, 12, 30)), ("zorgcoordinator_aanwijzen", None)],
    )


def test_the_evaluation_is_due_on_its_scheduled_day_and_moves_with_it(cases: Any) -> None:
    day = date(2026, 11, 2)
    case = opened(cases, day)
    converse(cases, case, day)
    weigh(cases, case, day, unsafety=False)
    case.make_decision(
        answers=Answers(True, False, True, True),
        outcome="help",
        reasons="Hulp volstaat, ouders werken mee.",
        who_informs_parents="ib-1",
        today=day,
        by=cases.by,
    )
    case.organise_help(help_description="Gezinscoach.", providers=["wijkteam"], today=day, by=cases.by)
    case.assign_care_coordinator(coordinator_id="smw-1", today=day, by=cases.by)
    case.schedule_follow_up(evaluation_on=date(2027, 1, 15), today=day, by=cases.by)
    assert case.settle_obligations(terms=DEFAULT_TERMS, on=day)
    assert last_published(case) == ("volgen", [("evaluatie_uitvoeren", date(2027, 1, 15))])
    case.schedule_follow_up(evaluation_on=date(2027, 2, 1), today=day, by=cases.by)
    assert case.settle_obligations(terms=DEFAULT_TERMS, on=day)
    assert last_published(case) == ("volgen", [("evaluatie_uitvoeren", date(2027, 2, 1))])


def test_a_second_report_expects_its_own_feedback(cases: Any) -> None:
    day = date(2026, 11, 2)
    case = opened(cases, day)
    converse(cases, case, day)
    weigh(cases, case, day)
    decide_to_report(cases, case, day)
    report(cases, case, day)
    case.organise_help(help_description="Gezinscoach.", providers=["wijkteam"], today=day, by=cases.by)
    case.assign_care_coordinator(coordinator_id="smw-1", today=day, by=cases.by)
    case.schedule_follow_up(evaluation_on=day + timedelta(days=30), today=day, by=cases.by)
    case.settle_obligations(terms=DEFAULT_TERMS, on=day)
    assert ("terugkoppeling_veilig_thuis", date(2026, 11, 9)) in last_published(case)[1]
    again = date(2026, 12, 7)
    case.evaluate_follow_up(lasting_safety=False, findings="Opnieuw letsel.", today=again, by=cases.by)
    weigh(cases, case, again)
    decide_to_report(cases, case, again)
    report(cases, case, again)
    case.settle_obligations(terms=DEFAULT_TERMS, on=again)
    assert ("terugkoppeling_veilig_thuis", date(2026, 12, 14)) in last_published(case)[1]


@pytest.mark.parametrize(
    ("born", "child_kinds"),
    [
        (date(2014, 11, 2), ["kind_informeren"]),  # 12 today
        (date(2014, 11, 3), []),  # 12 tomorrow
        (None, ["kind_informeren_vanaf_12"]),  # date of birth unknown
    ],
)
def test_informing_the_pupil_depends_on_being_twelve_when_the_date_of_birth_is_known(
    cases: Any, born: date | None, child_kinds: list[str]
) -> None:
    day = date(2026, 11, 2)
    case = opened(cases, day)
    converse(cases, case, day)
    weigh(cases, case, day)
    decide_to_report(cases, case, day)
    case.settle_obligations(terms=DEFAULT_TERMS, on=day, pupil_date_of_birth=born)
    kinds = [kind for kind, _ in last_published(case)[1]]
    assert [k for k in kinds if k.startswith("kind_informeren")] == child_kinds


# --- nothing changed, nothing recorded ------------------------------------------------------------


def test_a_command_that_changes_neither_step_nor_obligations_records_none(cases: Any) -> None:
    case = opened(cases, BEFORE_KONINGSDAG)
    case.collect_events()
    case.change_owner(new_owner_id="ib-2", by=cases.by)
    case.invite_to_zorgteam(member_id="arts-1", organisation=None, today=date(2026, 4, 28), by=cases.by)
    assert not case.settle_obligations(terms=Terms(parents_conversation_working_days=9), on=date(2026, 4, 28))
    assert published(case) == []
    assert case.obligations is not None and case.obligations[0].due_on == date(2026, 5, 1)


def test_settling_twice_records_once(cases: Any) -> None:
    case = opened(cases, BEFORE_KONINGSDAG)
    assert not case.settle_obligations(terms=DEFAULT_TERMS, on=BEFORE_KONINGSDAG)
    assert len(published(case)) == 1


def test_closing_publishes_the_closed_step_with_no_obligations(cases: Any) -> None:
    day = date(2026, 11, 2)
    case = opened(cases, day)
    case.close(reason="Zorgen weggenomen in het gesprek.", today=day, by=cases.by)
    assert case.settle_obligations(terms=DEFAULT_TERMS, on=day)
    assert last_published(case) == ("gesloten", [])


# --- settings -------------------------------------------------------------------------------------


def test_casework_terms_come_from_the_settings_per_samenwerkingsverband(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "CASEWORK_TERMS",
        '{"default": {"weighing_working_days": 15}, "swv-noord": {"parents_conversation_working_days": 3}}',
    )
    book = Settings().terms_book()
    assert book.of("swv-zuid") == Terms(weighing_working_days=15)
    assert book.of("swv-noord") == Terms(parents_conversation_working_days=3, weighing_working_days=15)
    monkeypatch.delenv("CASEWORK_TERMS")
    assert Settings().terms_book() == TermsBook()


def test_a_term_below_one_working_day_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Terms(feedback_working_days=0)
