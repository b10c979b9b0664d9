"""Domain events become valid contract events; internal events never leave the service."""

import uuid
from datetime import date
from enum import StrEnum

import pytest

import meldcode_contracts as contract
from meldcode_contracts import PupilRegistered, SignalRecorded, parse_event, serialize_event
from signals.domain import erasure
from signals.domain import signal as signal_domain
from signals.domain.anonymity import RegisteredPupil
from signals.domain.consultation import AdviceRequest, Consultation
from signals.domain.pupil import Pupil, PupilNumberIndex
from signals.domain.signal import Observation, Signal, SignalCategory, SourceKind
from signals.domain.staff import StaffMember
from signals.translation import CONTRACT_EVENTS, to_contract_event


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
    from meldcode_contracts import ErasureApproved, ErasureRequested, PersonalDataErased
    from signals.domain.erasure import DEFAULT_WAITING_PERIOD, ErasureReason

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


@pytest.mark.parametrize(
    ("domain_enum", "contract_enum"),
    [
        (signal_domain.SourceKind, contract.SourceKind),
        (signal_domain.SignalCategory, contract.SignalCategory),
        (erasure.ErasureReason, contract.ErasureReason),
    ],
)
def test_the_domain_and_the_contracts_speak_the_one_shared_vocabulary_not_copies(
    domain_enum: type[StrEnum], contract_enum: type[StrEnum]
) -> None:
    assert domain_enum is contract_enum


def test_every_domain_event_in_the_table_leaves_as_its_contract_event() -> None:
    today = date(2026, 11, 29)
    actor = {"actor_id": "ib", "actor_role": "intern_begeleider", "correlation_id": "c"}
    pupil = Pupil.register(
        tenant="swv-zuid",
        school="12AB",
        pupil_number="1",
        given_name="Ali",
        family_name="B",
        date_of_birth=date(2015, 1, 1),
        today=today,
        **actor,
    )
    observation = Observation(
        date(2026, 11, 2),
        "Komt al een week zonder jas.",
        SourceKind.THIRD_PARTY,
        "Buurvrouw",
        (SignalCategory.NEGLECT,),
        None,
    )
    signal = Signal.record(
        tenant="swv-zuid", school="12AB", pupil_id=pupil.id, observation=observation, today=today, **actor
    )
    signal.correct(observation=observation, reason="Bron aangevuld", today=today, **actor)
    consultation = Consultation.record(
        tenant="swv-zuid",
        school="12AB",
        pupil_id=pupil.id,
        consulted_on=today,
        consulted_name="Jet",
        consulted_role="jeugdverpleegkundige",
        organisation="JGZ",
        advice="Gesprek met ouders.",
        signal_ids=[signal.id],
        today=today,
        **actor,
    )
    advice = AdviceRequest.request(
        tenant="swv-zuid",
        school="12AB",
        pupil_id=pupil.id,
        pupil=RegisteredPupil(
            given_name="Ali", family_name="B", pupil_number="1", date_of_birth=date(2015, 1, 1)
        ),
        requested_on=today,
        veilig_thuis_region="Zuid",
        question="Een kind komt steeds zonder jas.",
        advice="Blijf signaleren.",
        today=today,
        **actor,
    )
    pupil.deregister(left_on=today, destination_school=None, today=today, **actor)
    domain_events = [
        *pupil.collect_events(),
        *signal.collect_events(),
        *consultation.collect_events(),
        *advice.collect_events(),
    ]
    published = {type(e): to_contract_event(e) for e in domain_events}
    assert {t for t, event in published.items() if event is not None} == {
        Pupil.Registered,
        Pupil.Deregistered,
        Signal.Recorded,
        Signal.Corrected,
        Consultation.Recorded,
        AdviceRequest.Requested,
    }
    corrected = published[Signal.Corrected]
    assert isinstance(corrected, contract.SignalCorrected)
    assert corrected.payload.source.kind is contract.SourceKind.THIRD_PARTY
    assert corrected.payload.categories == [contract.SignalCategory.NEGLECT]
    assert isinstance(published[AdviceRequest.Requested], contract.VeiligThuisAdviceRequested)
    for event in published.values():
        assert event is None or parse_event(serialize_event(event)) == event
    assert len(CONTRACT_EVENTS) == 12  # and the three erasure events, in the test above


def test_a_staff_listing_leaves_as_listed_and_delisted_keyed_by_the_listing() -> None:
    member_id = contract.staff_member_id("12AB", "ib-bram")
    by = {"actor_id": "carla", "actor_role": "beheerder", "correlation_id": "c"}
    member = StaffMember.first_listing(
        member_id=member_id,
        tenant="swv-zuid",
        school="12AB",
        user_id="ib-bram",
        name="Bram Bakker",
        role="intern_begeleider",
        email=None,
        **by,
    )
    member.delist(**by)
    member.list(name="Bram Bakker", role="leerkracht", email="bram@school.example", **by)
    events = [to_contract_event(e) for e in member.collect_events()]
    assert [type(e) for e in events] == [
        contract.StaffMemberListed,
        contract.StaffMemberDelisted,
        contract.StaffMemberListed,
    ]
    assert all(e is not None and e.subject_id == member_id and e.school == "12AB" for e in events)
    last = events[2]
    assert isinstance(last, contract.StaffMemberListed)
    assert (last.payload.role, last.payload.email) == (contract.Role.TEACHER, "bram@school.example")
    for event in events:
        assert event is not None and parse_event(serialize_event(event)) == event
