"""The hash chain on a real eventsourcing store in PostgreSQL: every insert is chained by the trigger,
and `verify` names what was altered, removed or reordered directly in SQL."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import anyio
import asyncpg
import pytest
from eventsourcing.domain import Aggregate, event

from meldcode_servicekit.db import create_pool
from meldcode_servicekit.eventstore import MeldcodeApplication
from meldcode_servicekit.hashchain import (
    Anchor,
    Verification,
    event_hash,
    events_table,
    install_hash_chain,
    log_hash,
    verify,
)
from meldcode_testkit import Infrastructure

pytestmark = pytest.mark.infra


class Ledger(Aggregate):
    class Opened(Aggregate.Created):
        title: str

    @event(Opened)
    def __init__(self, title: str) -> None:
        self.title = title
        self.lines: list[str] = []

    @event("LineAdded")
    def add(self, text: str) -> None:
        self.lines.append(text)


class Ledgers(MeldcodeApplication):
    name = "ledgers"


def write(app: Ledgers, ledgers: int = 3, lines: int = 3) -> list[uuid.UUID]:
    ids = []
    for n in range(ledgers):
        ledger = Ledger(f"ledger {n}")
        app.save(ledger)
        ids.append(ledger.id)
    for line in range(lines):  # interleave the aggregates in the log
        for ledger_id in ids:
            ledger = app.repository.get(ledger_id)
            ledger.add(f"line {line}")
            app.save(ledger)
    return ids


async def chained_store(infrastructure: Infrastructure, isolation: str) -> tuple[Ledgers, asyncpg.Pool, str]:
    url = await infrastructure.create_database(f"{isolation}_chain")
    app: Ledgers = await anyio.to_thread.run_sync(lambda: Ledgers(url))
    pool = await create_pool(url)
    table = events_table(app)
    await install_hash_chain(pool, table)
    return app, pool, table


def kinds(result: Verification) -> list[tuple[str, str | None, int | None]]:
    return [(p.kind, p.aggregate_id, p.version) for p in result.problems]


async def test_an_untouched_store_verifies_clean_with_its_counts_and_chain_head(
    infrastructure: Infrastructure, isolation: str
) -> None:
    app, pool, table = await chained_store(infrastructure, isolation)
    try:
        await anyio.to_thread.run_sync(lambda: write(app))
        result = await verify(pool, table)
        last = await pool.fetchrow(
            "select notification_id, log_hash from ledgers_events order by notification_id desc limit 1"
        )
    finally:
        await pool.close()
        app.close()
    assert table == "ledgers_events"
    assert result.ok, result.problems
    assert (result.events_checked, result.aggregates_checked) == (12, 3)
    assert result.head is not None
    assert (result.head.notification_id, result.head.log_hash) == (
        last["notification_id"],
        last["log_hash"].hex(),
    )


async def test_the_trigger_computes_the_documented_hashes(
    infrastructure: Infrastructure, isolation: str
) -> None:
    app, pool, _ = await chained_store(infrastructure, isolation)
    try:
        await anyio.to_thread.run_sync(lambda: write(app, ledgers=2, lines=1))
        rows = await pool.fetch("select * from ledgers_events order by notification_id")
    finally:
        await pool.close()
        app.close()
    previous_log: bytes | None = None
    previous_event: dict[Any, bytes] = {}
    for row in rows:
        expected = event_hash(
            row["originator_id"],
            row["originator_version"],
            row["topic"],
            row["state"],
            previous_event.get(row["originator_id"]),
        )
        assert row["event_hash"] == expected
        assert row["log_hash"] == log_hash(previous_log, expected)
        previous_event[row["originator_id"]], previous_log = expected, row["log_hash"]


async def test_altering_one_byte_of_a_stored_state_is_named_with_aggregate_version_and_notification(
    infrastructure: Infrastructure, isolation: str
) -> None:
    app, pool, table = await chained_store(infrastructure, isolation)
    try:
        ids = await anyio.to_thread.run_sync(lambda: write(app))
        victim = await pool.fetchrow(
            "select notification_id from ledgers_events where originator_id = $1 and originator_version = 2",
            ids[1],
        )
        await pool.execute(
            """update ledgers_events set state = set_byte(state, 5, (get_byte(state, 5) + 1) % 256)
                where originator_id = $1 and originator_version = 2""",
            ids[1],
        )
        result = await verify(pool, table)
    finally:
        await pool.close()
        app.close()
    assert not result.ok
    assert kinds(result) == [("altered", str(ids[1]), 2)]
    assert result.problems[0].notification_id == victim["notification_id"]


async def test_deleting_a_stored_event_is_named_as_removed_in_the_aggregate_and_in_the_log(
    infrastructure: Infrastructure, isolation: str
) -> None:
    app, pool, table = await chained_store(infrastructure, isolation)
    try:
        ids = await anyio.to_thread.run_sync(lambda: write(app))
        await pool.execute(
            "delete from ledgers_events where originator_id = $1 and originator_version = 3", ids[0]
        )
        result = await verify(pool, table)
    finally:
        await pool.close()
        app.close()
    assert not result.ok
    assert ("removed", str(ids[0]), 3) in kinds(result)
    assert [p.kind for p in result.problems].count("removed") == 2  # the aggregate's gap and the log's
    assert {p.kind for p in result.problems} == {"removed"}


async def test_swapping_two_stored_events_in_the_log_is_named_as_reordered(
    infrastructure: Infrastructure, isolation: str
) -> None:
    app, pool, table = await chained_store(infrastructure, isolation)
    try:
        await anyio.to_thread.run_sync(lambda: write(app))
        first, second = 4, 8
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "update ledgers_events set notification_id = -1 where notification_id = $1", first
            )
            await conn.execute(
                "update ledgers_events set notification_id = $1 where notification_id = $2", first, second
            )
            await conn.execute(
                "update ledgers_events set notification_id = $1 where notification_id = -1", second
            )
        result = await verify(pool, table)
    finally:
        await pool.close()
        app.close()
    assert not result.ok
    assert {p.kind for p in result.problems} == {"reordered"}
    assert {first, second} <= {p.notification_id for p in result.problems}


async def test_a_store_from_before_the_chain_is_back_filled_and_verifies_clean(
    infrastructure: Infrastructure, isolation: str
) -> None:
    url = await infrastructure.create_database(f"{isolation}_old")
    app: Ledgers = await anyio.to_thread.run_sync(lambda: Ledgers(url))
    pool = await create_pool(url)
    try:
        await anyio.to_thread.run_sync(lambda: write(app))
        await install_hash_chain(pool, "ledgers_events")
        unhashed = await pool.fetchval("select count(*) from ledgers_events where log_hash is null")
        await anyio.to_thread.run_sync(lambda: write(app, ledgers=1, lines=1))
        result = await verify(pool, "ledgers_events")
    finally:
        await pool.close()
        app.close()
    assert unhashed == 0
    assert result.ok, result.problems
    assert result.events_checked == 14


async def test_a_row_written_around_the_trigger_is_reported_and_not_laundered_by_a_restart(
    infrastructure: Infrastructure, isolation: str
) -> None:
    app, pool, table = await chained_store(infrastructure, isolation)
    try:
        await anyio.to_thread.run_sync(lambda: write(app, ledgers=1, lines=1))
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("alter table ledgers_events disable trigger ledgers_events_hash_chain")
            await conn.execute(
                "insert into ledgers_events (originator_id, originator_version, topic, state) values ($1, 1, 'x', 'y')",
                uuid.uuid4(),
            )
            await conn.execute("alter table ledgers_events enable trigger ledgers_events_hash_chain")
        await install_hash_chain(pool, table)  # what a restart does
        result = await verify(pool, table)
    finally:
        await pool.close()
        app.close()
    assert [p.kind for p in result.problems] == ["unchained"]


async def test_concurrent_writers_leave_one_unbroken_chain(
    infrastructure: Infrastructure, isolation: str
) -> None:
    app, pool, table = await chained_store(infrastructure, isolation)
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            write(app, ledgers=2, lines=5)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    try:
        threads = [threading.Thread(target=writer) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            await anyio.to_thread.run_sync(thread.join)
        result = await verify(pool, table)
    finally:
        await pool.close()
        app.close()
    assert errors == []
    assert result.ok, result.problems
    assert result.events_checked == 4 * 2 * 6


async def test_deleting_the_newest_events_is_caught_only_against_a_recorded_chain_head(
    infrastructure: Infrastructure, isolation: str
) -> None:
    app, pool, table = await chained_store(infrastructure, isolation)
    try:
        await anyio.to_thread.run_sync(lambda: write(app))
        before = await verify(pool, table)
        assert before.head is not None
        anchor = Anchor.parse(f"{before.head.notification_id}:{before.head.log_hash}")
        await pool.execute("delete from ledgers_events where notification_id = $1", anchor.notification_id)
        without_anchor = await verify(pool, table)
        with_anchor = await verify(pool, table, anchors=[anchor])
    finally:
        await pool.close()
        app.close()
    assert without_anchor.ok
    assert [p.kind for p in with_anchor.problems] == ["head_missing"]
