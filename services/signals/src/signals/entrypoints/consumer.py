"""Kafka consumer of signals: which cases about a pupil are open, from casework's events.

Runs inside the EventConsumer's transaction that also records the event id, so each event is
applied once. Only casework's topic: signals' own events are its event store, never consumed back.
"""

from __future__ import annotations

import asyncpg

from meldcode_contracts import CaseClosed, CaseOpened, CaseReopened, CaseTransferred, Envelope

from ..adapters import open_cases


async def handle_event(conn: asyncpg.Connection, event: Envelope) -> None:
    if isinstance(event, CaseOpened):
        await open_cases.case_opened(conn, event)
    elif isinstance(event, CaseClosed):
        await open_cases.case_closed(conn, event)
    elif isinstance(event, CaseReopened):
        await open_cases.case_reopened(conn, event)
    elif isinstance(event, CaseTransferred):
        await open_cases.case_transferred(conn, event)
