"""Rule 9: signals recorded after a case was opened are added to it, and a report may cite them.
Without any I/O."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest

from casework.application import CaseworkApplication
from casework.domain.case import Case, KnownSignal, Step
from casework.domain.decision import Answers, Outcome
from casework.domain.errors import (
    AddedSignalsOfAnotherPupil,
    CaseClosedAlready,
    ReportSignalsOfAnotherCase,
    SignalsAlreadyInCase,
    SignalsToAddNeeded,
    UnknownSignalsToAdd,
)
from casework.domain.terms import DEFAULT_TERMS
from casework.translation import to_contract_event

TENANT, SCHOOL = "swv-zuid", "12AB"


def add(
    cases: Any, case: Case, *signals: KnownSignal, ids: list[uuid.UUID] | None = None, on: date | None = None
) -> None:
    case.add_signals(
        signal_ids=[s.signal_id for s in signals] if ids is None else ids,
        known_signals=list(signals),
        today=on or cases.today,
        by=cases.by,
    )


def weigh(cases: Any, case: Case, on: date) -> None:
    case.weigh_risk(
        participants=cases.zorgteam,
        nature="Herhaalde blauwe plekken.",
        severity="ernstig",
        risk_level="hoog",
        suspicion=True,
        acute_unsafety=False,
        structural_unsafety=False,
        today=on,
        by=cases.by,
    )


def helped_and_evaluated_without_lasting_safety(cases: Any) -> tuple[Case, date]:
    """Help decided and organised, then an evaluation that found no lasting safety (rule 12)."""
    case = cases.opened(signals=1)
    case.hold_parents_conversation(
        held_on=cases.today,
        participants=["moeder"],
        summary="Zorgen besproken.",
        today=cases.today,
        by=cases.by,
    )
    weigh(cases, case, cases.today)
    case.make_decision(
        answers=Answers(True, False, True, True),
        outcome=Outcome.HELP,
        reasons="Hulp via het wijkteam is mogelijk en wordt aanvaard.",
        who_informs_parents="ib-1",
        today=cases.today,
        by=cases.by,
    )
    case.organise_help(
        help_description="Gezinscoach.", providers=["wijkteam"], today=cases.today, by=cases.by
    )
    case.assign_care_coordinator(coordinator_id="smw-1", organisation="SMW", today=cases.today, by=cases.by)
    evaluation = cases.today + timedelta(weeks=6)
    case.schedule_follow_up(
        evaluation_on=evaluation, agreements="Wekelijks contact.", today=cases.today, by=cases.by
    )
    case.evaluate_follow_up(
        lasting_safety=False, findings="Nieuwe verwondingen gezien.", today=evaluation, by=cases.by
    )
    return case, evaluation


def report(cases: Any, case: Case, signal_ids: list[uuid.UUID], on: date) -> None:
    case.notify_amk(
        veilig_thuis_region="Zuid",
        veilig_thuis_organisation="Veilig Thuis Zuid",
        signal_ids=signal_ids,
        school_continues="Dagelijks contact met het kind.",
        pupil_date_of_birth=date(2016, 5, 14),
        today=on,
        by=cases.by,
    )


def test_a_signal_recorded_after_opening_is_added_to_the_case_as_an_event(cases: Any) -> None:
    case = cases.opened(signals=1)
    first = case.signal_ids[0]
    later, latest = (
        cases.signal(),
        cases.signal(),
    )
    add(cases, case, later, latest)
    assert case.signal_ids == [first, later.signal_id, latest.signal_id]
    assert case.step is Step.OPENED
    added = case.pending_events[-1]
    assert isinstance(added, Case.SignalsAdded)
    assert (added.signal_ids, added.added_on, added.actor_id) == (
        [later.signal_id, latest.signal_id],
        cases.today,
        "ib-1",
    )


def test_a_signal_named_twice_is_added_once(cases: Any) -> None:
    case = cases.opened(signals=1)
    later = cases.signal()
    add(cases, case, later, ids=[later.signal_id, later.signal_id])
    assert case.signal_ids[1:] == [later.signal_id]


def test_adding_no_signal_is_refused(cases: Any) -> None:
    with pytest.raises(SignalsToAddNeeded) as refused:
        add(
            cases,
            cases.opened(signals=1),
            ids=[],
        )
    assert refused.value.rule == "rule-9-signals-to-add"


def test_adding_a_signal_casework_does_not_know_is_refused_and_names_it(cases: Any) -> None:
    case = cases.opened(signals=1)
    unknown = uuid.uuid4()
    with pytest.raises(UnknownSignalsToAdd) as refused:
        add(
            cases,
            case,
            cases.signal(),
            ids=[unknown],
        )
    assert refused.value.rule == "rule-9-added-signals-recorded"
    assert refused.value.signal_ids == [str(unknown)]
    assert len(case.signal_ids) == 1


@pytest.mark.parametrize(
    "foreign",
    [
        pytest.param({"pupil": uuid.uuid4()}, id="another pupil"),
        pytest.param({"school": "34CD"}, id="another school"),
        pytest.param({"tenant": "swv-noord"}, id="another samenwerkingsverband"),
    ],
)
def test_adding_a_signal_of_another_pupil_or_school_is_refused(cases: Any, foreign: dict[str, Any]) -> None:
    case = cases.opened(signals=1)
    with pytest.raises(AddedSignalsOfAnotherPupil) as refused:
        add(
            cases,
            case,
            cases.signal(),
            cases.signal(**foreign),
        )
    assert refused.value.rule == "rule-9-added-signals-of-this-pupil"
    assert len(case.signal_ids) == 1


def test_adding_a_signal_already_in_the_case_is_refused_and_names_it(cases: Any) -> None:
    case = cases.opened(signals=1)
    first = KnownSignal(case.signal_ids[0], cases.pupil, TENANT, SCHOOL)
    later = cases.signal()
    add(cases, case, later)
    for already in (first, later):
        with pytest.raises(SignalsAlreadyInCase) as refused:
            add(
                cases,
                case,
                cases.signal(),
                already,
            )
        assert refused.value.rule == "rule-9-signals-already-in-case"
        assert refused.value.status == 409
        assert str(already.signal_id) in str(refused.value)
    assert len(case.signal_ids) == 2


def test_adding_signals_to_a_closed_case_is_refused(cases: Any) -> None:
    case = cases.opened(signals=1)
    case.close(reason="Zorgen weggenomen in het gesprek met de ouders.", today=cases.today, by=cases.by)
    with pytest.raises(CaseClosedAlready):
        add(
            cases,
            case,
            cases.signal(),
        )


def test_after_a_failed_evaluation_the_new_report_cites_the_signal_that_prompted_it(cases: Any) -> None:
    case, evaluated_on = helped_and_evaluated_without_lasting_safety(cases)
    prompted = cases.signal()  # recorded by a teacher after the case was opened
    weigh(cases, case, evaluated_on)
    case.make_decision(
        answers=Answers(True, False, True, True, False),
        outcome=Outcome.REPORT,
        reasons="Geen blijvende veiligheid: melden bij Veilig Thuis.",
        who_reports="ib-1",
        who_informs_parents="ib-1",
        today=evaluated_on,
        by=cases.by,
    )
    case.inform_parents(
        informed_on=evaluated_on,
        informed_by="ib-1",
        summary="Voornemen verteld.",
        today=evaluated_on,
        by=cases.by,
    )
    with pytest.raises(ReportSignalsOfAnotherCase):  # not (yet) a signal of the case
        report(cases, case, [prompted.signal_id], evaluated_on)
    add(cases, case, prompted, on=evaluated_on)
    report(cases, case, [prompted.signal_id], evaluated_on)
    assert case.step is Step.REPORTED
    reported = case.pending_events[-1]
    assert isinstance(reported, Case.AmkNotified) and reported.signal_ids == [prompted.signal_id]
    assert case.signal_ids[1:] == [prompted.signal_id]  # after the one the case was opened from


def test_adding_signals_changes_neither_the_step_nor_the_published_obligations(cases: Any) -> None:
    case = cases.opened(signals=1)
    case.settle_obligations(terms=DEFAULT_TERMS, on=cases.today)
    before = list(case.obligations or ())
    add(
        cases,
        case,
        cases.signal(),
        on=cases.today + timedelta(days=3),
    )
    assert not case.settle_obligations(terms=DEFAULT_TERMS, on=cases.today + timedelta(days=3))
    assert list(case.obligations or ()) == before
    assert [type(e).__name__ for e in case.pending_events][-2:] == ["ObligationsChanged", "SignalsAdded"]


def test_the_added_signals_become_a_case_signals_added_contract_event(cases: Any) -> None:
    case = cases.opened(signals=1)
    later = cases.signal()
    add(cases, case, later)
    event = to_contract_event(case.pending_events[-1])
    assert event is not None
    assert event.event_type == "CaseSignalsAdded"
    assert event.model_dump(mode="json")["payload"] == {
        "case_id": str(case.id),
        "pupil_id": str(cases.pupil),
        "signal_ids": [str(later.signal_id)],
    }
    assert (event.tenant, event.school, event.sequence) == (TENANT, SCHOOL, 2)


def test_a_case_with_added_signals_loads_the_same_from_its_snapshot_and_its_events(cases: Any) -> None:
    app = CaseworkApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    case = cases.opened(signals=1)
    later = cases.signal()
    add(cases, case, later)
    app.save(case)
    replayed = app.get_case(case.id)
    app.take_snapshot(case.id)
    from_snapshot = app.get_case(case.id)
    assert replayed.signal_ids == from_snapshot.signal_ids == [case.signal_ids[0], later.signal_id]
    with pytest.raises(SignalsAlreadyInCase):
        add(cases, from_snapshot, later)
