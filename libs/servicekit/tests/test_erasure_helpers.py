"""What the read models use on `PersonalDataErased` (ADR 10), against a real PostgreSQL key store:
the subjects of a pupil, the erased values of a payload, and the consumer forgetting a cached key."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from typing import Any, cast

import pytest

from meldcode_contracts import (
    Actor,
    Envelope,
    PersonalDataErased,
    PersonalDataErasedPayload,
    PupilRegistered,
    PupilRegisteredPayload,
    SignalRecorded,
    SignalRecordedPayload,
)
from meldcode_contracts.signals import SignalSource
from meldcode_servicekit.consuming import EventConsumer
from meldcode_servicekit.keystore import KeyStore, new_master_key, parse_master_key
from meldcode_servicekit.sealing import erase_personal_fields, open_event, seal_event
from meldcode_servicekit.settings import ServiceSettings
from meldcode_testkit import Infrastructure


@pytest.fixture
async def keys_url(infrastructure: Infrastructure, isolation: str) -> str:
    return await infrastructure.create_database(f"{isolation}_keys")


def envelope(subject_id: uuid.UUID) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "event_id": uuid.uuid4(),
        "occurred_at": now,
        "recorded_at": now,
        "tenant": "swv-zuid",
        "school": "12AB",
        "subject_id": subject_id,
        "actor": Actor(user_id="ib-1", role="intern_begeleider"),
        "correlation_id": "c-1",
        "sequence": 1,
    }


def registered(pupil_id: uuid.UUID) -> Envelope:
    payload = PupilRegisteredPayload(
        pupil_id=pupil_id,
        pupil_number="L-7",
        given_name="Fenna",
        family_name="Dijkstra",
        date_of_birth=date(2014, 2, 3),
    )
    return PupilRegistered(**envelope(pupil_id), payload=payload)


def recorded(pupil_id: uuid.UUID, signal_id: uuid.UUID) -> Envelope:
    payload = SignalRecordedPayload(
        signal_id=signal_id,
        pupil_id=pupil_id,
        observer_id="lk-1",
        observed_on=date(2026, 11, 2),
        description="Huilt bij het ophalen door de oom.",
        source=SignalSource(kind="third_party", name="Buurvrouw Els"),
        categories=["neglect"],
    )
    return SignalRecorded(**envelope(signal_id), payload=payload)


def erasure(pupil_id: uuid.UUID) -> Envelope:
    payload = PersonalDataErasedPayload(
        pupil_id=pupil_id, reason="verzoek_betrokkene", erased_on=date(2026, 11, 29)
    )
    return PersonalDataErased(**envelope(pupil_id), payload=payload)


async def test_the_subjects_of_a_pupil_are_every_aggregate_sealed_with_the_pupils_key(keys_url: str) -> None:
    keys = KeyStore(keys_url, parse_master_key(new_master_key()))
    keys.install()
    try:
        pupil_id, signal_id, case_id, stranger = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        seal_event(registered(pupil_id), keys)
        keys.sealing_key(signal_id, pupil_id=pupil_id, tenant="swv-zuid")
        keys.sealing_key(case_id, pupil_id=pupil_id, tenant="swv-zuid")
        seal_event(registered(stranger), keys)

        assert keys.subjects_of(pupil_id) == sorted([pupil_id, signal_id, case_id])
        assert keys.subjects_of(uuid.uuid4()) == []
    finally:
        keys.close()


async def test_erasing_a_payloads_personal_fields_gives_what_the_event_opens_as_after_erasure(
    keys_url: str,
) -> None:
    keys = KeyStore(keys_url, parse_master_key(new_master_key()), cache_seconds=0)
    keys.install()
    try:
        pupil_id = uuid.uuid4()
        seal_event(registered(pupil_id), keys)
        sealed = seal_event(recorded(pupil_id, uuid.uuid4()), keys)
        plain: dict[str, Any] = json.loads(open_event(sealed, keys).model_dump_json())["payload"]
        keys.shred(pupil_id, tenant="swv-zuid", reason="verzoek_betrokkene")
        after: dict[str, Any] = json.loads(open_event(sealed, keys).model_dump_json())["payload"]

        erase_personal_fields(SignalRecordedPayload, plain)

        assert plain == after
        assert plain["description"] == "[gewist]" and plain["source"] == {
            "kind": "third_party",
            "name": "[gewist]",
        }
        assert plain["interpretation"] is None, "a field that was empty stays empty"
    finally:
        keys.close()


async def test_the_consumer_forgets_a_pupils_cached_key_as_soon_as_it_reads_personal_data_erased(
    keys_url: str,
) -> None:
    master = new_master_key()
    consumer_keys = KeyStore(keys_url, parse_master_key(master), cache_seconds=3600)
    signals_keys = KeyStore(keys_url, parse_master_key(master), cache_seconds=0)
    consumer_keys.install()
    consumer = EventConsumer(
        settings=ServiceSettings(),
        service="test",
        topics=["meldcode.signals.events.v1"],
        handle=cast(Any, None),
        pool=cast(Any, None),
        dlq_producer=cast(Any, None),
        keystore=consumer_keys,
    )
    try:
        pupil_id = uuid.uuid4()
        seal_event(registered(pupil_id), signals_keys)
        sealed = seal_event(recorded(pupil_id, uuid.uuid4()), signals_keys)
        assert consumer._decode(sealed).payload.description != "[gewist]"  # type: ignore[attr-defined]
        signals_keys.shred(pupil_id, tenant="swv-zuid", reason="verzoek_betrokkene")
        cached = consumer._decode(sealed)
        assert cached.payload.description != "[gewist]", "the key is still cached"  # type: ignore[attr-defined]

        consumer._decode(seal_event(erasure(pupil_id), signals_keys))

        assert consumer._decode(sealed).payload.description == "[gewist]"  # type: ignore[attr-defined]
    finally:
        consumer_keys.close()
        signals_keys.close()
