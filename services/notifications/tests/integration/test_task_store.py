"""The consumer's handler on a real PostgreSQL database, without Kafka and without the
processed-events record: task creation must be idempotent on its own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from meldcode_testkit import Infrastructure
from notifications.adapters.schema import SCHEMA
from notifications.entrypoints.consumer import handle_event

from .test_notifications import case_opened, pupil_registered, signal_recorded


@pytest.fixture
async def conn(infrastructure: Infrastructure, isolation: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(await infrastructure.create_database(f"{isolation}_store"))
    try:
        for statement in SCHEMA:
            await connection.execute(statement)
        yield connection
    finally:
        await connection.close()


async def test_handling_the_same_event_twice_creates_one_task(conn: asyncpg.Connection) -> None:
    signal = signal_recorded(uuid.uuid4())
    for _ in range(2):
        async with conn.transaction():
            await handle_event(conn, signal)
    assert await conn.fetchval("select count(*) from tasks") == 1


async def test_a_case_event_before_its_signal_event_still_leaves_the_signal_task_done(
    conn: asyncpg.Connection,
) -> None:
    pupil_id = uuid.uuid4()
    signal = signal_recorded(pupil_id)
    opened = case_opened(pupil_id, signal)
    for event in (pupil_registered(pupil_id), opened, signal):
        async with conn.transaction():
            await handle_event(conn, event)
    rows = await conn.fetch(
        "select kind, status, completed_by, fulfilled_by_event_id from tasks order by kind"
    )
    assert [tuple(r) for r in rows] == [
        ("new_case", "open", None, None),
        ("new_signal", "done", "system", opened.event_id),
    ]
