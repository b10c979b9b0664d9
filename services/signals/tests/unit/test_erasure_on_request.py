"""Erasure on request asks casework's facts before the four eyes: in memory, with a fake of the open cases."""

import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from meldcode_edge.acting import Acting
from meldcode_vocabulary.dutch_days import dutch_today
from signals.application import ErasureOnRequest, SignalsApplication
from signals.commands import RegisterPupil, RequestErasure
from signals.domain.erasure import ErasureReason
from signals.domain.errors import ErasureTooSoonAfterClosing, ErasureWhileCaseOpen
from signals.domain.retention import RetentionTerms, Term

IB = Acting(user_id="ib-1", role="intern_begeleider", tenant="swv-zuid", correlation_id="c1")


class FakeOpenCases:
    def __init__(self) -> None:
        self.open: set[uuid.UUID] = set()
        self.closed_on: dict[uuid.UUID, date] = {}

    async def has_open_case(self, pupil_id: uuid.UUID) -> bool:
        return pupil_id in self.open

    async def last_case_closed_on(self, pupil_id: uuid.UUID) -> date | None:
        return self.closed_on.get(pupil_id)


@pytest.fixture
def application() -> Iterator[SignalsApplication]:
    app = SignalsApplication()
    yield app
    app.close()


def register(app: SignalsApplication) -> uuid.UUID:
    command = RegisterPupil(
        school="12AB",
        pupil_number=uuid.uuid4().hex[:8],
        given_name="Ali",
        family_name="B",
        date_of_birth=date(2015, 1, 1),
    )
    return app.register_pupil(command, acting=IB)


LAWFUL = RequestErasure(reason=ErasureReason.LAWFUL_REQUEST)


async def test_a_request_is_refused_while_a_case_about_the_pupil_is_open(
    application: SignalsApplication,
) -> None:
    cases = FakeOpenCases()
    pupil_id = register(application)
    cases.open.add(pupil_id)
    with pytest.raises(ErasureWhileCaseOpen):
        await ErasureOnRequest(application, cases, RetentionTerms()).request_erasure(
            pupil_id, LAWFUL, acting=IB
        )
    assert application.get_pupil(pupil_id).pending_erasure_request is None


async def test_the_waiting_period_of_the_pupils_samenwerkingsverband_holds_a_request_back(
    application: SignalsApplication,
) -> None:
    cases = FakeOpenCases()
    pupil_id = register(application)
    cases.closed_on[pupil_id] = dutch_today() - timedelta(days=10)
    own_period = RetentionTerms(default=Term(days=5), per_tenant={"swv-zuid": Term(days=30)})
    with pytest.raises(ErasureTooSoonAfterClosing):
        await ErasureOnRequest(application, cases, own_period).request_erasure(pupil_id, LAWFUL, acting=IB)
    other_period = RetentionTerms(default=Term(days=30), per_tenant={"swv-zuid": Term(days=5)})
    requested = await ErasureOnRequest(application, cases, other_period).request_erasure(
        pupil_id, LAWFUL, acting=IB
    )
    assert not requested.repeated and requested.request.requested_by == "ib-1"


async def test_a_second_request_while_one_waits_answers_the_waiting_one(
    application: SignalsApplication,
) -> None:
    erasures = ErasureOnRequest(application, FakeOpenCases(), RetentionTerms())
    pupil_id = register(application)
    first = await erasures.request_erasure(pupil_id, LAWFUL, acting=IB)
    again = await erasures.request_erasure(
        pupil_id, RequestErasure(reason=ErasureReason.COURT_ORDER), acting=IB
    )
    assert again.repeated and again.request == first.request
