"""Rebuild every read model from the Kafka topics and compare it with the live one by checksum.

1. Capture the end offsets of every partition of every topic (`ALL_TOPICS`): the rebuild target E.
2. Replay each partition from offset 0 up to E into a fresh PostgreSQL schema (`rebuild_<stamp>`,
   same database) with the live projection code behind the same `processed_events`
   de-duplication and tenant check, a page of records at a time in one transaction per lane
   (`handle_page`: the same rows as `handle_event` one by one; see `replay`). The rebuild reads with
   its own Kafka consumer without a group: it commits no offsets and never disturbs the live group.
3. Wait until the live consumer group has committed offsets >= E on every partition (the live
   consumer commits its database transaction before its offsets, so from then on the live tables
   hold everything below E).
4. In one REPEATABLE READ snapshot of the live tables, check that the live consumer has not
   processed anything at or beyond E (`processed_events` keeps the partition and offset of every
   event it applied). If it has, it moved on meanwhile: take the topics' current end offsets as the
   new E, catch the rebuild up, and go back to 3 (at most `MAX_ROUNDS` times). Otherwise compute the
   checksums of the live tables in that snapshot and of the rebuilt ones.
5. Per table: sha256 over the md5 of every row, in primary-key order, of the table's columns in
   name order minus the bookkeeping columns in `TABLES` (these legitimately differ), with the
   session time zone at UTC so timestamps print the same.
6. Without `replace` the rebuilt schema is dropped. With `replace` (operator CLI only) the live
   tables are locked, the rebuild is caught up to the topics' current end offsets (which are at or
   beyond anything the live consumer has seen; the live consumer skips what it then finds again
   in the swapped-in `processed_events`), and the tables are swapped: the live ones move to a
   schema `retired_<stamp>` (kept for a manual roll-back), the rebuilt ones take their place.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import anyio
import asyncpg
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition

from meldcode_contracts import (
    ALL_TOPICS,
)
from meldcode_edge.db import apply_schema, connect, create_pool
from meldcode_edge.logging import get_logger
from meldcode_edge.migrations import migrate_pool
from meldcode_edge.roles import grant_service_role, role_of
from meldcode_servicekit.consuming import CONSUMER_SCHEMA
from meldcode_servicekit.kafka import ensure_topics
from meldcode_servicekit.keystore import KeyStore, connect_key_store
from meldcode_servicekit.settings import ServiceSettings

from ..domain.rebuild_check import LiveBehind, RebuildBusy, RebuildReport, TableComparison
from .migrations import MIGRATIONS
from .replay import IN_PROCESS_BELOW, Handler, Offsets, PageHandler, Progress, Replayer
from .replay_workers import ReplayWorkers, WorkerSpec

log = get_logger(__name__)


@dataclass(frozen=True)
class TableSpec:
    key: str
    excluded: tuple[str, ...] = ()
    """Bookkeeping columns left out of the checksum, because they legitimately differ."""


TABLES: Final[dict[str, TableSpec]] = {
    "pupils": TableSpec("pupil_id"),
    "chronology": TableSpec("event_id"),
    "case_changes": TableSpec("event_id"),
    "school_cases": TableSpec("case_id"),
    "access_log": TableSpec("access_id"),
    "case_zorgteam": TableSpec("invitation"),
    "staff_names": TableSpec("listing"),
    # processed_at: when the event was processed; topic/partition/offset: where the first copy of
    # an event was read, which differs when copies of one event sit on different partitions.
    "processed_events": TableSpec("event_id", ("processed_at", "topic", "partition", "offset")),
}
MAX_ROUNDS: Final = 5
REBUILD_LOCK: Final = 7513_0005
"""Session advisory lock: one rebuild at a time per database."""


async def _schema_pool(database_url: str, schema: str, size: int = 4) -> asyncpg.Pool:
    return await create_pool(
        database_url,
        max_size=size,
        command_timeout=300,
        server_settings={"search_path": schema, "timezone": "UTC"},
    )


async def _columns(conn: Any, schema: str, table: str) -> list[str]:
    rows = await conn.fetch(
        """select column_name from information_schema.columns
           where table_schema = $1 and table_name = $2 order by column_name""",
        schema,
        table,
    )
    return [r["column_name"] for r in rows]


async def table_checksum(conn: Any, schema: str, table: str) -> tuple[str, int]:
    """(sha256 hex over the md5 of every row in key order, row count) of `schema.table`."""
    spec = TABLES[table]
    columns = [c for c in await _columns(conn, schema, table) if c not in spec.excluded]
    if not columns:
        return "", 0
    row = ", ".join(f'"{c}"' for c in columns)
    record = await conn.fetchrow(
        f"""select count(*)::bigint as n,
                   encode(sha256(convert_to(coalesce(
                       string_agg(md5(row({row})::text), '' order by "{spec.key}"), ''), 'UTF8')), 'hex')
                       as checksum
            from "{schema}"."{table}" """  # noqa: S608 (names come from TABLES and the catalogue)
    )
    return str(record["checksum"]), int(record["n"])


async def checksums(conn: Any, schema: str) -> dict[str, tuple[str, int]]:
    await conn.execute("set local timezone = 'UTC'")
    return {table: await table_checksum(conn, schema, table) for table in TABLES}


async def topic_partitions(settings: ServiceSettings) -> list[TopicPartition]:
    topics = [settings.topic(t) for t in ALL_TOPICS]
    await ensure_topics(settings.kafka, topics)
    admin = AIOKafkaAdminClient(**settings.kafka.client_options())
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    return sorted(
        (TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]),
        key=lambda tp: (tp.topic, tp.partition),
    )


async def live_committed(
    settings: ServiceSettings, group: str, partitions: Sequence[TopicPartition]
) -> Offsets:
    admin = AIOKafkaAdminClient(**settings.kafka.client_options())
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group, partitions=list(partitions))
    finally:
        await admin.close()
    return {
        tp: (meta.offset if meta is not None and meta.offset >= 0 else 0) for tp, meta in committed.items()
    }


async def wait_for_live(settings: ServiceSettings, group: str, end: Offsets, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        committed = await live_committed(settings, group, list(end))
        if all(committed.get(tp, 0) >= offset for tp, offset in end.items() if offset > 0):
            return
        if time.monotonic() > deadline:
            raise LiveBehind("the live consumer did not reach the rebuild's offsets in time")
        await asyncio.sleep(0.5)


async def _live_ahead(conn: Any, end: Offsets) -> bool:
    rows = await conn.fetch(
        """select topic, partition, max("offset") as last from processed_events group by topic, partition"""
    )
    return any(r["last"] >= end.get(TopicPartition(r["topic"], r["partition"]), 0) for r in rows)


async def rebuild(
    settings: ServiceSettings,
    handle: Handler,
    *,
    group: str,
    replace: bool = False,
    wait_timeout: float = 120.0,
    handle_page: PageHandler | None = None,
    progress: Progress | None = None,
    workers: int = 1,
    in_process_below: int = IN_PROCESS_BELOW,
) -> RebuildReport:
    """Rebuild into a fresh schema, compare with the live tables, then drop (or swap in) the rebuild.
    With `workers` > 1 the replay runs in that many processes, one group of partitions each
    (`replay_workers`), for rounds of at least `in_process_below` events."""
    started = time.monotonic()
    stamp = f"{datetime.now(UTC):%Y%m%d%H%M%S}_{uuid.uuid4().hex[:6]}"
    # as the owner role (it creates schemas and tables, ADR 16); the swapped-in tables are granted
    # to the service's role like the migration's
    owner_url = settings.migration_database_url or settings.database_url
    guard = await connect(owner_url)
    try:
        if not await guard.fetchval("select pg_try_advisory_lock($1)", REBUILD_LOCK):
            raise RebuildBusy("a rebuild is already running")
        live_schema = str(await guard.fetchval("select current_schema()"))
        run = RebuildRun(
            settings, guard, live_schema, stamp, handle, handle_page, progress, workers, in_process_below
        )
        await guard.execute(f'create schema "{run.schema}"')
        try:
            tables, replaced_into = await run.compare(group, wait_timeout, replace=replace)
        finally:
            await run.close()
        report = RebuildReport(
            tables=tables,
            events=run.events,
            seconds=time.monotonic() - started,
            replaced_into=replaced_into,
        )
        log.info("rebuild_compared", ok=report.ok, events=report.events, seconds=round(report.seconds, 2))
        return report
    finally:
        await guard.close()


class RebuildRun:
    """One rebuild: the fresh schema `rebuild_<stamp>` beside the live one, the replay into it, and
    the comparison; `guard` is the owner's connection that holds the rebuild lock."""

    def __init__(
        self,
        settings: ServiceSettings,
        guard: asyncpg.Connection,
        live_schema: str,
        stamp: str,
        handle: Handler,
        handle_page: PageHandler | None = None,
        progress: Progress | None = None,
        workers: int = 1,
        in_process_below: int = IN_PROCESS_BELOW,
    ) -> None:
        self.settings = settings
        self.workers = workers
        self.in_process_below = in_process_below
        self.guard = guard
        self.live_schema = live_schema
        self.stamp = stamp
        self.schema = f"rebuild_{stamp}"
        self.handle = handle
        self.handle_page = handle_page
        self.progress = progress
        self.pool: asyncpg.Pool | None = None
        self.consumer = AIOKafkaConsumer(
            **settings.kafka.client_options(),
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_partition_fetch_bytes=4 * 1024 * 1024,
        )
        self.keystore: KeyStore | None = None
        self.replayer: Replayer | None = None
        self.swapped_into: str | None = None

    @property
    def events(self) -> int:
        return self.replayer.events if self.replayer is not None else 0

    async def compare(
        self, group: str, wait_timeout: float, *, replace: bool
    ) -> tuple[list[TableComparison], str | None]:
        """Replay, compare with the live tables, and with `replace` swap the rebuild in."""
        replayer, partitions, end = await self._replay_everything()
        live_sums = await self._live_checksums(group, end, wait_timeout)
        assert self.pool is not None
        async with self.pool.acquire() as conn, conn.transaction():
            rebuilt_sums = await checksums(conn, self.schema)
        tables = [
            TableComparison(
                name=t,
                live_checksum=live_sums[t][0],
                rebuilt_checksum=rebuilt_sums[t][0],
                rows=rebuilt_sums[t][1],
                live_rows=live_sums[t][1],
            )
            for t in TABLES
        ]
        if replace:
            self.swapped_into = await _swap(
                self.guard,
                self.consumer,
                replayer,
                partitions,
                self.live_schema,
                self.schema,
                self.stamp,
                role_of(self.settings.database_url),
            )
        return tables, self.swapped_into

    async def _replay_everything(self) -> tuple[Replayer, list[TopicPartition], Offsets]:
        """Steps 1 and 2: every partition from offset 0 to its end now, into the fresh schema."""
        database_url = self.settings.migration_database_url or self.settings.database_url
        self.pool = pool = await _schema_pool(database_url, self.schema)
        await apply_schema(pool, CONSUMER_SCHEMA)
        await migrate_pool(pool, MIGRATIONS)
        partitions = await topic_partitions(self.settings)
        await self.consumer.start()
        self.keystore = keystore = await anyio.to_thread.run_sync(connect_key_store, self.settings)
        workers = (
            ReplayWorkers(
                WorkerSpec(self.settings, database_url, self.schema, self.handle, self.handle_page),
                self.workers,
            )
            if self.workers > 1
            else None
        )
        self.replayer = replayer = Replayer(
            self.consumer,
            pool,
            self.handle,
            keystore,
            handle_page=self.handle_page,
            progress=self.progress,
            workers=workers,
            in_process_below=self.in_process_below,
        )
        await replayer.start(partitions)
        end: Offsets = await self.consumer.end_offsets(partitions)
        await replayer.replay_until(end)
        log.info("rebuild_replayed", events=replayer.events, schema=self.schema)
        return replayer, partitions, end

    async def _live_checksums(
        self, group: str, end: Offsets, wait_timeout: float
    ) -> dict[str, tuple[str, int]]:
        """Steps 3 and 4: the live tables' checksums once the live consumer stands exactly at `end`,
        catching the rebuild up each time it moved on meanwhile."""
        assert self.replayer is not None
        for _ in range(MAX_ROUNDS):
            await wait_for_live(self.settings, group, end, wait_timeout)
            async with self.guard.transaction(isolation="repeatable_read", readonly=True):
                if not await _live_ahead(self.guard, end):
                    return await checksums(self.guard, self.live_schema)
            end = await self.consumer.end_offsets(list(end))
            await self.replayer.replay_until(end)
        raise LiveBehind("the live consumer kept moving; compare again later")

    async def close(self) -> None:
        """Stop reading, drop the rebuilt schema unless it was swapped in, release the lock."""
        await self.consumer.stop()
        if self.pool is not None:
            await self.pool.close()
        if self.keystore is not None:
            await anyio.to_thread.run_sync(self.keystore.close)
        if self.swapped_into is None:
            await self.guard.execute(f'drop schema if exists "{self.schema}" cascade')
        await self.guard.execute("select pg_advisory_unlock($1)", REBUILD_LOCK)


async def _swap(
    conn: Any,
    consumer: AIOKafkaConsumer,
    replayer: Replayer,
    partitions: Sequence[TopicPartition],
    live_schema: str,
    rebuilt_schema: str,
    stamp: str,
    service_role: str,
) -> str:
    """Lock the live tables, catch the rebuild up to the topics' ends, and swap the tables."""
    retired = f"retired_{stamp}"
    names = ", ".join(f'"{live_schema}"."{t}"' for t in TABLES)
    async with conn.transaction():
        await conn.execute(f"lock table {names} in access exclusive mode")
        await replayer.replay_until(await consumer.end_offsets(list(partitions)))
        await conn.execute(f'create schema "{retired}"')
        for table in TABLES:
            await conn.execute(f'alter table "{live_schema}"."{table}" set schema "{retired}"')
            await conn.execute(f'alter table "{rebuilt_schema}"."{table}" set schema "{live_schema}"')
        await conn.execute(f'drop schema "{rebuilt_schema}" cascade')
        if service_role != await conn.fetchval("select current_user"):
            await grant_service_role(conn, service_role)
    log.info("rebuild_swapped_in", retired_schema=retired)
    return retired
