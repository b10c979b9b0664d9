"""Working with JGZ on the Case aggregate: consultation asked and answered, hand-over on a legal basis.
Each refusal names its rule; the same command is accepted once its condition is met. No I/O."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from casework.domain.actor import Actor
from casework.domain.case import Case, KnownSignal
from casework.domain.errors import (
    CaseClosedAlready,
    DomainError,
    InvalidContent,
    JgzConsultationNeedsQuestion,
    JgzConsultationNotByIbOrCaseOwner,
    JgzHandoverNeedsLegalBasis,
    JgzHandoverNeedsSummary,
    JgzPartnerNotConfigured,
    JgzResultForUnknownRequest,
    JgzResultNeedsContent,
    StateConflict,
)
from casework.domain.jgz import JgzLegalBasis

from .jgz_steps import GGD, NOW, hand_over, receive, request

ZORGTEAM = Actor("smw-1", "zorgteam", "c-2")


def opened(cases: Any) -> Case:
    signal = KnownSignal(uuid.uuid4(), cases.pupil, "swv-zuid", "12AB")
    case = Case.open(
        pupil_id=cases.pupil,
        signal_ids=[signal.signal_id],
        known_signals=[signal],
        case_owner_id="ib-1",
        by=cases.by,
    )
    case.collect_events()
    return case


def closed(cases: Any) -> Case:
    case = opened(cases)
    case.close(reason="Zorgen weggenomen in het gesprek.", today=cases.today, by=cases.by)
    case.collect_events()
    return case


def names(case: Case) -> list[str]:
    return [type(e).__name__ for e in case.collect_events()]


# --- the consultation request ---------------------------------------------------------------------------


def test_the_ib_er_asks_the_jgz_partner_for_a_consultation(cases: Any) -> None:
    case = opened(cases)
    request_id = request(cases, case)
    [event] = case.collect_events()
    assert isinstance(event, Case.JgzConsultationRequested)
    assert (event.request_id, event.jgz_organisation, event.requested_by) == (request_id, GGD, "ib-1")
    assert event.requested_on == cases.today
    assert event.question == "Is de groei van de leerling op curve?"
    assert [c.request_id for c in case.jgz_consultations] == [request_id]


def test_the_case_owner_in_the_zorgteam_may_ask_but_another_zorgteam_member_may_not(cases: Any) -> None:
    case = opened(cases)
    with pytest.raises(JgzConsultationNotByIbOrCaseOwner):
        request(cases, case, actor=ZORGTEAM)
    assert names(case) == []
    case.change_owner(new_owner_id="smw-1", by=cases.by)
    request(cases, case, actor=ZORGTEAM)
    assert names(case) == ["CaseOwnerChanged", "JgzConsultationRequested"]


def test_a_consultation_is_refused_without_a_jgz_partner_for_the_samenwerkingsverband(cases: Any) -> None:
    case = opened(cases)
    for missing in (None, "", "  "):
        with pytest.raises(JgzPartnerNotConfigured):
            request(cases, case, jgz_organisation=missing)
    assert names(case) == []


@pytest.mark.parametrize("question", ["", "   "])
def test_a_consultation_without_a_question_is_refused(cases: Any, question: str) -> None:
    case = opened(cases)
    with pytest.raises(JgzConsultationNeedsQuestion):
        request(cases, case, question=question)
    assert names(case) == []


def test_a_closed_case_asks_no_consultation_until_it_is_reopened(cases: Any) -> None:
    case = closed(cases)
    with pytest.raises(CaseClosedAlready):
        request(cases, case)
    case.reopen(reason="Nieuwe signalen na de vakantie.", today=cases.today, by=cases.by)
    request(cases, case)
    assert names(case) == ["CaseReopened", "JgzConsultationRequested"]


# --- the result, received over the inbound endpoint -----------------------------------------------------


def test_a_result_answering_a_request_is_recorded_with_the_system_as_actor(cases: Any) -> None:
    case = opened(cases)
    request_id = request(cases, case)
    case.collect_events()
    assert receive(case, request_id=request_id) is True
    [event] = case.collect_events()
    assert isinstance(event, Case.JgzConsultationResultReceived)
    assert (event.message_id, event.request_id, event.received_at) == ("m-1", request_id, NOW)
    assert (event.actor_id, event.actor_role) == (f"jgz:{GGD}", "system")


def test_the_same_message_twice_is_recorded_once(cases: Any) -> None:
    case = opened(cases)
    assert receive(case, message_id="m-7") is True
    assert receive(case, message_id="m-7") is False
    assert receive(case, message_id=" m-7 ") is False
    assert names(case) == ["JgzConsultationResultReceived"]
    assert receive(case, message_id="m-8") is True
    assert [r.message_id for r in case.jgz_results] == ["m-7", "m-8"]


def test_a_result_naming_a_request_of_no_consultation_of_this_case_is_refused(cases: Any) -> None:
    case = opened(cases)
    with pytest.raises(JgzResultForUnknownRequest):
        receive(case, request_id=uuid.uuid4())
    assert names(case) == []


@pytest.mark.parametrize("field", ["advice", "professional"])
def test_a_result_without_advice_or_professional_is_refused(cases: Any, field: str) -> None:
    case = opened(cases)
    with pytest.raises(JgzResultNeedsContent):
        receive(case, **{field: " "})
    with pytest.raises(JgzResultNeedsContent):
        receive(case, message_id="")
    assert names(case) == []


def test_a_result_that_arrives_after_closing_is_still_recorded(cases: Any) -> None:
    case = closed(cases)
    assert receive(case) is True
    assert names(case) == ["JgzConsultationResultReceived"]


# --- the hand-over ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("basis", list(JgzLegalBasis))
def test_the_case_is_handed_over_to_jgz_on_each_legal_basis(cases: Any, basis: JgzLegalBasis) -> None:
    case = opened(cases)
    handover_id = hand_over(cases, case, legal_basis=basis.value)
    [event] = case.collect_events()
    assert isinstance(event, Case.CaseHandedOverToJgz)
    assert (event.handover_id, event.legal_basis, event.jgz_organisation) == (handover_id, basis.value, GGD)
    assert [h.legal_basis for h in case.jgz_handovers] == [basis]


@pytest.mark.parametrize("basis", [None, "", "wettelijke_plicht", "toestemming ouders", "vitaal_belang"])
def test_a_hand_over_without_one_of_the_three_legal_bases_is_refused(cases: Any, basis: str | None) -> None:
    case = opened(cases)
    with pytest.raises(JgzHandoverNeedsLegalBasis) as refused:
        hand_over(cases, case, legal_basis=basis)
    assert "conflict_van_plichten" in str(refused.value)
    assert names(case) == []


def test_a_hand_over_needs_an_explained_legal_basis_and_a_summary(cases: Any) -> None:
    case = opened(cases)
    with pytest.raises(JgzHandoverNeedsLegalBasis):
        hand_over(cases, case, legal_basis_explanation="Wet.")
    with pytest.raises(JgzHandoverNeedsSummary):
        hand_over(cases, case, summary="  ")
    assert names(case) == []


def test_a_hand_over_is_refused_without_a_jgz_partner_and_on_a_closed_case(cases: Any) -> None:
    with pytest.raises(JgzPartnerNotConfigured):
        hand_over(
            cases,
            opened(cases),
            jgz_organisation=None,
        )
    case = closed(cases)
    with pytest.raises(CaseClosedAlready):
        hand_over(cases, case)
    assert names(case) == []


# --- the errors themselves --------------------------------------------------------------------------------

JGZ_ERRORS: list[type[DomainError]] = [
    JgzPartnerNotConfigured,
    JgzConsultationNeedsQuestion,
    JgzResultNeedsContent,
    JgzResultForUnknownRequest,
    JgzHandoverNeedsLegalBasis,
    JgzHandoverNeedsSummary,
]


def test_each_jgz_refusal_names_a_rule_and_is_409_for_state_or_422_for_content() -> None:
    for cls in JGZ_ERRORS:
        assert cls.rule.startswith("rule-"), cls
        assert issubclass(cls, StateConflict | InvalidContent), cls
        assert cls.status == (409 if issubclass(cls, StateConflict) else 422), cls
    assert JgzConsultationNotByIbOrCaseOwner.status == 403
