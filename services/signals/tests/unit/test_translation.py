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
