"""The compatibility check between the released schemas and the models: what breaks a consumer
fails, what a tolerant reader absorbs passes."""

from __future__ import annotations

import copy
import uuid
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from meldcode_contracts import Envelope
from meldcode_contracts.compatibility import (
    RELEASED_DIR,
    breaking_changes,
    current_schemas,
    read_schemas,
)
from meldcode_contracts.registry import has_upcasters


class Urgency(StrEnum):
    LOW = "laag"
    HIGH = "hoog"


class Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    case_id: uuid.UUID
    note: str | None = None
    urgency: Urgency = Urgency.LOW
    signal_ids: list[uuid.UUID] = []


class Noted(Envelope):
    event_type: Literal["Noted"] = "Noted"
    payload: Payload


def schemas(event: type[Envelope] = Noted, major: int = 1) -> dict[str, tuple[int, dict[str, Any]]]:
    return {"Noted": (major, event.model_json_schema())}


def changed(change: Any, major: int = 1) -> dict[str, tuple[int, dict[str, Any]]]:
    schema = copy.deepcopy(Noted.model_json_schema())
    change(schema)
    return {"Noted": (major, schema)}


def payload_of(schema: dict[str, Any]) -> dict[str, Any]:
    return schema["$defs"]["Payload"]  # type: ignore[no-any-return]


def never(event_type: str, old: int, new: int) -> bool:
    return False


def test_the_current_models_are_compatible_with_the_released_schemas() -> None:
    assert breaking_changes(read_schemas(RELEASED_DIR), current_schemas(), has_upcasters) == []


def test_an_unchanged_schema_is_compatible() -> None:
    assert breaking_changes(schemas(), schemas(), never) == []


def test_a_removed_field_breaks_a_consumer() -> None:
    problems = breaking_changes(schemas(), changed(lambda s: payload_of(s)["properties"].pop("note")), never)
    assert problems == ["Noted.payload.note: removed"]


def test_a_retyped_field_breaks_a_consumer() -> None:
    def retype(schema: dict[str, Any]) -> None:
        payload_of(schema)["properties"]["case_id"] = {"type": "integer"}

    assert breaking_changes(schemas(), changed(retype), never) == ["Noted.payload.case_id: retyped"]


def test_a_field_made_required_or_a_new_required_field_breaks_a_consumer() -> None:
    def require(schema: dict[str, Any]) -> None:
        payload = payload_of(schema)
        payload["properties"]["reason"] = {"type": "string"}
        payload["required"] = [*payload["required"], "note", "reason"]

    assert breaking_changes(schemas(), changed(require), never) == [
        "Noted.payload.note: made required",
        "Noted.payload.reason: added as a required field",
    ]


def test_an_enumeration_value_removed_or_added_breaks_a_reader() -> None:
    def narrow(schema: dict[str, Any]) -> None:
        schema["$defs"]["Urgency"]["enum"] = ["laag", "spoed"]

    problems = breaking_changes(schemas(), changed(narrow), never)
    assert problems == [
        "Noted.payload.urgency: enumeration values removed: hoog",
        "Noted.payload.urgency: enumeration values added (older readers refuse them): spoed",
    ]


def test_an_optional_field_added_and_a_new_event_type_are_compatible() -> None:
    def add(schema: dict[str, Any]) -> None:
        payload_of(schema)["properties"]["priority"] = {"anyOf": [{"type": "string"}, {"type": "null"}]}

    current = {**changed(add), "Other": (1, Noted.model_json_schema())}
    assert breaking_changes(schemas(), current, never) == []


def test_a_field_no_longer_nullable_breaks_reading_the_history() -> None:
    def not_null(schema: dict[str, Any]) -> None:
        payload_of(schema)["properties"]["note"] = {"type": "string"}

    assert breaking_changes(schemas(), changed(not_null), never) == [
        "Noted.payload.note: no longer accepts null"
    ]


def test_a_removed_event_type_breaks_reading_the_history() -> None:
    assert breaking_changes(schemas(), {}, never) == [
        "Noted: the event type was removed (its stored events could not be read)"
    ]


def test_a_breaking_change_passes_as_a_new_major_version_only_with_its_upcasters() -> None:
    broken = changed(lambda s: payload_of(s)["properties"].pop("note"), major=2)
    assert breaking_changes(schemas(), broken, never) == [
        "Noted: major version 1 -> 2 without an upcaster for each step"
    ]
    assert breaking_changes(schemas(), broken, lambda t, old, new: (t, old, new) == ("Noted", 1, 2)) == []
