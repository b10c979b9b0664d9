"""The event stores' transcoder decodes every document as the library's JSON transcoder does."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    TranscodingNotRegisteredError,
    UUIDAsHex,
)

from meldcode_servicekit.eventstore import DateAsISO
from meldcode_servicekit.transcoder import FastDecodingTranscoder


def registered(transcoder: JSONTranscoder) -> JSONTranscoder:
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO(), DateAsISO()):
        transcoder.register(transcoding)
    return transcoder


LIBRARY = registered(JSONTranscoder())
FAST = registered(FastDecodingTranscoder())

STATES: list[Any] = [
    {
        "timestamp": datetime(2026, 12, 7, 3, 9, 24, 759342, tzinfo=UTC),
        "pupil_id": uuid.UUID("4c4d59d35bad4278a4781836bd5729ba"),
        "held_on": date(2026, 12, 7),
        "participants": ["moeder", "vader"],
        "summary": "Gesprek met één ouder — “goed”.",
        "amount": Decimal("12.50"),
        "nested": {"signals": [{"id": uuid.UUID(int=1), "on": date(2026, 1, 1)}, None, [1, 2.5, True]]},
        "empty": {},
        "count": 2**62,
        "negative": -(2**63),
    },
    "enc:v1:plain text",
    ["a", uuid.UUID(int=7), [date(2026, 2, 3)]],
    {"_type_": "not a transcoding marker", "other": 1},
    12.5,
    None,
]


@pytest.mark.parametrize("state", STATES)
def test_decodes_what_the_library_encoded_as_the_library_does(state: Any) -> None:
    encoded = LIBRARY.encode(state)

    assert FAST.decode(encoded) == LIBRARY.decode(encoded) == state


@pytest.mark.parametrize(
    "document",
    [
        b'{"big": 123456789012345678901234567890, "small": -9223372036854775809}',
        b'{"n": NaN, "i": Infinity, "huge": 1e400}',
        b'{"lone": "\\ud800"}',
        b'{"a": 1, "a": 2}',
    ],
)
def test_documents_orjson_reads_otherwise_decode_as_the_library_does(document: bytes) -> None:
    fast, library = FAST.decode(document), LIBRARY.decode(document)

    assert repr(fast) == repr(library)
    assert [type(value) for value in fast.values()] == [type(value) for value in library.values()]


def test_invalid_documents_fail_as_in_the_library() -> None:
    with pytest.raises(ValueError, match="Expecting"):
        LIBRARY.decode(b'{"a": ')
    with pytest.raises(ValueError, match="Expecting"):
        FAST.decode(b'{"a": ')


def test_unknown_transcodings_fail_as_in_the_library() -> None:
    document = b'{"_type_": "nobody_registered_this", "_data_": "x"}'
    with pytest.raises(TranscodingNotRegisteredError, match="nobody_registered_this"):
        LIBRARY.decode(document)
    with pytest.raises(TranscodingNotRegisteredError, match="nobody_registered_this"):
        FAST.decode(document)
