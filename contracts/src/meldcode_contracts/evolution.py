"""Reading contract events tolerantly, across versions (docs/adr/0015-contracts-that-evolve.md).

Producers write strictly: every model forbids unknown fields, so a producer cannot emit a field its
contract does not declare. Consumers read tolerantly, so a producer can be deployed before them:

- unknown fields are ignored (at any depth);
- an unknown event type raises `UnknownEventType`, which a consumer skips and counts instead of
  parking it;
- an event written at an older major version (`schema_version` "1.x" while the contract is at 2.0)
  is brought up to date by the registered upcasters, one major step at a time, before validation;
- an event at a newer major version than the reader knows raises `UnsupportedSchemaVersion`: the
  reader cannot know what it means, so the consumer parks it until it is upgraded and replays it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from .envelope import Envelope

Document = dict[str, Any]
Upcaster = Callable[[Document], Document]
"""Turns the JSON document of an event at major version N into one at N + 1 (a new dict)."""

_VERSION = re.compile(r"^(\d{1,4})\.(\d{1,4})$")


class UnknownEventType(Exception):
    """A message of an event type this reader does not know, e.g. from a producer deployed first."""

    def __init__(self, event_type: str) -> None:
        super().__init__(f"unknown event type {event_type!r}")
        self.event_type = event_type


class UnsupportedSchemaVersion(Exception):
    """An event at a major version this reader cannot bring to its own: a newer one (upgrade the
    consumer, then replay the parked message) or an older one without an upcaster."""

    def __init__(self, event_type: str, version: str, known_major: int) -> None:
        super().__init__(f"{event_type} version {version} cannot be read as major {known_major}")
        self.event_type = event_type


class _Head(BaseModel):
    """What a reader looks at before it chooses the model: the type and the version."""

    model_config = ConfigDict(extra="ignore")

    event_type: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z][A-Za-z0-9]*$")
    schema_version: str = Field(default="1.0", pattern=_VERSION.pattern)


_head = TypeAdapter(_Head)


def major_of(version: str) -> int:
    match = _VERSION.match(version)
    if match is None:
        raise ValueError(f"not a major.minor version: {version!r}")
    return int(match.group(1))


@functools.cache
def major_version(event: type[Envelope]) -> int:
    """The major version an event class writes (the default of its `schema_version`)."""
    return major_of(str(event.model_fields["schema_version"].default))


class EventReader:
    """Parses raw messages into the events of `event_types`, tolerantly, upcasting older majors."""

    def __init__(
        self,
        event_types: Mapping[str, type[Envelope]],
        upcasters: Mapping[tuple[str, int], Upcaster] | None = None,
    ) -> None:
        self._event_types = dict(event_types)
        self._upcasters = dict(upcasters or {})

    def has_upcasters(self, event_type: str, from_major: int, to_major: int) -> bool:
        return all((event_type, major) in self._upcasters for major in range(from_major, to_major))

    def parse(self, raw: bytes | str) -> Envelope:
        """The event in `raw`; raises pydantic's ValidationError when it is not a valid event of a
        known type, `UnknownEventType` or `UnsupportedSchemaVersion` as above."""
        head = _head.validate_json(raw)
        cls = self._model_of(head)
        if cls is None:
            return self._upcast(head, json.loads(raw))
        return cls.model_validate_json(raw, extra="ignore")

    def parse_document(self, document: Document) -> Envelope:
        """`parse` for a message already decoded from JSON (e.g. one whose sealed fields were just
        opened), validated from the dict instead of being turned back into text and parsed again."""
        head = _head.validate_python(document)
        cls = self._model_of(head)
        if cls is None:
            return self._upcast(head, document)
        return cls.model_validate(document, extra="ignore")

    def _model_of(self, head: _Head) -> type[Envelope] | None:
        """The event's class when it is written at the reader's major (None: it needs upcasting)."""
        cls = self._event_types.get(head.event_type)
        if cls is None:
            raise UnknownEventType(head.event_type)
        written, current = major_of(head.schema_version), major_version(cls)
        if written > current:
            raise UnsupportedSchemaVersion(head.event_type, head.schema_version, current)
        return cls if written == current else None

    def _upcast(self, head: _Head, document: Document) -> Envelope:
        cls = self._event_types[head.event_type]
        written, current = major_of(head.schema_version), major_version(cls)
        for major in range(written, current):
            upcast = self._upcasters.get((head.event_type, major))
            if upcast is None:
                raise UnsupportedSchemaVersion(head.event_type, head.schema_version, current)
            document = upcast(document)
        document["schema_version"] = str(cls.model_fields["schema_version"].default)
        return cls.model_validate(document, extra="ignore")
