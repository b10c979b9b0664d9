"""Sealing personal fields with the pupil's data key, and erasure by destroying it (ADR 10),
against a real PostgreSQL key store."""

import base64
import json
import uuid
from datetime import UTC, date, datetime

import asyncpg
import pytest
from cryptography.exceptions import InvalidTag

from meldcode_contracts import (
    Actor,
    PupilRegistered,
    PupilRegisteredPayload,
    SignalRecorded,
    SignalRecordedPayload,
    VeiligThuisAdviceRequested,
)
from meldcode_contracts.signals import SignalSource, VeiligThuisAdviceRequestedPayload
from meldcode_servicekit.keystore import (
    DataKeyErased,
    KeyNotCached,
    KeyStore,
    UnknownDataKey,
    new_master_key,
    parse_master_key,
)
from meldcode_servicekit.sealing import (
    SealedValueCorrupt,
    _field_value,
    open_bytes,
    open_event,
    seal_bytes,
    seal_event,
    sealed_pupils,
)
from meldcode_testkit import Infrastructure


@pytest.fixture
async def store(infrastructure: Infrastructure, isolation: str) -> KeyStore:
    url = await infrastructure.create_database(f"{isolation}_keys")
    keys = KeyStore(url, parse_master_key(new_master_key()), cache_seconds=0)
    keys.install()
    yield keys  # type: ignore[misc]
    keys.close()


def registered(pupil_id: uuid.UUID) -> PupilRegistered:
    now = datetime.now(UTC)
    return PupilRegistered(
        event_id=uuid.uuid4(),
        occurred_at=now,
        recorded_at=now,
        tenant="swv-zuid",
        school="12AB",
        subject_id=pupil_id,
        actor=Actor(user_id="ib-1", role="intern_begeleider"),
        correlation_id="c-1",
        sequence=1,
        payload=PupilRegisteredPayload(
            pupil_id=pupil_id,
            pupil_number="L-77",
            given_name="Fenna",
            family_name="Dijkstra",
            date_of_birth=date(2014, 2, 3),
        ),
    )


def recorded(pupil_id: uuid.UUID, signal_id: uuid.UUID) -> SignalRecorded:
    now = datetime.now(UTC)
    return SignalRecorded(
        event_id=uuid.uuid4(),
        occurred_at=now,
        recorded_at=now,
        tenant="swv-zuid",
        school="12AB",
        subject_id=pupil_id,
        actor=Actor(user_id="lk-1", role="leerkracht"),
        correlation_id="c-2",
        sequence=1,
        payload=SignalRecordedPayload(
            signal_id=signal_id,
            pupil_id=pupil_id,
            observer_id="lk-1",
            observed_on=date(2026, 11, 2),
            description="Huilt bij het ophalen door de oom.",
            source=SignalSource(kind="third_party", name="Buurvrouw Els"),
            categories=["neglect"],
            interpretation=None,
        ),
    )


def test_a_sealed_contract_event_holds_no_personal_value_and_opens_to_the_same_event(store: KeyStore) -> None:
    pupil_id = uuid.uuid4()
    event = recorded(pupil_id, uuid.uuid4())
    wire = seal_event(event, store)
    assert b"Huilt" not in wire and b"Buurvrouw Els" not in wire
    assert json.loads(wire)["payload"]["categories"] == ["neglect"]  # what is not personal stays readable
    assert open_event(wire, store) == event


async def test_a_page_of_messages_has_its_keys_loaded_at_once_and_opens_as_key_by_key(
    infrastructure: Infrastructure, isolation: str
) -> None:
    url = await infrastructure.create_database(f"{isolation}_keys")
    master = parse_master_key(new_master_key())
    writer, reader = KeyStore(url, master, cache_seconds=0), KeyStore(url, master, cache_seconds=300)
    writer.install()
    try:
        kept, erased = uuid.uuid4(), uuid.uuid4()
        page = [seal_event(recorded(kept, uuid.uuid4()), writer), seal_event(registered(erased), writer)]
        assert writer.shred(erased, tenant="swv-zuid", reason="verzoek_betrokkene")
        assert set().union(*(sealed_pupils(wire) for wire in page)) == {kept, erased}

        reader.preload([kept, erased, uuid.uuid4()])  # a pupil without a key is left to `key`
        # erased after the page was loaded: the loaded key still opens it, so it came from the preload
        assert writer.shred(kept, tenant="swv-zuid", reason="verzoek_betrokkene")
        signal, pupil = (open_event(wire, reader) for wire in page)
        assert isinstance(signal, SignalRecorded) and signal.payload.description.startswith("Huilt")
        assert isinstance(pupil, PupilRegistered) and pupil.payload.given_name == "[gewist]"
        reader.forget(kept)
        assert reader.key(kept) is None
        with pytest.raises(UnknownDataKey):
            reader.key(uuid.uuid4())
    finally:
        writer.close()
        reader.close()


def test_after_erasure_every_personal_field_opens_as_gewist_and_a_date_as_null(store: KeyStore) -> None:
    pupil_id = uuid.uuid4()
    wire_pupil = seal_event(registered(pupil_id), store)
    wire_signal = seal_event(recorded(pupil_id, uuid.uuid4()), store)

    assert store.shred(pupil_id, tenant="swv-zuid", reason="verzoek_betrokkene")

    pupil = open_event(wire_pupil, store)
    signal = open_event(wire_signal, store)
    assert isinstance(pupil, PupilRegistered) and isinstance(signal, SignalRecorded)
    assert (pupil.payload.given_name, pupil.payload.pupil_number) == ("[gewist]", "[gewist]")
    assert pupil.payload.date_of_birth is None
    assert signal.payload.description == "[gewist]"
    assert signal.payload.source.name == "[gewist]"
    assert signal.payload.observed_on == date(2026, 11, 2)


def test_nothing_new_is_sealed_for_an_erased_pupil_and_erasing_twice_is_harmless(store: KeyStore) -> None:
    pupil_id = uuid.uuid4()
    store.sealing_key(pupil_id, tenant="swv-zuid")
    assert store.shred(pupil_id, tenant="swv-zuid", reason="bewaartermijn_verstreken")
    assert not store.shred(pupil_id, tenant="swv-zuid", reason="bewaartermijn_verstreken")
    with pytest.raises(DataKeyErased):
        store.sealing_key(pupil_id, tenant="swv-zuid")
    never_keyed = uuid.uuid4()
    store.shred(never_keyed, tenant="swv-zuid", reason="verzoek_betrokkene")
    with pytest.raises(DataKeyErased):
        store.sealing_key(never_keyed, tenant="swv-zuid")


def test_a_token_moved_to_another_field_or_altered_does_not_open(store: KeyStore) -> None:
    pupil_id, key = store.sealing_key(uuid.uuid4(), tenant="swv-zuid")
    token = seal_bytes(key, pupil_id, "description", b'"Blauwe plek"')
    assert open_bytes(store, "description", token) == b'"Blauwe plek"'
    with pytest.raises(SealedValueCorrupt):
        open_bytes(store, "interpretation", token)
    body = bytearray(base64.urlsafe_b64decode(token.rsplit(":", 1)[1]))
    body[-1] ^= 1
    altered = f"{token.rsplit(':', 1)[0]}:{base64.urlsafe_b64encode(bytes(body)).decode()}"
    with pytest.raises(SealedValueCorrupt):
        open_bytes(store, "description", altered)


def test_a_subject_keeps_the_key_of_the_pupil_its_first_event_named(store: KeyStore) -> None:
    pupil_id, case_id = uuid.uuid4(), uuid.uuid4()
    first = store.sealing_key(case_id, pupil_id=pupil_id, tenant="swv-zuid")
    later = store.sealing_key(case_id)
    assert first == later and first[0] == pupil_id
    with pytest.raises(UnknownDataKey):
        store.key(uuid.uuid4())


async def test_the_data_keys_are_stored_only_wrapped_with_the_master_key(
    store: KeyStore, infrastructure: Infrastructure, isolation: str
) -> None:
    pupil_id, key = store.sealing_key(uuid.uuid4(), tenant="swv-zuid")
    conn = await asyncpg.connect(infrastructure.database_url(f"{isolation}_keys"))
    try:
        wrapped = bytes(
            await conn.fetchval("select wrapped_key from pupil_keys where pupil_id = $1", pupil_id)
        )
    finally:
        await conn.close()
    assert key not in wrapped
    other_master = KeyStore(
        infrastructure.database_url(f"{isolation}_keys"), parse_master_key(new_master_key())
    )
    try:
        with pytest.raises(InvalidTag):
            other_master.key(pupil_id)
    finally:
        other_master.close()


def test_many_threads_registering_one_subject_at_once_all_get_the_same_pupil_and_key(store: KeyStore) -> None:
    from concurrent.futures import ThreadPoolExecutor

    pupil_id, case_id = uuid.uuid4(), uuid.uuid4()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(
            pool.map(lambda _: store.sealing_key(case_id, pupil_id=pupil_id, tenant="swv-zuid"), range(8))
        )
    assert {owner for owner, _ in results} == {pupil_id}
    assert len({key for _, key in results}) == 1


def advice_requested(request_id: uuid.UUID) -> VeiligThuisAdviceRequested:
    now = datetime.now(UTC)
    return VeiligThuisAdviceRequested(
        event_id=uuid.uuid4(),
        occurred_at=now,
        recorded_at=now,
        tenant="swv-zuid",
        school="12AB",
        subject_id=request_id,
        actor=Actor(user_id="ib-1", role="intern_begeleider"),
        correlation_id="c-3",
        sequence=1,
        payload=VeiligThuisAdviceRequestedPayload(
            advice_request_id=request_id,
            requested_on=date(2026, 11, 3),
            veilig_thuis_region="Zuid",
            question="Meisje van 12 met herhaald letsel.",
            advice="Bespreek het met de ouders.",
        ),
    )


def test_an_anonymous_advice_request_is_sealed_with_its_own_key_that_the_pupils_erasure_destroys(
    store: KeyStore,
) -> None:
    pupil_id, request_id = uuid.uuid4(), uuid.uuid4()
    store.sealing_key(pupil_id, tenant="swv-zuid")
    store.sealing_key(request_id, tenant="swv-zuid", erased_with_pupil=pupil_id)  # as signals' store does
    wire = seal_event(advice_requested(request_id), store)
    assert b"letsel" not in wire and b"ouders" not in wire
    assert pupil_id.hex.encode() not in wire and str(pupil_id).encode() not in wire
    assert open_event(wire, store).payload.question == "Meisje van 12 met herhaald letsel."  # type: ignore[attr-defined]

    store.shred(pupil_id, tenant="swv-zuid", reason="verzoek_betrokkene")

    opened = open_event(wire, store)
    assert isinstance(opened, VeiligThuisAdviceRequested)
    assert (opened.payload.question, opened.payload.advice) == ("[gewist]", "[gewist]")
    assert opened.payload.veilig_thuis_region == "Zuid"
    with pytest.raises(DataKeyErased):
        store.sealing_key(uuid.uuid4(), tenant="swv-zuid", erased_with_pupil=pupil_id)


def test_an_advice_requests_own_key_is_erased_on_its_own_and_leaves_the_pupils_key(store: KeyStore) -> None:
    pupil_id, request_id = uuid.uuid4(), uuid.uuid4()
    store.sealing_key(pupil_id, tenant="swv-zuid")
    store.sealing_key(request_id, tenant="swv-zuid", erased_with_pupil=pupil_id)
    wire = seal_event(advice_requested(request_id), store)

    assert store.shred(request_id, tenant="swv-zuid", reason="verzoek_betrokkene")

    assert open_event(wire, store).payload.advice == "[gewist]"  # type: ignore[attr-defined]
    assert store.key(pupil_id) is not None


async def test_a_consumers_cached_own_key_is_forgotten_with_the_pupils(
    infrastructure: Infrastructure, isolation: str
) -> None:
    url = await infrastructure.create_database(f"{isolation}_shared_keys")
    master = parse_master_key(new_master_key())
    store = KeyStore(url, master, cache_seconds=0)
    store.install()
    consumer = KeyStore(url, master, cache_seconds=3600)
    try:
        pupil_id, request_id = uuid.uuid4(), uuid.uuid4()
        store.sealing_key(pupil_id, tenant="swv-zuid")
        store.sealing_key(request_id, tenant="swv-zuid", erased_with_pupil=pupil_id)
        wire = seal_event(advice_requested(request_id), store)
        assert open_event(wire, consumer).payload.advice == "Bespreek het met de ouders."  # type: ignore[attr-defined]
        store.shred(pupil_id, tenant="swv-zuid", reason="verzoek_betrokkene")
        consumer.forget(pupil_id)  # what a consumer does on PersonalDataErased
        assert open_event(wire, consumer).payload.advice == "[gewist]"  # type: ignore[attr-defined]
    finally:
        consumer.close()
        store.close()


async def test_within_cache_only_a_key_not_cached_raises_and_a_cached_one_opens(
    infrastructure: Infrastructure, isolation: str
) -> None:
    """What lets a consumer decode a small batch on its event loop: no blocking read of the key
    store there, and a miss says so (the batch is then decoded in a worker thread)."""
    url = await infrastructure.create_database(f"{isolation}_cached_keys")
    master = parse_master_key(new_master_key())
    store = KeyStore(url, master, cache_seconds=0)
    store.install()
    consumer = KeyStore(url, master, cache_seconds=3600)
    try:
        pupil_id = uuid.uuid4()
        wire = seal_event(recorded(pupil_id, uuid.uuid4()), store)
        with KeyStore.cache_only(), pytest.raises(KeyNotCached):
            open_event(wire, consumer)
        assert open_event(wire, consumer).payload.description == "Huilt bij het ophalen door de oom."  # type: ignore[attr-defined]
        with KeyStore.cache_only():
            assert open_event(wire, consumer).payload.description == "Huilt bij het ophalen door de oom."  # type: ignore[attr-defined]
        assert store.key(pupil_id) is not None  # outside, a store reads as before
    finally:
        consumer.close()
        store.close()


@pytest.mark.parametrize(
    "plaintext",
    [
        b'"Sanne de Vries"',
        b"18446744073709551616",
        b"NaN",
        b'"\\ud800"',
        b'["moeder", {"rol": null, "n": 2}]',
    ],
)
def test_a_sealed_value_reads_as_json_reads_it_also_where_orjson_would_read_it_otherwise(
    plaintext: bytes,
) -> None:
    assert repr(_field_value(plaintext)) == repr(json.loads(plaintext))
