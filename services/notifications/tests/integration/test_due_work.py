"""The one due-work queue on a table of its own, against real PostgreSQL: what a failed attempt
leaves, what waiting leaves, that one bad row holds up nothing, that two replicas never do a row
twice; and that a melding document stored before the upgrade is still built after it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import cast

import asyncpg
import pytest

from meldcode_edge.db import apply_schema, create_pool
from meldcode_edge.migrations import Migrations, migrate_pool
from meldcode_servicekit.table_outbox import TABLE_OUTBOX_SCHEMA
from meldcode_testkit import Infrastructure
from notifications.adapters.due_work import Done, DueTable, DueWorkQueue, Failed, NotYet, Outcome
from notifications.adapters.facts import request_melding_document
from notifications.adapters.melding_documents import document_builder
from notifications.adapters.migrations import MIGRATIONS
from notifications.domain.webhooks import Backoff

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CHORES = DueTable("chores", key="chore_id", pending="done_at is null", failure_log="chore_failed")
BACKOFF = Backoff(base_seconds=10, cap_seconds=60)


@pytest.fixture
async def pool(infrastructure: Infrastructure, isolation: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(await infrastructure.create_database(f"{isolation}_due"))
    await pool.execute(
        """create table chores (chore_id int primary key, what text not null, done_at timestamptz,
               attempts int not null default 0, next_attempt_at timestamptz not null, last_error text,
               scribble text)"""
    )
    try:
        yield pool
    finally:
        await pool.close()


async def add_chores(pool: asyncpg.Pool, *whats: str) -> None:
    for n, what in enumerate(whats):
        await pool.execute(
            "insert into chores (chore_id, what, next_attempt_at) values ($1, $2, $3)",
            n,
            what,
            NOW - timedelta(seconds=len(whats) - n),
        )


async def do_chore(conn: asyncpg.Connection, row: asyncpg.Record, attempts: int, now: datetime) -> Outcome:
    """Scribbles on the row first, so a failure shows whether that stayed."""
    await conn.execute("update chores set scribble = 'half done' where chore_id = $1", row["chore_id"])
    if row["what"] == "raise":
        raise ConnectionResetError
    if row["what"] == "refuse":
        return Failed("HTTP 503")
    if row["what"] == "wait":
        return NotYet(now + timedelta(minutes=5))
    return Done({"done_at": now})


async def chore(pool: asyncpg.Pool, chore_id: int) -> asyncpg.Record:
    row = await pool.fetchrow("select * from chores where chore_id = $1", chore_id)
    assert row is not None
    return cast(asyncpg.Record, row)


async def test_a_failed_attempt_is_counted_put_off_by_the_backoff_and_leaves_nothing_it_wrote(
    pool: asyncpg.Pool,
) -> None:
    await add_chores(pool, "raise", "refuse")
    done = await DueWorkQueue(pool, CHORES, do_chore, BACKOFF).run_due(NOW)

    assert done == 0
    for chore_id, error in ((0, "ConnectionResetError"), (1, "HTTP 503")):
        row = await chore(pool, chore_id)
        assert (row["attempts"], row["last_error"], row["scribble"], row["done_at"]) == (1, error, None, None)
        assert NOW + timedelta(seconds=5) <= row["next_attempt_at"] <= NOW + timedelta(seconds=10)


async def test_a_row_that_waits_is_put_off_without_counting_an_attempt(pool: asyncpg.Pool) -> None:
    await add_chores(pool, "wait")
    await DueWorkQueue(pool, CHORES, do_chore, BACKOFF).run_due(NOW)

    row = await chore(pool, 0)
    assert (row["attempts"], row["last_error"], row["next_attempt_at"]) == (
        0,
        None,
        NOW + timedelta(minutes=5),
    )
    assert row["scribble"] == "half done"


async def test_a_failing_row_holds_up_none_of_the_rows_behind_it_and_done_rows_are_closed(
    pool: asyncpg.Pool,
) -> None:
    await add_chores(pool, "raise", "sweep", "refuse", "dust")
    done = await DueWorkQueue(pool, CHORES, do_chore, BACKOFF).run_due(NOW)

    assert done == 2
    for chore_id in (1, 3):
        row = await chore(pool, chore_id)
        assert (row["done_at"], row["attempts"], row["last_error"]) == (NOW, 1, None)
    assert await DueWorkQueue(pool, CHORES, do_chore, BACKOFF).run_due(NOW) == 0, "failed rows wait"


async def test_two_replicas_side_by_side_never_do_the_same_row(pool: asyncpg.Pool) -> None:
    await add_chores(pool, *(f"chore {n}" for n in range(20)))
    done_by: list[int] = []

    async def slow_chore(
        conn: asyncpg.Connection, row: asyncpg.Record, attempts: int, now: datetime
    ) -> Outcome:
        await asyncio.sleep(0.01)  # keeps the row locked while the other replica looks for work
        done_by.append(row["chore_id"])
        return Done({"done_at": now})

    replicas = [DueWorkQueue(pool, CHORES, slow_chore, BACKOFF) for _ in range(2)]
    counts = await asyncio.gather(*(replica.run_due(NOW) for replica in replicas))

    assert sum(counts) == 20
    assert sorted(done_by) == list(range(20))


async def test_a_melding_document_stored_before_the_table_counted_attempts_is_built_after_the_upgrade(
    infrastructure: Infrastructure, isolation: str
) -> None:
    pool = await create_pool(await infrastructure.create_database(f"{isolation}_upgrade"))
    try:
        # The database as it stood before melding documents became due work: migration 0001 only.
        before_upgrade = Migrations(MIGRATIONS.component, MIGRATIONS.steps[:1])
        await apply_schema(pool, TABLE_OUTBOX_SCHEMA)  # the kit's outbox, where an issued document goes
        await migrate_pool(pool, before_upgrade)
        document_id = uuid.uuid4()
        async with pool.acquire() as conn:
            await request_melding_document(
                cast(asyncpg.Connection, conn),
                document_id=document_id,
                report_event_id=uuid.uuid4(),
                tenant="swv-1",
                school="12AB",
                case_id=uuid.uuid4(),
                pupil_id=uuid.uuid4(),
                reported_on=date(2026, 3, 1),
                reported_at=NOW - timedelta(days=1),
                report={
                    "veilig_thuis_region": "Utrecht",
                    "veilig_thuis_organisation": "Veilig Thuis Utrecht",
                    "reporter_id": "ib-bram",
                    "reporter_anonymous_to_family": False,
                    "signal_ids": [],
                    "school_continues": "De school blijft betrokken.",
                    "pupil_age_on_report": 9,
                },
                now=NOW - timedelta(days=1),
            )

        await migrate_pool(pool, MIGRATIONS)
        built = await document_builder(
            pool, "notifications-events", timedelta(seconds=60), Backoff()
        ).run_due(NOW)

        row = await pool.fetchrow(
            "select status, attempts, sha256 from melding_documents where document_id = $1", document_id
        )
        assert built == 1
        assert row is not None and (row["status"], row["attempts"]) == ("issued", 1)
        assert row["sha256"] is not None
    finally:
        await pool.close()
