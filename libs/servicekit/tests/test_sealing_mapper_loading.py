"""The sealing mapper's load path (`to_domain_events`, its one-pass mapping) gives the same domain
events as the library's mapper with the fields opened one by one, erased fields included."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import (
    DatetimeAsISO,
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
    UUIDAsHex,
)

from meldcode_servicekit.eventstore import DateAsISO
from meldcode_servicekit.keystore import KeyStore, new_master_key, parse_master_key
from meldcode_servicekit.sealing import SealingMapper, open_bytes
from meldcode_servicekit.transcoder import FastDecodingTranscoder
from meldcode_testkit import Infrastructure


class Conversation(Aggregate):
    class Started(Aggregate.Created):
        personal_data = ("summary", "participants")
        tenant: str
        pupil_id: uuid.UUID
        summary: str
        participants: list[str]

    class Held(Aggregate.Event):
        personal_data = ("summary", "participants")
        erased_as = {"participants": []}  # noqa: RUF012
        held_on: date
        summary: str | None
        participants: list[str]

    class Renamed(Aggregate.Event):
        """A second version of its class: stored ones without a version are upcast."""

        class_version = 2
        name: str
        kind: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["kind"] = "onbekend"

    @event(Started)
    def __init__(self, tenant: str, pupil_id: uuid.UUID, summary: str, participants: list[str]) -> None:
        self.pupil_id = pupil_id
        self.notes = [summary]

    @event(Held)
    def hold(self, held_on: date, summary: str | None, participants: list[str]) -> None:
        self.notes.append(summary)

    @event(Renamed)
    def rename(self, name: str, kind: str) -> None:
        self.name = name


@pytest.fixture
async def store(infrastructure: Infrastructure, isolation: str) -> KeyStore:
    url = await infrastructure.create_database(f"{isolation}_keys")
    keys = KeyStore(url, parse_master_key(new_master_key()), cache_seconds=0)
    keys.install()
    yield keys  # type: ignore[misc]
    keys.close()


def mapper(store: KeyStore) -> SealingMapper:
    transcoder = FastDecodingTranscoder()
    for transcoding in (UUIDAsHex(), DatetimeAsISO(), DateAsISO()):
        transcoder.register(transcoding)
    return SealingMapper(transcoder=transcoder, keystore=store)


def stored_conversation(sealing: SealingMapper) -> list[StoredEvent]:
    conversation = Conversation(
        tenant="swv-zuid", pupil_id=uuid.uuid4(), summary="Eerste gesprek.", participants=["moeder"]
    )
    conversation.hold(held_on=date(2026, 12, 7), summary="Vervolg — “goed”.", participants=["vader", "oma"])
    conversation.hold(held_on=date(2026, 12, 8), summary=None, participants=[])
    return [sealing.to_stored_event(e) for e in conversation.collect_events()]


def opened_one_by_one(sealing: SealingMapper, stored: StoredEvent) -> dict[str, Any]:
    """What the library's mapper gives, each sealed field opened on its own with `open_bytes`."""
    state = dict(vars(Mapper.to_domain_event(sealing, stored)))
    for name in ("summary", "participants"):
        if isinstance(state.get(name), str) and state[name].startswith("enc:v1:"):
            plaintext = open_bytes(sealing.keystore, name, state[name])
            assert plaintext is not None
            state[name] = sealing.transcoder.decode(plaintext)
    return state


def test_a_load_gives_the_events_the_library_gives_with_each_field_opened(store: KeyStore) -> None:
    sealing = mapper(store)
    stored = stored_conversation(sealing)
    assert all(b"gesprek" not in s.state.lower() for s in stored)

    loaded = list(sealing.to_domain_events(stored))

    assert [type(e) for e in loaded] == [Conversation.Started, Conversation.Held, Conversation.Held]
    assert [vars(e) for e in loaded] == [opened_one_by_one(sealing, s) for s in stored]
    assert [vars(e) for e in loaded] == [vars(sealing.to_domain_event(s)) for s in stored]
    assert loaded[1].summary == "Vervolg — “goed”." and loaded[1].participants == ["vader", "oma"]
    assert loaded[1].held_on == date(2026, 12, 7)


def test_after_erasure_a_load_gives_the_erased_values(store: KeyStore) -> None:
    sealing = mapper(store)
    stored = stored_conversation(sealing)
    pupil_id = next(sealing.to_domain_events(stored[:1])).pupil_id

    store.shred(pupil_id, tenant="swv-zuid", reason="verzoek_betrokkene")

    loaded = list(sealing.to_domain_events(stored))
    assert [(e.summary, e.participants) for e in loaded] == [
        ("[gewist]", "[gewist]"),
        ("[gewist]", []),
        (None, []),
    ]


def test_an_upcast_event_and_an_undecodable_state_go_the_librarys_way(store: KeyStore) -> None:
    sealing = mapper(store)
    conversation = Conversation(
        tenant="swv-zuid", pupil_id=uuid.uuid4(), summary="Eerste gesprek.", participants=["moeder"]
    )
    conversation.rename(name="Gesprek", kind="ouders")
    renamed = sealing.to_stored_event(conversation.collect_events()[1])
    old = StoredEvent(
        originator_id=renamed.originator_id,
        originator_version=renamed.originator_version,
        topic=renamed.topic,
        state=renamed.state.replace(b',"class_version":2', b"").replace(b',"kind":"ouders"', b""),
    )
    assert b"class_version" not in old.state and b"kind" not in old.state

    assert next(sealing.to_domain_events([renamed])).kind == "ouders"
    assert next(sealing.to_domain_events([old])).kind == "onbekend"
    broken = StoredEvent(
        originator_id=old.originator_id, originator_version=2, topic=old.topic, state=b'{"name": '
    )
    with pytest.raises(MapperDeserialisationError):
        list(sealing.to_domain_events([broken]))
