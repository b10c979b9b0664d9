"""What the edge accepts as input, for every route of every service.

Text: no control characters anywhere in a request (body, query string, path), except newline,
carriage return and tab. PostgreSQL cannot store NUL, and lone surrogates cannot be encoded, so a
request carrying them would be stored as an event that the read models then have to park: the
signal would silently be missing from the chronology, "mijn signalen" and the IB'er's task. The
check is one app-wide dependency (`refuse_control_characters`, installed by `create_app`), so a
new route or field is covered without doing anything.

Days, instants, offsets and limits: the shared parameter types below, bounded so that every value
that passes can be turned into a Dutch calendar day's UTC bounds and handed to PostgreSQL (a day
like 0001-01-01 or 9999-12-31 overflows once shifted to UTC; a 20-digit offset overflows bigint).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import Request
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from .problems import InvalidInput

EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2100, 12, 31)
EARLIEST_INSTANT = datetime(1900, 1, 1, tzinfo=UTC)
LATEST_INSTANT = datetime(2100, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
MAX_OFFSET = 1_000_000
MAX_PAGE = 1000

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
"""C0 and C1 controls and DEL except tab, newline and carriage return; and lone surrogates."""


def _within_instants(value: datetime) -> datetime:
    # A naive instant is compared as if it were UTC; the route decides whether it accepts it at all.
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if not EARLIEST_INSTANT <= aware <= LATEST_INSTANT:
        raise PydanticCustomError(
            "instant_out_of_range",
            "Het tijdstip moet tussen {earliest} en {latest} liggen.",
            {"earliest": EARLIEST_INSTANT.isoformat(), "latest": LATEST_INSTANT.isoformat()},
        )
    return value


Day = Annotated[date, Field(ge=EARLIEST_DAY, le=LATEST_DAY)]
"""A calendar day from 1900-01-01 up to and including 2100-12-31."""

Instant = Annotated[datetime, AfterValidator(_within_instants)]
"""An instant from 1900 up to and including 2100 (UTC)."""

Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
"""How many rows to skip: 0 up to a million."""

PageLimit = Annotated[int, Field(ge=1, le=MAX_PAGE)]
"""How many rows at most: 1 up to a thousand (a route may allow fewer)."""


def control_character_fields(value: Any, path: tuple[str, ...] = ()) -> Iterator[str]:
    """The dotted paths of the strings (values and keys) in a parsed JSON value that hold a
    control character."""
    if isinstance(value, str):
        if CONTROL_CHARACTERS.search(value):
            yield ".".join(path)
    elif isinstance(value, dict):
        for key, item in value.items():
            key_text = str(key)
            if CONTROL_CHARACTERS.search(key_text):
                yield ".".join((*path, "(naam)"))
                continue
            yield from control_character_fields(item, (*path, key_text))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from control_character_fields(item, (*path, str(index)))


def _is_json(request: Request) -> bool:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return content_type == "application/json" or content_type.endswith("+json")


async def refuse_control_characters(request: Request) -> None:
    """422 for a request with a control character in its path, query string or JSON body."""
    fields: list[str] = []
    for name, value in request.path_params.items():
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            fields.append(f"path.{name}")
    for name, value in request.query_params.multi_items():
        if CONTROL_CHARACTERS.search(name) or CONTROL_CHARACTERS.search(value):
            fields.append(f"query.{name if not CONTROL_CHARACTERS.search(name) else '(naam)'}")
    if request.method not in ("GET", "HEAD", "OPTIONS") and _is_json(request):
        try:
            body = await request.json()  # FastAPI parsed it already; this is the cached value
        except ValueError:
            body = None  # not JSON: the route's own validation answers
        fields.extend(f or "body" for f in control_character_fields(body))
    if fields:
        raise InvalidInput(
            f"Controleer deze velden: {', '.join(fields)}. Tekst mag geen stuurtekens bevatten "
            "(alleen regeleinden en tabs).",
            rule="control-character",
            errors=[
                {
                    "field": field,
                    "message": "Bevat een stuurteken (bijvoorbeeld NUL); dat kan niet worden opgeslagen.",
                    "type": "control_character",
                }
                for field in dict.fromkeys(fields)
            ],
        )
