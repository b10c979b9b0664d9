"""The rebuild's replay: every partition of the topics read from offset 0, with no consumer group,
and projected into one schema with the live projection code, as the live consumer would."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final

import asyncpg
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import ConsumerRecord, TopicPartition
from pydantic import ValidationError

from meldcode_contracts import Envelope, PersonalDataErased, UnknownEventType, UnsupportedSchemaVersion
from meldcode_edge.logging import get_logger
from meldcode_servicekit.consuming import TenantMismatch, check_tenant, tenant_bound_ids
from meldcode_servicekit.keystore import KeyStore, UnknownDataKey
from meldcode_servicekit.outages import is_infrastructure_error
from meldcode_servicekit.sealing import open_event, sealed_pupils

if TYPE_CHECKING:
    from .replay_workers import ReplayWorkers

log = get_logger(__name__)

Handler = Callable[[asyncpg.Connection, Envelope], Awaitable[None]]
PageHandler = Callable[[Any, Sequence[Envelope]], Awaitable[None]]
"""Projects a page of first-seen events in order, with the same rows as `Handler` one by one."""
Progress = Callable[[int, int], None]
"""Called after each page with (events replayed so far, events to replay in all)."""
Offsets = dict[TopicPartition, int]

BATCH: Final = 6000
"""Records fetched per page (over all partitions); each lane writes its part in one transaction."""
LANES: Final = 3
"""Transactions projecting side by side (by partition number; a partition is always in one lane)."""
DEADLOCK_RETRIES: Final = 5
IN_PROCESS_BELOW: Final = 20_000
"""Events of a round below which the replay stays in this process even with workers: a spawned
worker spends seconds of CPU importing the service before it replays anything (ADR 25 part N2)."""


@contextmanager
def collections_of_the_replay_only() -> Iterator[None]:
    """The cyclic garbage collector walks only what the replay makes, not the objects that were
    there before it (modules, classes, the process's caches), and only between pages
    (`collect_the_page`) rather than every 700 allocations: with Python's default settings the
    collections walked every live event of a page again and again and took a third of the replay's
    CPU (ADR 25). Unfrozen and enabled again afterwards: what became garbage meanwhile is still
    collected."""
    enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def collect_the_page() -> None:
    """The young generations only: the page just written, and whatever else the process made
    meanwhile, without walking what lives longer again."""
    gc.collect(1)


class Replayer:
    """Reads the topics from offset 0 with no consumer group and projects into one schema."""

    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        pool: asyncpg.Pool,
        handle: Handler,
        keystore: KeyStore,
        *,
        handle_page: PageHandler | None = None,
        progress: Progress | None = None,
        workers: ReplayWorkers | None = None,
        in_process_below: int = IN_PROCESS_BELOW,
    ) -> None:
        """With `workers`, a round of at least `in_process_below` events over two or more
        partitions is replayed in worker processes (`replay_workers`); smaller rounds (the
        catch-ups, the one under the lock of a swap) here, without starting processes."""
        self._keystore = keystore
        self._consumer = consumer
        self._pool = pool
        self._handle = handle
        self._handle_page = handle_page
        self._progress = progress
        self._workers = workers
        self._in_process_below = in_process_below
        self.position: Offsets = {}
        self.events = 0

    async def start(self, partitions: Sequence[TopicPartition]) -> None:
        self._consumer.assign(list(partitions))
        await self._consumer.seek_to_beginning(*partitions)
        self.position = {tp: 0 for tp in partitions}
        for tp in partitions:
            self.position[tp] = await self._consumer.position(tp)

    def resume(self, position: Offsets) -> None:
        """Replay the partitions of `position` from there (a worker's share of the partitions)."""
        self._consumer.assign(list(position))
        self.position = dict(position)

    async def replay_until(self, end: Offsets) -> None:
        """Project every record below `end` that was not projected yet."""
        pending = {tp: offset for tp, offset in end.items() if self.position.get(tp, 0) < offset}
        remaining = sum(offset - self.position.get(tp, 0) for tp, offset in pending.items())
        if self._workers is not None and len(pending) > 1 and remaining >= self._in_process_below:
            moved, events = await self._workers.replay(
                self.position,
                pending,
                done=self.events,
                total=self.events + remaining,
                progress=self._progress,
            )
            self.position.update(moved)
            self.events += events
            return
        with collections_of_the_replay_only():
            await self._replay_until(end)

    async def _replay_until(self, end: Offsets) -> None:
        pending = {tp for tp, offset in end.items() if self.position.get(tp, 0) < offset}
        total = self.events + sum(end[tp] - self.position[tp] for tp in pending)
        for tp in pending:
            self._consumer.seek(tp, self.position[tp])
        # The next page is fetched and opened while the previous one is written (PostgreSQL works
        # in its own processes meanwhile); pages are written one after another, so every
        # partition's events are still applied in order.
        writing: asyncio.Task[None] | None = None
        try:
            while pending:
                fetched = await self._consumer.getmany(*pending, timeout_ms=500, max_records=BATCH)
                records: list[ConsumerRecord[Any, Any]] = []
                for tp, batch in fetched.items():
                    records.extend(r for r in batch if r.offset < end[tp])
                for tp in pending:
                    # What lies beyond `end` is read again (after a seek) by the next catch-up.
                    self.position[tp] = min(end[tp], await self._consumer.position(tp))
                parsed = await asyncio.to_thread(self._open, records)  # key reads block; the loop serves on
                if writing is not None:
                    await writing
                    writing = None
                    collect_the_page()
                if parsed:
                    writing = asyncio.create_task(self._write(parsed))
                if self._progress is not None:
                    self._progress(self.events, total)
                pending = {tp for tp in pending if self.position[tp] < end[tp]}
            if writing is not None:
                await writing
                writing = None
        finally:
            if writing is not None:
                writing.cancel()
                await asyncio.gather(writing, return_exceptions=True)

    def _open(
        self, records: list[ConsumerRecord[Any, Any]]
    ) -> list[tuple[ConsumerRecord[Any, Any], Envelope]]:
        parsed: list[tuple[ConsumerRecord[Any, Any], Envelope]] = []
        # the page's keys in one statement rather than one round trip per pupil while opening
        self._keystore.preload(p for record in records for p in sealed_pupils(record.value or b""))
        for record in records:
            self.events += 1
            try:
                event = open_event(record.value or b"", self._keystore)
                if isinstance(event, PersonalDataErased):
                    # As the live consumer: nothing later opens with the erased pupil's cached key.
                    self._keystore.forget(event.payload.pupil_id)
                parsed.append((record, event))
            except UnknownEventType as unknown:  # a newer producer's type: skipped, as live (ADR 15)
                log.warning(
                    "rebuild_unknown_event_type_skipped",
                    event_type=unknown.event_type,
                    topic=record.topic,
                    partition=record.partition,
                    offset=record.offset,
                )
            except (ValidationError, ValueError, UnknownDataKey, UnsupportedSchemaVersion):
                log.warning(
                    "rebuild_invalid_message",
                    topic=record.topic,
                    partition=record.partition,
                    offset=record.offset,
                )
        return parsed

    async def _write(self, parsed: list[tuple[ConsumerRecord[Any, Any], Envelope]]) -> None:
        lanes: dict[int, list[tuple[ConsumerRecord[Any, Any], Envelope]]] = {}
        for record, event in parsed:
            lanes.setdefault(record.partition % LANES, []).append((record, event))
        await asyncio.gather(*(self._project_lane(lane) for lane in lanes.values()))

    async def _project_lane(self, lane: list[tuple[ConsumerRecord[Any, Any], Envelope]]) -> None:
        """One transaction for the lane's messages (each partition stays in order within its lane).

        Lanes run side by side: the projections give the same rows in any order across keys. Lanes
        share pupils and cases, so each takes what it shares in one order (processed event ids and
        bound ids in `_record_page`, then every case lock of its page in `apply_page`) and waits
        for the other rather than deadlocking. Should a deadlock still happen, PostgreSQL rolls one
        lane back, which is logged and applied again."""
        for attempt in range(1, DEADLOCK_RETRIES + 1):
            try:
                async with self._pool.acquire() as conn, conn.transaction():
                    if self._handle_page is None:
                        for record, event in lane:
                            await self._record_and_handle(conn, record, event)
                    else:
                        await self._handle_page(conn, await _record_page(conn, lane))
                return
            except asyncpg.DeadlockDetectedError:
                log.warning("rebuild_lane_deadlock", attempt=attempt, batch=len(lane))
                if attempt == DEADLOCK_RETRIES:
                    raise
                await asyncio.sleep(0.05 * attempt)
            except Exception as exc:
                if is_infrastructure_error(exc):
                    raise
                log.warning("rebuild_batch_split", batch=len(lane), error_type=type(exc).__name__)
                await self._one_by_one(lane)
                return

    async def _one_by_one(self, lane: list[tuple[ConsumerRecord[Any, Any], Envelope]]) -> None:
        """Each message on its own, so a failing event is set aside like the live consumer parks it."""
        for record, event in lane:
            async with self._pool.acquire() as conn:
                try:
                    async with conn.transaction():
                        await self._record_and_handle(conn, record, event)
                except Exception as single:
                    if is_infrastructure_error(single):
                        raise
                    log.warning(
                        "rebuild_event_parked",
                        event_id=str(event.event_id),
                        error_type=type(single).__name__,
                    )
                    await self._record(conn, record, event, outcome="parked")

    async def _record(self, conn: Any, record: Any, event: Envelope, *, outcome: str = "processed") -> bool:
        first = await conn.fetchval(
            """insert into processed_events (event_id, event_type, topic, partition, "offset", outcome)
               values ($1, $2, $3, $4, $5, $6) on conflict (event_id) do nothing returning true""",
            event.event_id,
            event.event_type,
            record.topic,
            record.partition,
            record.offset,
            outcome,
        )
        return bool(first)

    async def _record_and_handle(self, conn: Any, record: Any, event: Envelope) -> None:
        if await self._record(conn, record, event):
            await check_tenant(conn, event)  # as the live consumer: a mismatch is parked, not applied
            await self._handle(conn, event)


async def _record_page(conn: Any, lane: list[tuple[ConsumerRecord[Any, Any], Envelope]]) -> list[Envelope]:
    """`_record` and `check_tenant` for a whole page in three statements: the events seen for the
    first time, in order. A tenant mismatch raises, so the caller applies the page one by one and
    parks the event as the live consumer does."""
    first: dict[Any, tuple[ConsumerRecord[Any, Any], Envelope]] = {}
    for record, event in lane:
        first.setdefault(event.event_id, (record, event))
    inserted = await conn.fetch(
        """insert into processed_events (event_id, event_type, topic, partition, "offset", outcome)
           select *, 'processed'
           from unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::bigint[])
               as page(event_id, event_type, topic, partition, "offset")
           order by event_id  -- copies of one event on partitions in two lanes: no deadlock
           on conflict (event_id) do nothing returning event_id""",
        [e.event_id for _, e in first.values()],
        [e.event_type for _, e in first.values()],
        [r.topic for r, _ in first.values()],
        [r.partition for r, _ in first.values()],
        [r.offset for r, _ in first.values()],
    )
    new = {r["event_id"] for r in inserted}
    fresh = [e for _, e in first.values() if e.event_id in new]
    bound = [(subject, e.tenant, e.event_id) for e in fresh for subject in tenant_bound_ids(e)]
    if bound:
        subjects, tenants, event_ids = (list(column) for column in zip(*bound, strict=True))
        await conn.execute(
            # in the order of the ids, as the live consumer's `record_batch`: lanes share pupils
            # and cases (a case's events sit on several topics), and rows inserted in each lane's
            # page order would deadlock; each id keeps the first event of the page that named it
            """insert into subject_tenants (subject_id, tenant, first_event_id)
               select distinct on (subject_id) subject_id, tenant, first_event_id
               from unnest($1::uuid[], $2::text[], $3::uuid[]) with ordinality
                   as bound(subject_id, tenant, first_event_id, n) order by subject_id, n
               on conflict (subject_id) do nothing""",
            subjects,
            tenants,
            event_ids,
        )
        others = await conn.fetchval(
            """select count(*) from unnest($1::uuid[], $2::text[]) as bound(subject_id, tenant)
               join subject_tenants using (subject_id) where subject_tenants.tenant <> bound.tenant""",
            subjects,
            tenants,
        )
        if others:
            raise TenantMismatch("the page names a pupil or case of another samenwerkingsverband")
    return fresh
