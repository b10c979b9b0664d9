"""Open obligations and overdue items of a case: computed from its events, with today passed in."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from meldcode_contracts import Envelope
from reporting.domain.cases import CaseRow, CaseStep, case_change, case_row
from reporting.domain.obligations import (
    WAITING_TERM,
    add_working_days,
    open_obligations,
    overdue,
)

from ..conftest import CaseFile, Events

MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
TWELVE_YEARS_AGO = date(2014, 3, 2)
TEN_YEARS_AGO = date(2016, 3, 2)


def row_of(history: list[Envelope]) -> CaseRow:
    row = case_row(c for c in (case_change(e) for e in history) if c is not None)
    assert row is not None
    return row


def decided_to_report(events: Events) -> tuple[CaseFile, list[Envelope]]:
    file = CaseFile(events, events.case(uuid.uuid4(), [uuid.uuid4()], when=MONDAY))
    history: list[Envelope] = [
        file.opened,
        file.conversation_held(MONDAY + timedelta(hours=1)),
        file.risk_weighed(MONDAY + timedelta(hours=2)),
        file.decision(MONDAY + timedelta(hours=3), outcome="report_and_help"),
    ]
    return file, history


def codes(row: CaseRow, today: date, dob: date | None = TWELVE_YEARS_AGO) -> list[str]:
    return [o.code for o in open_obligations(row, today=today, date_of_birth=dob)]


def test_before_a_report_the_parents_and_a_pupil_of_12_or_older_must_be_informed(events: Events) -> None:
    _, history = decided_to_report(events)

    assert codes(row_of(history), date(2026, 11, 3)) == [
        "ouders_informeren",
        "kind_informeren",
        "melden_veilig_thuis",
    ]


def test_a_pupil_under_12_need_not_be_informed_before_a_report(events: Events) -> None:
    _, history = decided_to_report(events)

    assert codes(row_of(history), date(2026, 11, 3), TEN_YEARS_AGO) == [
        "ouders_informeren",
        "melden_veilig_thuis",
    ]


def test_without_a_known_date_of_birth_informing_the_pupil_is_listed_as_conditional(events: Events) -> None:
    _, history = decided_to_report(events)

    assert "kind_informeren_vanaf_12" in codes(row_of(history), date(2026, 11, 3), None)


def test_an_exception_recorded_for_parents_and_child_fulfils_the_obligation_to_inform(events: Events) -> None:
    file, history = decided_to_report(events)
    history += [
        file.parents_exception(MONDAY + timedelta(hours=4)),
        file.child_exception(MONDAY + timedelta(hours=5)),
    ]

    assert codes(row_of(history), date(2026, 11, 3)) == ["melden_veilig_thuis"]


def test_feedback_of_veilig_thuis_is_due_five_working_days_after_the_report_and_overdue_after(
    events: Events,
) -> None:
    file, history = decided_to_report(events)
    history += [
        file.parents_informed(MONDAY + timedelta(hours=4)),
        file.child_informed(MONDAY + timedelta(hours=5)),
        file.reported(MONDAY + timedelta(hours=6)),  # Monday 2 November 2026
    ]
    row = row_of(history)

    on_due_day = open_obligations(row, today=date(2026, 11, 9), date_of_birth=TWELVE_YEARS_AGO)
    day_after = open_obligations(row, today=date(2026, 11, 10), date_of_birth=TWELVE_YEARS_AGO)

    feedback = next(o for o in on_due_day if o.code == "terugkoppeling_veilig_thuis")
    assert feedback.due_on == date(2026, 11, 9)
    assert not feedback.overdue
    assert overdue(day_after) == ["terugkoppeling_veilig_thuis"]


def test_dutch_public_holidays_do_not_count_as_working_days() -> None:
    # Friday 26 March 2027 + 5: Easter Monday (29 March) is skipped.
    assert add_working_days(date(2027, 3, 26), 5) == date(2027, 4, 5)
    # Koningsdag Tuesday 27 April 2027 and Hemelvaart Thursday 6 May 2027 are skipped.
    assert add_working_days(date(2027, 4, 26), 1) == date(2027, 4, 28)
    assert add_working_days(date(2027, 5, 5), 1) == date(2027, 5, 7)


def test_feedback_received_after_the_report_closes_the_feedback_obligation(events: Events) -> None:
    file, history = decided_to_report(events)
    history += [
        file.parents_informed(MONDAY + timedelta(hours=4)),
        file.child_informed(MONDAY + timedelta(hours=5)),
        file.reported(MONDAY + timedelta(hours=6)),
        file.feedback(MONDAY + timedelta(days=3)),
    ]

    assert "terugkoppeling_veilig_thuis" not in codes(row_of(history), date(2026, 12, 1))


def test_a_follow_up_evaluation_is_overdue_after_its_scheduled_day(events: Events) -> None:
    file, history = decided_to_report(events)
    history += [
        file.parents_informed(MONDAY + timedelta(hours=4)),
        file.child_informed(MONDAY + timedelta(hours=5)),
        file.reported(MONDAY + timedelta(hours=6)),
        file.feedback(MONDAY + timedelta(hours=7)),
        file.help_organised(MONDAY + timedelta(hours=8)),
        file.care_coordinator(MONDAY + timedelta(hours=9)),
        file.follow_up(MONDAY + timedelta(hours=10)),  # evaluation 42 days later: 14 December 2026
    ]
    row = row_of(history)

    on_the_day = open_obligations(row, today=date(2026, 12, 14), date_of_birth=TWELVE_YEARS_AGO)
    later = open_obligations(row, today=date(2026, 12, 15), date_of_birth=TWELVE_YEARS_AGO)

    assert [(o.code, o.due_on, o.overdue) for o in on_the_day] == [
        ("evaluatie_uitvoeren", date(2026, 12, 14), False)
    ]
    assert overdue(later) == ["evaluatie_uitvoeren"]
    history.append(file.evaluated(MONDAY + timedelta(days=43)))
    assert codes(row_of(history), date(2026, 12, 20)) == []


def test_a_case_waiting_longer_than_a_term_for_the_parent_conversation_is_overdue(events: Events) -> None:
    file = CaseFile(events, events.case(uuid.uuid4(), [uuid.uuid4()], when=MONDAY))
    row = row_of([file.opened])
    due = date(2026, 11, 2) + WAITING_TERM

    assert [(o.code, o.due_on) for o in open_obligations(row, today=due, date_of_birth=None)] == [
        ("gesprek_ouders", due)
    ]
    assert overdue(open_obligations(row, today=due, date_of_birth=None)) == []
    assert overdue(open_obligations(row, today=due + timedelta(days=1), date_of_birth=None)) == [
        "gesprek_ouders"
    ]


def test_the_weighing_term_counts_from_the_parent_conversation_not_from_the_opening(events: Events) -> None:
    file = CaseFile(events, events.case(uuid.uuid4(), [uuid.uuid4()], when=MONDAY))
    held = MONDAY + timedelta(days=20)
    row = row_of([file.opened, file.conversation_held(held)])

    (weighing,) = open_obligations(row, today=date(2026, 12, 1), date_of_birth=None)

    assert (weighing.code, weighing.due_on) == ("weging_zorgteam", held.date() + WAITING_TERM)
    assert row.step == CaseStep.PARENTS_CONVERSATION


def test_a_closed_case_has_no_open_obligations(events: Events) -> None:
    file = CaseFile(events, events.case(uuid.uuid4(), [uuid.uuid4()], when=MONDAY))
    history = [
        file.opened,
        file.conversation_held(MONDAY + timedelta(hours=1)),
        file.risk_weighed(MONDAY + timedelta(hours=2), suspicion=False, structural=False),
        file.decision(MONDAY + timedelta(hours=3), outcome="no_suspicion_close"),
        file.closed(MONDAY + timedelta(hours=4)),
    ]

    assert codes(row_of(history), date(2027, 6, 1)) == []


def test_a_new_decision_after_a_failed_evaluation_asks_to_inform_the_parents_again(events: Events) -> None:
    file, history = decided_to_report(events)
    history += [
        file.parents_informed(MONDAY + timedelta(hours=4)),
        file.child_informed(MONDAY + timedelta(hours=5)),
        file.reported(MONDAY + timedelta(hours=6)),
        file.feedback(MONDAY + timedelta(hours=7)),
        file.help_organised(MONDAY + timedelta(hours=8)),
        file.care_coordinator(MONDAY + timedelta(hours=9)),
        file.follow_up(MONDAY + timedelta(hours=10)),
        file.evaluated(MONDAY + timedelta(days=40), lasting_safety=False),
        file.decision(MONDAY + timedelta(days=41), outcome="report"),
    ]

    assert codes(row_of(history), date(2026, 12, 14)) == [
        "ouders_informeren",
        "kind_informeren",
        "melden_veilig_thuis",
    ]


def test_a_pupil_who_left_school_asks_for_a_hand_over(events: Events) -> None:
    file = CaseFile(events, events.case(uuid.uuid4(), [uuid.uuid4()], when=MONDAY))
    row = row_of([file.opened, file.pupil_left(MONDAY + timedelta(hours=1))])

    assert codes(row, date(2026, 11, 3))[0] == "overdracht"
