"""Domain events become valid contract events; internal events never leave the service."""

import uuid
from datetime import date

from meldcode_contracts import PupilRegistered, SignalRecorded, SourceKind, parse_event, serialize_event
from signals.domain.pupil import Pupil, PupilNumberIndex
from signals.domain.signal import Observation, Signal
from signals.translation import to_contract_event


def test_a_recorded_signal_becomes_a_signal_recorded_keyed_by_pupil() -> None:
    pupil_id = uuid.uuid4()
    signal = Signal.record(
        tenant="swv-zuid",
        school="12AB",
        pupil_id=pupil_id,
        observation=Observation(
            date(2026, 11, 2), "Komt al een week zonder jas.", SourceKind.OWN_OBSERVATION, None, (), None
        ),
        today=date(2026, 11, 29),
        actor_id="lk-1",
        actor_role="leerkracht",
        correlation_id="corr-1",
    )
    [domain_event] = signal.collect_events()
    event = to_contract_event(domain_event)
    assert isinstance(event, SignalRecorded)
    assert event.subject_id == pupil_id
    assert event.payload.signal_id == signal.id
    assert event.occurred_at.utcoffset() is not None
    assert parse_event(serialize_event(event)) == event
    assert to_contract_event(domain_event).event_id == event.event_id  # type: ignore[union-attr]


def test_pupil_registration_is_published_and_the_number_index_is_not() -> None:
    pupil = Pupil.register(
        tenant="swv-zuid",
        school="12AB",
        pupil_number="1",
        given_name="Ali",
        family_name="B",
        date_of_birth=date(2015, 1, 1),
        today=date(2026, 11, 29),
        actor_id="ib",
        actor_role="intern_begeleider",
        correlation_id="c",
    )
    index = PupilNumberIndex(tenant="swv-zuid", school="12AB", pupil_number="1", pupil_id=pupil.id)
    assert isinstance(to_contract_event(pupil.collect_events()[0]), PupilRegistered)
    assert to_contract_event(index.collect_events()[0]) is None


def test_both_steps_of_an_erasure_on_request_are_published_before_the_erasure() -> None:
    from meldcode_contracts import ErasureApproved, ErasureReason, ErasureRequested, PersonalDataErased
    from signals.domain.erasure import DEFAULT_WAITING_PERIOD

    today = date(2026, 11, 29)
    pupil = Pupil.register(
        tenant="swv-zuid",
        school="12AB",
        pupil_number="1",
        given_name="Ali",
        family_name="B",
        date_of_birth=date(2015, 1, 1),
        today=today,
        actor_id="ib",
        actor_role="intern_begeleider",
        correlation_id="c",
    )
    common = {"last_case_closed_on": None, "waiting_period": DEFAULT_WAITING_PERIOD, "today": today}
    asked = pupil.request_erasure(
        reason=ErasureReason.LAWFUL_REQUEST,
        actor_id="ib",
        actor_role="intern_begeleider",
        correlation_id="c1",
        **common,
    )
    pupil.approve_erasure(
        request_id=asked.request_id, actor_id="bh", actor_role="beheerder", correlation_id="c2", **common
    )
    events = [to_contract_event(e) for e in pupil.collect_events()[1:]]
    requested, approved, erased = events
    assert isinstance(requested, ErasureRequested) and requested.actor.user_id == "ib"
    assert isinstance(approved, ErasureApproved) and approved.actor.user_id == "bh"
    assert approved.payload.request_id == requested.payload.request_id
    assert approved.payload.requested_by == "ib"
    assert isinstance(erased, PersonalDataErased)
    assert [e.sequence for e in events] == [2, 3, 4]
    for event in events:
        assert event is not None and event.subject_id == pupil.id
        assert parse_event(serialize_event(event)) == event
