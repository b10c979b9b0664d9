"""The hash chain on a real eventsourcing store in PostgreSQL: every insert is chained by the trigger,
and `verify` names what was altered, removed or reordered directly in SQL."""

from __future__ import annotations

import base64
import dataclasses
import threading
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import anyio
import asyncpg
import pytest
from eventsourcing.domain import Aggregate, event

from meldcode_contracts.chain_heads import ChainHeadRecord
from meldcode_edge.db import create_pool
from meldcode_servicekit.chainheads import (
    ChainHeadRecorder,
    chain_head_recording,
    check_records,
    parse_signing_key,
)
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
from meldcode_servicekit.settings import ServiceSettings
from meldcode_testkit import Infrastructure, eventually

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


SIGNING_KEY = parse_signing_key("nWGxne/9WmC6hEr0kuwsxERJxWl7MhkDiGYTFd5v6M0=")


async def rewrite_consistently(pool: asyncpg.Pool, table: str) -> None:
    """What a database superuser can do: alter an event, then recompute every hash after it (here
    by emptying the hash columns and letting the start-up back-fill chain the store again)."""
    await pool.execute(
        f"update {table} set state = set_byte(state, 5, (get_byte(state, 5) + 1) % 256) "  # noqa: S608
        f"where notification_id = (select min(notification_id) from {table})"
    )
    await pool.execute(f"update {table} set event_hash = null, log_hash = null")  # noqa: S608
    await install_hash_chain(pool, table)


async def test_a_superuser_rewriting_the_whole_chain_is_caught_against_the_recorded_heads(
    infrastructure: Infrastructure, isolation: str, tmp_path: Path
) -> None:
    app, pool, table = await chained_store(infrastructure, isolation)
    recorder = ChainHeadRecorder(pool, table, "ledgers", SIGNING_KEY, tmp_path)
    try:
        await anyio.to_thread.run_sync(lambda: write(app))
        recorded = await recorder.record()
        await rewrite_consistently(pool, table)
        unanchored = await verify(pool, table)
        heads = check_records(recorder.lines(), table, [recorder.public_key])
        anchored = await verify(pool, table, anchors=heads.anchors)
    finally:
        await pool.close()
        app.close()
    assert recorded is not None
    assert unanchored.ok, "a consistent rewrite passes a verify without recorded heads"
    assert heads.findings == [] and heads.anchors == [Anchor(recorded.notification_id, recorded.log_hash)]
    assert [(p.kind, p.notification_id) for p in anchored.problems] == [
        ("head_missing", recorded.notification_id)
    ]


async def test_a_forged_chain_head_record_is_refused_and_not_trusted(
    infrastructure: Infrastructure, isolation: str, tmp_path: Path
) -> None:
    app, pool, table = await chained_store(infrastructure, isolation)
    recorder = ChainHeadRecorder(pool, table, "ledgers", SIGNING_KEY, tmp_path)
    try:
        await anyio.to_thread.run_sync(lambda: write(app))
        genuine = await recorder.record()
        await rewrite_consistently(pool, table)
        rewritten = await verify(pool, table)
    finally:
        await pool.close()
        app.close()
    assert genuine is not None and rewritten.head is not None
    # The rewriter puts the new head in the file: the old signature does not cover it, and a
    # record signed with a key of the rewriter's own is not signed by the service's key.
    moved = dataclasses.replace(genuine, log_hash=rewritten.head.log_hash)
    other_key = parse_signing_key("Sy0k5UuW+M4gfbNnO5cV9KfBG0k8K7Ct6bEw2SLhEuQ=")
    own = ChainHeadRecorder(cast(asyncpg.Pool, None), table, "ledgers", other_key, tmp_path)
    self_signed = dataclasses.replace(moved, public_key=own.public_key)
    self_signed = self_signed.signed(base64.b64encode(other_key.sign(self_signed.signed_bytes())).decode())
    lines = [genuine.to_line(), moved.to_line(), self_signed.to_line(), "{not json"]
    heads = check_records(lines, table, [recorder.public_key])
    assert heads.anchors == [Anchor(genuine.notification_id, genuine.log_hash)]
    assert [(f.kind, f.notification_id) for f in heads.findings] == [
        ("bad_signature", genuine.notification_id),
        ("bad_signature", genuine.notification_id),
        ("bad_signature", None),
    ]
    assert ChainHeadRecord.from_line(genuine.to_line()) == genuine


async def test_the_schedule_records_the_chain_head_signed_in_the_heads_file(
    infrastructure: Infrastructure, isolation: str, tmp_path: Path
) -> None:
    app, pool, table = await chained_store(infrastructure, isolation)
    settings = ServiceSettings(
        service_name="ledgers", chain_heads_dir=tmp_path, chain_head_interval_seconds=0.05
    )
    web = cast(Any, SimpleNamespace(state=SimpleNamespace(pool=pool)))
    try:
        await anyio.to_thread.run_sync(lambda: write(app))
        head = (await verify(pool, table)).head
        async with chain_head_recording(web, settings, table) as recorder:
            assert recorder is not None

            async def recorded_twice() -> bool:
                return len(recorder.lines()) >= 2

            await eventually(recorded_twice)
            heads = await recorder.recorded()
    finally:
        await pool.close()
        app.close()
    assert head is not None
    assert heads.findings == [] and heads.records >= 2
    assert heads.anchors == [Anchor(head.notification_id, head.log_hash)]
    assert (tmp_path / "ledgers-chain-head-signing.key").stat().st_mode & 0o777 == 0o600
