"""The consumer's handler on a real PostgreSQL database, without Kafka and without the
processed-events record: task creation must be idempotent on its own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import asyncpg
import pytest

from meldcode_contracts import CaseOwnerChanged, ParentsConversationHeld
from meldcode_contracts.cases import CaseOwnerChangedPayload, ParentsConversationHeldPayload
from meldcode_edge.migrations import apply_migrations
from meldcode_servicekit.table_outbox import TABLE_OUTBOX_SCHEMA
from meldcode_testkit import Infrastructure
from meldcode_testkit.builders import (
    CaseEvents,
    case_opened,
    obligations_published,
    pupil_registered,
    signal_recorded,
)
from notifications.adapters.migrations import MIGRATIONS
from notifications.entrypoints.consumer import handle_event


@pytest.fixture
async def conn(infrastructure: Infrastructure, isolation: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(await infrastructure.create_database(f"{isolation}_store"))
    try:
        for statement in TABLE_OUTBOX_SCHEMA:
            await connection.execute(statement)
        await apply_migrations(connection, MIGRATIONS)
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
    for event in (pupil_registered(pupil_id), opened, obligations_published(opened), signal):
        async with conn.transaction():
            await handle_event(conn, event)
    rows = await conn.fetch(
        "select kind, status, completed_by, fulfilled_by_event_id from tasks order by kind"
    )
    assert [tuple(r) for r in rows] == [
        ("new_case", "open", None, None),
        ("new_signal", "done", "system", opened.event_id),
    ]


async def test_handling_every_event_of_a_case_twice_gives_the_same_tasks_as_once(
    conn: asyncpg.Connection,
) -> None:
    pupil_id = uuid.uuid4()
    signal = signal_recorded(pupil_id)
    opened = case_opened(pupil_id, signal)
    case = CaseEvents(pupil_id)
    case.case_id = opened.payload.case_id
    at = opened.occurred_at + timedelta(hours=1)
    held = ParentsConversationHeld(
        **case.envelope(at),
        payload=ParentsConversationHeldPayload(
            **case.ids(), held_on=at.date(), participants=["vader"], summary="."
        ),
    )
    owner_changed = CaseOwnerChanged(
        **case.envelope(at + timedelta(hours=1)),
        payload=CaseOwnerChangedPayload(**case.ids(), previous_owner_id="ib-1", new_owner_id="ib-2"),
    )
    after_opening = obligations_published(opened)
    after_conversation = case.published(held, "gesprek_ouders", "weging_zorgteam")
    for event in (signal, opened, after_opening, held, after_conversation, owner_changed):
        for _ in range(2):
            async with conn.transaction():
                await handle_event(conn, event)
    rows = await conn.fetch(
        "select kind, status, assignee_user_id, fulfilled_by_event_id from tasks order by kind"
    )
    assert [tuple(r) for r in rows] == [
        ("discuss_in_zorgteam", "open", "ib-2", None),
        ("new_case", "done", "ib-1", after_conversation.event_id),
        ("new_signal", "done", None, opened.event_id),
    ]
    assert await conn.fetchval("select owner_id from case_context where case_id = $1", case.case_id) == "ib-2"


async def test_cases_opened_before_the_case_table_existed_get_their_owner_from_the_new_case_task(
    conn: asyncpg.Connection,
) -> None:
    opened = case_opened(uuid.uuid4(), signal_recorded(uuid.uuid4()), owner="zt-1")
    for event in (opened, obligations_published(opened)):
        async with conn.transaction():
            await handle_event(conn, event)
    await conn.execute("delete from case_context")
    # a database the start-up DDL made before versioned migrations: migration 0001 runs on it
    await conn.execute("drop table schema_migrations")
    await apply_migrations(conn, MIGRATIONS)
    row = await conn.fetchrow("select tenant, school, owner_id, pupil_id from case_context")
    assert tuple(row) == (opened.tenant, opened.school, "zt-1", opened.payload.pupil_id)
