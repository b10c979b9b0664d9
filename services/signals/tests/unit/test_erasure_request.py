"""Erasure on request: four eyes and the waiting period after a case was closed, without any I/O."""

import uuid
from datetime import date, timedelta

import pytest

from signals.domain.erasure import DEFAULT_WAITING_PERIOD, ErasureReason, ErasureRequest
from signals.domain.errors import (
    ErasureNeedsSecondPerson,
    ErasureReasonNotOnRequest,
    ErasureRequestNotFound,
    ErasureTooSoonAfterClosing,
    PersonalDataAlreadyErased,
)
from signals.domain.pupil import Pupil
from signals.domain.retention import Term

TODAY = date(2026, 11, 29)
IB = ("ib-1", "intern_begeleider")
ADMIN = ("beheerder-1", "beheerder")


def pupil() -> Pupil:
    return Pupil.register(
        tenant="swv-zuid",
        school="12AB",
        pupil_number="1001",
        given_name="Sanne",
        family_name="Jansen",
        date_of_birth=date(2014, 3, 2),
        today=TODAY,
        actor_id="ib-1",
        actor_role="intern_begeleider",
        correlation_id="c",
    )


def request(
    p: Pupil,
    who: tuple[str, str] = IB,
    *,
    reason: ErasureReason = ErasureReason.LAWFUL_REQUEST,
    closed_on: date | None = None,
) -> ErasureRequest:
    return p.request_erasure(
        reason=reason,
        last_case_closed_on=closed_on,
        waiting_period=DEFAULT_WAITING_PERIOD,
        today=TODAY,
        actor_id=who[0],
        actor_role=who[1],
        correlation_id="c",
    )


def approve(
    p: Pupil, request_id: uuid.UUID, who: tuple[str, str] = ADMIN, *, closed_on: date | None = None
) -> None:
    p.approve_erasure(
        request_id=request_id,
        last_case_closed_on=closed_on,
        waiting_period=DEFAULT_WAITING_PERIOD,
        today=TODAY,
        actor_id=who[0],
        actor_role=who[1],
        correlation_id="c",
    )


def test_a_request_erases_nothing_until_a_person_of_the_other_role_approves_it() -> None:
    p = pupil()
    asked = request(p, IB)
    assert p.erased_on is None
    approve(p, asked.request_id, ADMIN)
    assert p.erased_on == TODAY
    assert p.erasure_reason == "verzoek_betrokkene"
    names = [type(e).__name__ for e in p.collect_events()]
    assert names == ["Registered", "ErasureRequested", "ErasureApproved", "PersonalDataErased"]


def test_the_beheerder_may_request_and_the_ib_er_approve() -> None:
    p = pupil()
    approve(p, request(p, ADMIN).request_id, IB)
    assert p.erased_on == TODAY


@pytest.mark.parametrize(
    "approver",
    [IB, ("ib-2", "intern_begeleider"), ("leerkracht-1", "leerkracht"), ("ib-1", "beheerder")],
    ids=["the requester", "same role", "not a four-eyes role", "same person"],
)
def test_the_requester_or_someone_of_the_same_role_cannot_approve(approver: tuple[str, str]) -> None:
    p = pupil()
    asked = request(p, IB)
    with pytest.raises(ErasureNeedsSecondPerson) as refused:
        approve(p, asked.request_id, approver)
    assert refused.value.rule == "erasure-four-eyes"
    assert p.erased_on is None


def test_a_second_request_while_one_waits_is_that_request() -> None:
    p = pupil()
    first = request(p, IB)
    again = request(p, ADMIN)
    assert again == first
    assert [type(e).__name__ for e in p.collect_events()] == ["Registered", "ErasureRequested"]


def test_within_the_waiting_period_after_closing_a_request_is_refused_unless_a_court_orders_it() -> None:
    p = pupil()
    closed = TODAY - timedelta(days=3)
    with pytest.raises(ErasureTooSoonAfterClosing) as refused:
        request(p, closed_on=closed)
    assert refused.value.details == {"erasable_from": (closed + timedelta(days=28)).isoformat()}
    court = request(p, reason=ErasureReason.COURT_ORDER, closed_on=closed)
    approve(p, court.request_id, closed_on=closed)
    assert p.erasure_reason == "rechterlijke_uitspraak"


def test_the_waiting_period_is_checked_again_at_approval() -> None:
    p = pupil()
    asked = request(p)
    with pytest.raises(ErasureTooSoonAfterClosing):
        approve(p, asked.request_id, closed_on=TODAY)
    approve(p, asked.request_id, closed_on=TODAY - timedelta(days=28))
    assert p.erased_on == TODAY


def test_a_samenwerkingsverband_may_set_a_shorter_or_longer_period() -> None:
    p = pupil()
    p.request_erasure(
        reason=ErasureReason.LAWFUL_REQUEST,
        last_case_closed_on=TODAY - timedelta(days=8),
        waiting_period=Term(days=7),
        today=TODAY,
        actor_id="ib-1",
        actor_role="intern_begeleider",
        correlation_id="c",
    )
    assert p.pending_erasure_request is not None


def test_the_retention_term_is_not_a_reason_on_request_and_unknown_requests_are_not_found() -> None:
    p = pupil()
    with pytest.raises(ErasureReasonNotOnRequest):
        request(p, reason=ErasureReason.RETENTION_EXPIRED)
    with pytest.raises(ErasureRequestNotFound):
        approve(p, uuid.uuid4())


def test_an_erased_pupil_takes_no_request_nor_second_approval() -> None:
    p = pupil()
    asked = request(p)
    approve(p, asked.request_id)
    with pytest.raises(PersonalDataAlreadyErased):
        request(p)
    with pytest.raises(PersonalDataAlreadyErased):
        approve(p, asked.request_id)
