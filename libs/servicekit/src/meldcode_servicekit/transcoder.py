"""The event stores' JSON transcoder, decoding with orjson.

The library's `JSONTranscoder` decodes with the standard `json` module and an `object_hook`; that
decoding was the largest part of loading an aggregate once its rows were read (ADR 25).
`FastDecodingTranscoder` parses with orjson and then gives every object, innermost first, to the
library's own hook: the same values the library's decoder gives. Where orjson could read a document
differently, it is left to the library's decoder: what orjson refuses (NaN, lone surrogates, ...)
and any document with a float in it (orjson reads an integer beyond 64 bits as a float, `json` as
an int; the stored events hold no floats, so this costs nothing in practice). Encoding is the
library's.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder, Transcoding, UUIDAsHex


class _ReadOtherwise(Exception):
    """The document may read otherwise with orjson than with `json`."""


# A few pupils, cases and actors per aggregate loaded: each id's text parsed once (UUIDs are
# immutable, so one object may stand for all its occurrences).
_uuid_of_hex = functools.lru_cache(maxsize=8192)(uuid.UUID)


class FastDecodingTranscoder(JSONTranscoder):
    def __init__(self) -> None:
        super().__init__()
        self._decoders: dict[str, Callable[[Any], Any]] | None = None

    def register(self, transcoding: Transcoding) -> None:
        super().register(transcoding)
        self._decoders = None

    def decode(self, data: bytes) -> Any:
        try:
            value = orjson.loads(data)
            kind = type(value)
            if kind is dict:
                return self._hooked_dict(value, self._decoders or self._build_decoders())
            if kind is list:
                return self._hooked_list(value, self._decoders or self._build_decoders())
            if kind is float:
                raise _ReadOtherwise
            return value
        except (orjson.JSONDecodeError, _ReadOtherwise):
            return super().decode(data)

    def _build_decoders(self) -> dict[str, Callable[[Any], Any]]:
        """Each registered name's decode function for a text `_data_` (the library's UUID one with
        parsed ids kept)."""
        decoders: dict[str, Callable[[Any], Any]] = {
            name: transcoding.decode for name, transcoding in self.names.items()
        }
        uuids = self.names.get(UUIDAsHex.name)
        if type(uuids) is UUIDAsHex:
            decoders[UUIDAsHex.name] = _uuid_of_hex
        self._decoders = decoders
        return decoders

    def _hooked_dict(self, value: dict[str, Any], decoders: dict[str, Callable[[Any], Any]]) -> Any:
        """`value` with the library's hook applied to every object in it, innermost first, as
        `object_hook` does."""
        for name, inner in value.items():
            inner_kind = type(inner)
            if inner_kind is dict:
                # The common case inline: a transcoded value such as {"_type_": "uuid_hex", "_data_": "..."}.
                if len(inner) == 2 and type(data := inner.get("_data_")) is str:
                    decoder = decoders.get(inner.get("_type_"))
                    if decoder is not None:
                        value[name] = decoder(data)
                        continue
                value[name] = self._hooked_dict(inner, decoders)
            elif inner_kind is list:
                value[name] = self._hooked_list(inner, decoders)
            elif inner_kind is float:
                raise _ReadOtherwise
        if len(value) == 2 and "_type_" in value:  # the only objects the hook changes
            transcoding = self.names.get(value["_type_"]) if "_data_" in value else None
            if transcoding is not None:
                return transcoding.decode(value["_data_"])
            return self._decode_obj(value)  # the library's answer to what it does not know
        return value

    def _hooked_list(self, value: list[Any], decoders: dict[str, Callable[[Any], Any]]) -> list[Any]:
        for index, inner in enumerate(value):
            inner_kind = type(inner)
            if inner_kind is dict:
                value[index] = self._hooked_dict(inner, decoders)
            elif inner_kind is list:
                value[index] = self._hooked_list(inner, decoders)
            elif inner_kind is float:
                raise _ReadOtherwise
        return value
