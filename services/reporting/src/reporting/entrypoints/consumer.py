"""Kafka consumer of reporting: projects every contract event into the read models.

Runs inside the transaction in which the service kit records the event id, so the projection and
the de-duplication commit together. Logs ids only, never personal data.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from meldcode_contracts import Envelope
from meldcode_edge.logging import get_logger

from ..adapters.projection_pages import apply_page, lock_cases
from ..adapters.projection_writes import ReadModelWriter
from ..application.projection import apply_projection
from ..translation import project

log = get_logger(__name__)


async def handle_event(conn: asyncpg.Connection, event: Envelope) -> None:
    if not await apply_projection(project(event), ReadModelWriter(conn)):
        log.debug("event_not_projected", event_id=str(event.event_id), event_type=event.event_type)
        return
    log.debug(
        "event_projected",
        event_id=str(event.event_id),
        event_type=event.event_type,
        subject_id=str(event.subject_id),
    )


async def handle_page(conn: asyncpg.Connection, events: Sequence[Envelope]) -> None:
    """`handle_event` for a page of events at once (the rebuild's replay): the same rows, written
    with one statement per kind of row (`reporting.adapters.projection_pages`). The replay hands over
    only events it recorded for the first time, so the insert-only tables are copied into."""
    await apply_page(conn, [project(event) for event in events], first_seen=True)


async def lock_batch(conn: asyncpg.Connection, events: Sequence[Envelope]) -> None:
    """The case locks of a live batch, taken up front in one order as a page does (`BatchLocks`)."""
    await lock_cases(conn, [project(event) for event in events])
