"""Consumers read tolerantly: what a newer producer adds is ignored, what an older one wrote is
upcast, and what this reader cannot know is named so that the consumer can skip or park it."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any, Literal, cast

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from meldcode_contracts import (
    CaseOpened,
    CaseOpenedPayload,
    Envelope,
    UnknownEventType,
    UnsupportedSchemaVersion,
    parse_event,
    parse_event_document,
    serialize_event,
)
from meldcode_contracts.evolution import EventReader, major_version
from meldcode_testkit import builders


def case_opened() -> CaseOpened:
    return builders.case_opened(at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC))


def with_changes(event: Envelope, change: Any) -> bytes:
    document = json.loads(serialize_event(event))
    change(document)
    return json.dumps(document).encode()


def test_fields_a_newer_producer_added_are_ignored_at_every_depth() -> None:
    event = case_opened()

    def add_fields(document: dict[str, Any]) -> None:
        document["priority"] = "hoog"
        document["actor"]["display_name"] = "Bram"
        document["payload"]["reason_code"] = 7

    assert parse_event(with_changes(event, add_fields)) == event


def test_a_producer_still_cannot_write_a_field_its_contract_does_not_declare() -> None:
    with pytest.raises(ValidationError):
        CaseOpenedPayload(  # type: ignore[call-arg]
            case_id=uuid.uuid4(),
            pupil_id=uuid.uuid4(),
            signal_ids=[uuid.uuid4()],
            case_owner_id="ib-1",
            opened_by="ib-1",
            priority="hoog",
        )


def test_a_field_of_the_wrong_type_is_still_invalid() -> None:
    raw = with_changes(case_opened(), lambda d: d["payload"].update(signal_ids="not a list"))
    with pytest.raises(ValidationError):
        parse_event(raw)


def test_every_contract_event_is_at_major_version_one_until_a_change_needs_an_upcaster() -> None:
    from meldcode_contracts.registry import ALL_EVENTS, UPCASTERS

    for event in ALL_EVENTS:
        major = major_version(event)
        assert all((event.model_fields["event_type"].default, m) in UPCASTERS for m in range(1, major))


class RenamedPayload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    case_id: uuid.UUID
    owner: str


class OwnerNamed(Envelope):
    """A test event whose version 2 renamed `case_owner_id` to `owner`."""

    event_type: Literal["OwnerNamed"] = "OwnerNamed"
    schema_version: str = "2.0"
    payload: RenamedPayload


def rename_owner(document: dict[str, Any]) -> dict[str, Any]:
    payload = dict(document["payload"])
    payload["owner"] = payload.pop("case_owner_id")
    return {**document, "payload": payload}


def version_one(**payload: Any) -> bytes:
    document = json.loads(serialize_event(case_opened()))
    document.update(event_type="OwnerNamed", schema_version="1.3", payload=payload)
    return json.dumps(document).encode()


def test_an_event_written_at_an_older_major_is_upcast_before_it_is_read() -> None:
    reader = EventReader({"OwnerNamed": OwnerNamed}, {("OwnerNamed", 1): rename_owner})
    case_id = uuid.uuid4()

    event = reader.parse(version_one(case_id=str(case_id), case_owner_id="ib-2"))

    assert isinstance(event, OwnerNamed)
    assert event.payload == RenamedPayload(case_id=case_id, owner="ib-2")
    assert event.schema_version == "2.0"


def test_an_older_major_without_an_upcaster_and_a_newer_major_are_not_guessed_at() -> None:
    without = EventReader({"OwnerNamed": OwnerNamed})
    with pytest.raises(UnsupportedSchemaVersion):
        without.parse(version_one(case_id=str(uuid.uuid4()), case_owner_id="ib-2"))
    newer = serialize_event(case_opened()).replace(b'"schema_version":"1.0"', b'"schema_version":"2.0"')
    assert b'"2.0"' in newer
    with pytest.raises(UnsupportedSchemaVersion):
        parse_event(newer)


def test_a_newer_minor_version_of_a_known_major_is_read() -> None:
    event = case_opened()
    raw = serialize_event(event).replace(b'"schema_version":"1.0"', b'"schema_version":"1.7"')
    assert parse_event(raw).event_id == event.event_id


def test_an_unknown_type_is_reported_by_name_for_the_operator() -> None:
    with pytest.raises(UnknownEventType, match="CaseArchived"):
        parse_event(with_changes(case_opened(), lambda d: d.update(event_type="CaseArchived")))


def every_kind_of_event() -> list[Envelope]:
    events, notices = builders.Events(school="01AB"), builders.Notices(school="01AB")
    registered = events.pupil()
    pupil_id = registered.payload.pupil_id
    signals = [events.signal(pupil_id, when=builders.at(k)) for k in range(2)]
    case = builders.a_whole_case(events, pupil_id, [s.payload.signal_id for s in signals], 10)
    case_id = cast(CaseOpened, case[0]).payload.case_id
    return [
        registered,
        *signals,
        events.correction(signals[0], when=builders.at(5)),
        *case,
        notices.document(case_id, pupil_id, when=builders.at(900)),
        notices.reminder(case_id, None, when=builders.at(910)),
        notices.access(when=builders.at(920), pupil_id=pupil_id, case_id=case_id),
    ]


def test_a_decoded_document_reads_as_the_same_event_as_its_raw_message() -> None:
    originals = every_kind_of_event()
    assert len({type(e) for e in originals}) > 10
    for event in originals:
        raw = serialize_event(event)
        assert parse_event_document(json.loads(raw)) == parse_event(raw) == event


def test_a_decoded_document_is_read_as_tolerantly_as_a_raw_message() -> None:
    event = case_opened()
    document = json.loads(serialize_event(event))
    document["priority"] = "hoog"
    document["payload"]["reason_code"] = 7
    assert parse_event_document(document) == event
    with pytest.raises(ValidationError):
        parse_event_document({**document, "occurred_at": "gisteren"})
    with pytest.raises(UnknownEventType):
        parse_event_document({**document, "event_type": "CaseArchived"})
    with pytest.raises(UnsupportedSchemaVersion):
        parse_event_document({**document, "schema_version": "2.0"})
    reader = EventReader({"OwnerNamed": OwnerNamed}, {("OwnerNamed", 1): rename_owner})
    case_id = uuid.uuid4()
    upcast = reader.parse_document(json.loads(version_one(case_id=str(case_id), case_owner_id="ib-2")))
    assert isinstance(upcast, OwnerNamed)
    assert upcast.payload == RenamedPayload(case_id=case_id, owner="ib-2")
