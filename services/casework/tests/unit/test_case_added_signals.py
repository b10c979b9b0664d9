"""Rule 9: signals recorded after a case was opened are added to it, and a report may cite them.
Without any I/O."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest

from casework.application import CaseworkApplication
from casework.domain.actor import Actor
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
from casework.domain.weighing import Participant
from casework.translation import to_contract_event

TODAY = date(2026, 11, 2)
PUPIL = uuid.uuid4()
TENANT, SCHOOL = "swv-zuid", "12AB"
ACT = Actor("ib-1", "intern_begeleider", "corr-1")
ZORGTEAM = [
    Participant.of("Ans de Vries", "intern begeleider", "onderwijs"),
    Participant.of("Bram Jansen", "jeugdarts", "jeugdgezondheidszorg"),
]


def signal(pupil: uuid.UUID = PUPIL, tenant: str = TENANT, school: str = SCHOOL) -> KnownSignal:
    return KnownSignal(uuid.uuid4(), pupil, tenant, school)


def opened() -> Case:
    first = signal()
    return Case.open(
        pupil_id=PUPIL, signal_ids=[first.signal_id], known_signals=[first], case_owner_id="ib-1", by=ACT
    )


def add(case: Case, *signals: KnownSignal, ids: list[uuid.UUID] | None = None, on: date = TODAY) -> None:
    case.add_signals(
        signal_ids=[s.signal_id for s in signals] if ids is None else ids,
        known_signals=list(signals),
        today=on,
        by=ACT,
    )


def weigh(case: Case, on: date) -> None:
    case.weigh_risk(
        participants=ZORGTEAM,
        nature="Herhaalde blauwe plekken.",
        severity="ernstig",
        risk_level="hoog",
        suspicion=True,
        acute_unsafety=False,
        structural_unsafety=False,
        today=on,
        by=ACT,
    )


def helped_and_evaluated_without_lasting_safety() -> tuple[Case, date]:
    """Help decided and organised, then an evaluation that found no lasting safety (rule 12)."""
    case = opened()
    case.hold_parents_conversation(
        held_on=TODAY, participants=["moeder"], summary="Zorgen besproken.", today=TODAY, by=ACT
    )
    weigh(case, TODAY)
    case.make_decision(
        answers=Answers(True, False, True, True),
        outcome=Outcome.HELP,
        reasons="Hulp via het wijkteam is mogelijk en wordt aanvaard.",
        who_informs_parents="ib-1",
        today=TODAY,
        by=ACT,
    )
    case.organise_help(help_description="Gezinscoach.", providers=["wijkteam"], today=TODAY, by=ACT)
    case.assign_care_coordinator(coordinator_id="smw-1", organisation="SMW", today=TODAY, by=ACT)
    evaluation = TODAY + timedelta(weeks=6)
    case.schedule_follow_up(evaluation_on=evaluation, agreements="Wekelijks contact.", today=TODAY, by=ACT)
    case.evaluate_follow_up(
        lasting_safety=False, findings="Nieuwe verwondingen gezien.", today=evaluation, by=ACT
    )
    return case, evaluation


def report(case: Case, signal_ids: list[uuid.UUID], on: date) -> None:
    case.notify_amk(
        veilig_thuis_region="Zuid",
        veilig_thuis_organisation="Veilig Thuis Zuid",
        signal_ids=signal_ids,
        school_continues="Dagelijks contact met het kind.",
        pupil_date_of_birth=date(2016, 5, 14),
        today=on,
        by=ACT,
    )


def test_a_signal_recorded_after_opening_is_added_to_the_case_as_an_event() -> None:
    case = opened()
    first = case.signal_ids[0]
    later, latest = signal(), signal()
    add(case, later, latest)
    assert case.signal_ids == [first, later.signal_id, latest.signal_id]
    assert case.step is Step.OPENED
    added = case.pending_events[-1]
    assert isinstance(added, Case.SignalsAdded)
    assert (added.signal_ids, added.added_on, added.actor_id) == (
        [later.signal_id, latest.signal_id],
        TODAY,
        "ib-1",
    )


def test_a_signal_named_twice_is_added_once() -> None:
    case = opened()
    later = signal()
    add(case, later, ids=[later.signal_id, later.signal_id])
    assert case.signal_ids[1:] == [later.signal_id]


def test_adding_no_signal_is_refused() -> None:
    with pytest.raises(SignalsToAddNeeded) as refused:
        add(opened(), ids=[])
    assert refused.value.rule == "rule-9-signals-to-add"


def test_adding_a_signal_casework_does_not_know_is_refused_and_names_it() -> None:
    case = opened()
    unknown = uuid.uuid4()
    with pytest.raises(UnknownSignalsToAdd) as refused:
        add(case, signal(), ids=[unknown])
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
def test_adding_a_signal_of_another_pupil_or_school_is_refused(foreign: dict[str, Any]) -> None:
    case = opened()
    with pytest.raises(AddedSignalsOfAnotherPupil) as refused:
        add(case, signal(), signal(**foreign))
    assert refused.value.rule == "rule-9-added-signals-of-this-pupil"
    assert len(case.signal_ids) == 1


def test_adding_a_signal_already_in_the_case_is_refused_and_names_it() -> None:
    case = opened()
    first = KnownSignal(case.signal_ids[0], PUPIL, TENANT, SCHOOL)
    later = signal()
    add(case, later)
    for already in (first, later):
        with pytest.raises(SignalsAlreadyInCase) as refused:
            add(case, signal(), already)
        assert refused.value.rule == "rule-9-signals-already-in-case"
        assert refused.value.status == 409
        assert str(already.signal_id) in str(refused.value)
    assert len(case.signal_ids) == 2


def test_adding_signals_to_a_closed_case_is_refused() -> None:
    case = opened()
    case.close(reason="Zorgen weggenomen in het gesprek met de ouders.", today=TODAY, by=ACT)
    with pytest.raises(CaseClosedAlready):
        add(case, signal())


def test_after_a_failed_evaluation_the_new_report_cites_the_signal_that_prompted_it() -> None:
    case, evaluated_on = helped_and_evaluated_without_lasting_safety()
    prompted = signal()  # recorded by a teacher after the case was opened
    weigh(case, evaluated_on)
    case.make_decision(
        answers=Answers(True, False, True, True, False),
        outcome=Outcome.REPORT,
        reasons="Geen blijvende veiligheid: melden bij Veilig Thuis.",
        who_reports="ib-1",
        who_informs_parents="ib-1",
        today=evaluated_on,
        by=ACT,
    )
    case.inform_parents(
        informed_on=evaluated_on, informed_by="ib-1", summary="Voornemen verteld.", today=evaluated_on, by=ACT
    )
    with pytest.raises(ReportSignalsOfAnotherCase):  # not (yet) a signal of the case
        report(case, [prompted.signal_id], evaluated_on)
    add(case, prompted, on=evaluated_on)
    report(case, [prompted.signal_id], evaluated_on)
    assert case.step is Step.REPORTED
    reported = case.pending_events[-1]
    assert isinstance(reported, Case.AmkNotified) and reported.signal_ids == [prompted.signal_id]
    assert case.signal_ids[1:] == [prompted.signal_id]  # after the one the case was opened from


def test_adding_signals_changes_neither_the_step_nor_the_published_obligations() -> None:
    case = opened()
    case.settle_obligations(terms=DEFAULT_TERMS, on=TODAY)
    before = list(case.obligations or ())
    add(case, signal(), on=TODAY + timedelta(days=3))
    assert not case.settle_obligations(terms=DEFAULT_TERMS, on=TODAY + timedelta(days=3))
    assert list(case.obligations or ()) == before
    assert [type(e).__name__ for e in case.pending_events][-2:] == ["ObligationsChanged", "SignalsAdded"]


def test_the_added_signals_become_a_case_signals_added_contract_event() -> None:
    case = opened()
    later = signal()
    add(case, later)
    event = to_contract_event(case.pending_events[-1])
    assert event is not None
    assert event.event_type == "CaseSignalsAdded"
    assert event.model_dump(mode="json")["payload"] == {
        "case_id": str(case.id),
        "pupil_id": str(PUPIL),
        "signal_ids": [str(later.signal_id)],
    }
    assert (event.tenant, event.school, event.sequence) == (TENANT, SCHOOL, 2)


def test_a_case_with_added_signals_loads_the_same_from_its_snapshot_and_its_events() -> None:
    app = CaseworkApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    case = opened()
    later = signal()
    add(case, later)
    app.save(case)
    replayed = app.get_case(case.id)
    app.take_snapshot(case.id)
    from_snapshot = app.get_case(case.id)
    assert replayed.signal_ids == from_snapshot.signal_ids == [case.signal_ids[0], later.signal_id]
    with pytest.raises(SignalsAlreadyInCase):
        add(from_snapshot, later)
