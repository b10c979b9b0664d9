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

from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder


class _ReadOtherwise(Exception):
    """The document may read otherwise with orjson than with `json`."""


class FastDecodingTranscoder(JSONTranscoder):
    def decode(self, data: bytes) -> Any:
        try:
            return self._hooked(orjson.loads(data))
        except (orjson.JSONDecodeError, _ReadOtherwise):
            return super().decode(data)

    def _hooked(self, value: Any) -> Any:
        """`value` with the library's hook applied to every object in it, as `object_hook` does."""
        kind = type(value)
        if kind is dict:
            for name, inner in value.items():
                inner_kind = type(inner)
                if inner_kind is dict or inner_kind is list:
                    value[name] = self._hooked(inner)
                elif inner_kind is float:
                    raise _ReadOtherwise
            if len(value) == 2 and "_type_" in value:  # the only objects the hook changes
                transcoding = self.names.get(value["_type_"]) if "_data_" in value else None
                if transcoding is not None:
                    return transcoding.decode(value["_data_"])
                return self._decode_obj(value)  # the library's answer to what it does not know
            return value
        if kind is list:
            for index, inner in enumerate(value):
                inner_kind = type(inner)
                if inner_kind is dict or inner_kind is list:
                    value[index] = self._hooked(inner)
                elif inner_kind is float:
                    raise _ReadOtherwise
        elif kind is float:
            raise _ReadOtherwise
        return value
