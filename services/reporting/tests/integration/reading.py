"""Reading the reporting service the way its tests wait for it."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from meldcode_testkit import Suite
from meldcode_testkit.people import IB, auth


async def chronology_with(
    http: httpx.AsyncClient, suite: Suite, pupil_id: uuid.UUID, count: int
) -> dict[str, Any] | None:
    """The chronology once it holds `count` entries (None before that)."""
    response = await http.get(f"/pupils/{pupil_id}/chronology", headers=auth(suite, IB))
    if response.status_code != 200:
        return None
    body: dict[str, Any] = response.json()
    return body if len(body["entries"]) >= count else None
