"""Idempotent consumption of contract events, with poison messages parked on a dead-letter topic.

Each message is handled in one PostgreSQL transaction that also records its `event_id`
(`processed_events`), so a redelivered message changes nothing. The offset is committed only
after that transaction (FastStream's ack after success). A message that is not a valid contract
event, or whose handling keeps failing after bounded retries, is published to the service's
dead-letter topic with the error in its headers, and the stream goes on. When the database
itself is unreachable the message is not parked but redelivered later (outages.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import uuid
from collections.abc import Awaitable, Callable, Sequence
from itertools import chain
from typing import Any, cast

import anyio
import asyncpg
import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import CommitFailedError, IllegalStateError
from aiokafka.structs import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from faststream.kafka.subscriber.usecase import BatchSubscriber
from faststream.security import BaseSecurity, SASLScram512
from pydantic import ValidationError

from meldcode_contracts import (
    Envelope,
    PersonalDataErased,
    UnknownEventType,
    UnsupportedSchemaVersion,
    dead_letter_topic,
    parse_event,
)
from meldcode_edge.logging import broker_logger, get_logger

from .kafka_connection import KafkaConnection
from .keystore import KeyNotCached, KeyStore, UnknownDataKey
from .metrics import ServiceMetrics
from .outages import is_infrastructure_error
from .sealing import open_event
from .settings import ServiceSettings
from .tracing import consuming_span

log = get_logger(__name__)

CONSUMER_SCHEMA = [
    """create table if not exists processed_events (
        event_id uuid primary key,
        event_type text not null,
        topic text not null,
        partition int not null,
        "offset" bigint not null,
        processed_at timestamptz not null default now()
    )""",
    "alter table processed_events add column if not exists outcome text not null default 'processed'",
    """create table if not exists subject_tenants (
        subject_id uuid primary key,
        tenant text not null,
        first_event_id uuid not null,
        first_seen_at timestamptz not null default now()
    )""",
]

Handler = Callable[[asyncpg.Connection, Envelope], Awaitable[None]]
BatchLocks = Callable[[asyncpg.Connection, Sequence[Envelope]], Awaitable[None]]
"""Takes, in a batch's transaction and before any of its events is handled, the locks that the
handler takes event by event, in one order: two replicas whose batches name the same aggregates
(a case's events sit on several topics, so on partitions of both) then wait for each other
instead of deadlocking, which would roll a whole batch back to be delivered again."""

# Up to this many messages, a batch whose keys are cached is decoded on the event loop (~50 µs each).
INLINE_DECODE_MAX = 16


class TenantMismatch(Exception):
    """An event names a pupil or case that this service knows under another samenwerkingsverband.

    Tenant isolation does not stop at the HTTP door: whatever a producer (or an attacker with
    access to a topic) puts on the wire, a pupil or case stays in the samenwerkingsverband of the
    first event that named it here. The event is parked at once, with this error, never applied.
    """


def tenant_bound_ids(event: Envelope) -> list[uuid.UUID]:
    """The aggregate ids an event binds to its tenant: its subject and the pupil/case it names."""
    ids = {event.subject_id}
    payload = getattr(event, "payload", None)
    for name in ("pupil_id", "case_id"):
        value = getattr(payload, name, None)
        if isinstance(value, uuid.UUID):
            ids.add(value)
    return sorted(ids)


async def check_tenant(conn: asyncpg.Connection, event: Envelope) -> None:
    """Inside the handling transaction: bind the event's ids to its tenant the first time they are
    seen, and refuse the event when any of them is already bound to another tenant."""
    ids = tenant_bound_ids(event)
    await conn.execute(
        """insert into subject_tenants (subject_id, tenant, first_event_id)
           select id, $2, $3 from unnest($1::uuid[]) as id
           on conflict (subject_id) do nothing""",
        ids,
        event.tenant,
        event.event_id,
    )
    others = await conn.fetchval(
        "select count(*) from subject_tenants where subject_id = any($1::uuid[]) and tenant <> $2",
        ids,
        event.tenant,
    )
    if others:
        raise TenantMismatch("the event names a pupil or case of another samenwerkingsverband")


# One statement per batch of distinct, not replayed events, inside the batch's transaction: record
# the event ids, bind the ids named by the events recorded for the first time to their tenant, and
# say which events are new and whether any names an id of another tenant (bound before, or by
# another event of this batch). The same as `_record_and_handle` + `check_tenant` per event.
RECORD_BATCH = """
with first_time as (
    insert into processed_events (event_id, event_type, topic, partition, "offset")
    select * from unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::bigint[])
    on conflict (event_id) do nothing
    returning event_id
),
named as (
    select n.subject_id, n.tenant, n.event_id, n.ordinality
    from unnest($6::uuid[], $7::text[], $8::uuid[]) with ordinality as n(subject_id, tenant, event_id, ordinality)
    where n.event_id in (select event_id from first_time)
),
bind as (
    insert into subject_tenants (subject_id, tenant, first_event_id)
    select distinct on (subject_id) subject_id, tenant, event_id from named
    order by subject_id, ordinality
    on conflict (subject_id) do nothing
)
select
    array(select event_id from first_time) as first_time,
    exists (
        select 1 from named n join subject_tenants s on s.subject_id = n.subject_id and s.tenant <> n.tenant
    ) or exists (
        select 1 from named a join named b on a.subject_id = b.subject_id and a.tenant <> b.tenant
    ) as mismatch
"""


async def record_batch(conn: asyncpg.Connection, events: Sequence[tuple[Envelope, Any]]) -> set[uuid.UUID]:
    """`RECORD_BATCH` for distinct, not replayed events with their records; the ids recorded for
    the first time.
    Raises `TenantMismatch` (the caller's transaction then changes nothing)."""
    named = [(i, event.tenant, event.event_id) for event, _ in events for i in tenant_bound_ids(event)]
    row = await conn.fetchrow(
        RECORD_BATCH,
        [event.event_id for event, _ in events],
        [event.event_type for event, _ in events],
        [record.topic for _, record in events],
        [record.partition for _, record in events],
        [record.offset for _, record in events],
        [subject_id for subject_id, _, _ in named],
        [tenant for _, tenant, _ in named],
        [event_id for _, _, event_id in named],
    )
    assert row is not None
    if row["mismatch"]:
        raise TenantMismatch("the event names a pupil or case of another samenwerkingsverband")
    return set(row["first_time"])


def error_summary(exc: BaseException) -> str:
    """What went wrong, for the dead-letter header: never the input values (they may be personal)."""
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['type']}" for e in exc.errors())
    sqlstate = getattr(exc, "sqlstate", None)
    return f"{type(exc).__name__}" + (f" (sqlstate {sqlstate})" if sqlstate else "")


REPLAY_HEADER = "x-replayed-from"
"""Set by `meldcode-<service> dead-letters replay`: `<dead-letter topic>:<partition>:<offset>`."""


def is_replay(record: Any) -> bool:
    return any(name == REPLAY_HEADER for name, _ in (record.headers or []))


def _decodable(record: ConsumerRecord[Any, Any]) -> ConsumerRecord[Any, Any]:
    # FastStream decodes every header as UTF-8 before the handler runs; a null or binary header
    # value would make it fail outside our handler, where nothing could park the message.
    headers = [(k, (v or b"").decode("utf-8", "replace").encode()) for k, v in (record.headers or [])]
    return dataclasses.replace(record, headers=headers)


async def tolerant_batch_parser(records: Any, original: Callable[[Any], Awaitable[Any]]) -> Any:
    return await original(tuple(_decodable(r) for r in records))


async def raw_body_decoder(message: Any, original: Callable[[Any], Awaitable[Any]]) -> Any:
    """Never decode bodies in FastStream: `EventConsumer` parses (and parks) them itself."""
    return message.body


class DeferredOffsetCommits:
    """What FastStream's ack commits through: the consumer's offsets, at most once per `interval`.

    FastStream commits after every handled batch; at a low rate a batch is one message, so each
    message costs an OffsetCommit round trip (and a write to `__consumer_offsets` in the broker),
    about half of the broker's CPU per message with three consumer groups. Here an ack snapshots
    the consumed positions (the batch just handled: the next `getmany` comes after the ack) and
    commits them at once only if the last commit is `interval` old; otherwise one commit of the
    newest snapshot is scheduled `interval` after the last. An idle consumer has nothing pending
    and no timer. Offsets only ever name handled messages; what a crash or a rebalance leaves
    uncommitted (at most `interval` of messages) is delivered again and recognised as a duplicate
    by `processed_events`. `seek` (FastStream's nack) goes to the consumer as before."""

    def __init__(self, consumer: AIOKafkaConsumer, interval_seconds: float) -> None:
        self._consumer = consumer
        self._interval = interval_seconds
        self._pending: dict[Any, int] | None = None
        self._last_commit = -float("inf")
        self._scheduled: asyncio.TimerHandle | None = None
        self._flushing: asyncio.Task[None] | None = None

    async def commit(self) -> None:
        assignment = self._consumer._subscription.subscription
        if assignment is None or assignment.assignment is None:
            return
        self._pending = assignment.assignment.all_consumed_offsets()
        loop = asyncio.get_running_loop()
        due = self._last_commit + self._interval - loop.time()
        if due <= 0:
            await self.flush()
        elif self._scheduled is None:
            self._scheduled = loop.call_later(due, self._flush_later)

    def seek(self, partition: Any, offset: int) -> None:
        self._consumer.seek(partition, offset)

    def _flush_later(self) -> None:
        self._scheduled = None
        self._flushing = asyncio.ensure_future(self.flush())

    async def flush(self) -> None:
        """Commit the newest snapshot (what is still assigned of it); a commit refused because the
        group rebalanced is dropped: the partition's next owner reads from the last commit."""
        if self._scheduled is not None:
            self._scheduled.cancel()
            self._scheduled = None
        offsets, self._pending = self._pending, None
        if not offsets:
            return
        self._last_commit = asyncio.get_running_loop().time()
        assigned = self._consumer.assignment()
        offsets = {tp: offset for tp, offset in offsets.items() if tp in assigned}
        if not offsets:
            return
        try:
            await self._consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError) as exc:
            log.info("consumer_commit_skipped", error_type=type(exc).__name__)


class DataWokenBatchSubscriber(BatchSubscriber):
    """FastStream's batch subscriber, woken by data instead of a timer.

    FastStream's own `get_msg` waits `batch_timeout_ms` in aiokafka's `getmany` and, when that
    brought nothing, sleeps as long again: a message that arrives during the sleep waits for it
    (on average a quarter of the cycle), and an idle consumer wakes twice per cycle. Here an empty
    `getmany` is simply asked again: aiokafka's `getmany` returns as soon as its background fetch
    (the broker's long poll, `fetch_max_wait_ms`) brings a record, so the wait timeout only bounds
    how late the loop sees that the subscriber is stopping."""

    __slots__ = ()
    commit_interval_seconds: float = 0.0
    """> 0: offsets are committed through `DeferredOffsetCommits` (set on each consumer's instance)."""

    async def get_msg(self, consumer: AIOKafkaConsumer) -> tuple[ConsumerRecord[Any, Any], ...]:
        while self.running:
            messages = await consumer.getmany(timeout_ms=self.batch_timeout_ms, max_records=self.max_records)
            if messages:
                return tuple(chain(*messages.values()))
        return ()

    async def start(self) -> None:
        await super().start()
        # before the consume task (added by start) first runs: acks commit through the deferral
        if self.commit_interval_seconds > 0 and self.consumer is not None:
            self.parser._setup(DeferredOffsetCommits(self.consumer, self.commit_interval_seconds))

    async def stop(self) -> None:
        committer = self.parser._consumer
        if isinstance(committer, DeferredOffsetCommits) and self.consumer is not None:
            with contextlib.suppress(Exception):
                await committer.flush()
        await super().stop()


class EventConsumer:
    """Routes the contract events of `topics` to `handle`, exactly once in effect."""

    def __init__(
        self,
        *,
        settings: ServiceSettings,
        service: str,
        topics: Sequence[str],
        handle: Handler,
        pool: asyncpg.Pool,
        dlq_producer: AIOKafkaProducer,
        keystore: KeyStore | None = None,
        metrics: ServiceMetrics | None = None,
        lock_batch: BatchLocks | None = None,
    ) -> None:
        self._keystore = keystore
        self._lock_batch = lock_batch
        self._metrics = metrics or ServiceMetrics()
        self._kafka_consumer: Callable[[], AIOKafkaConsumer | None] = lambda: None
        self._lag_labels: set[tuple[str, str, str]] = set()
        self._settings = settings
        self._service = service
        self._handle = handle
        self._pool = pool
        self._dlq_producer = dlq_producer
        self.dead_letter_topic = settings.topic(dead_letter_topic(service))
        self.topics = [settings.topic(t) for t in topics]
        self.group_id = settings.group(f"meldcode-{service}")

    def register(self, broker: KafkaBroker) -> None:
        subscriber = broker.subscriber(
            *self.topics,
            group_id=self.group_id,
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.NACK_ON_ERROR,
            batch=True,
            max_records=self._settings.consumer_batch_size,
            batch_timeout_ms=self._settings.consumer_poll_wait_ms,
            parser=tolerant_batch_parser,
            decoder=raw_body_decoder,
            title=f"{self._service}-consumer",
        )
        # FastStream builds the subscriber; only how it waits for a batch is ours (see the class)
        assert isinstance(subscriber, BatchSubscriber)
        subscriber.__class__ = DataWokenBatchSubscriber
        woken = cast(DataWokenBatchSubscriber, subscriber)
        woken.commit_interval_seconds = self._settings.consumer_commit_interval_ms / 1000

        @subscriber
        async def consume(message: KafkaMessage) -> None:
            await self.process_batch(list(message.raw_message))

        self._kafka_consumer = lambda: getattr(subscriber, "consumer", None)
        self._metrics.on_scrape(f"consumer_lag:{self.group_id}", self.measure_lag)

    async def measure_lag(self) -> None:
        """`meldcode_consumer_lag` of each assigned partition: highwater - position, as far as the
        consumer knows them (a partition not fetched from yet has no highwater and is left out)."""
        consumer = self._kafka_consumer()
        if consumer is None:  # not started yet, or stopped
            return
        measured: set[tuple[str, str, str]] = set()
        for tp in consumer.assignment():
            highwater = consumer.highwater(tp)
            if highwater is None:
                continue
            position = await asyncio.wait_for(consumer.position(tp), 1.0)
            labels = (self.group_id, tp.topic, str(tp.partition))
            self._metrics.consumer_lag.labels(*labels).set(max(highwater - position, 0))
            measured.add(labels)
        for gone in self._lag_labels - measured:  # partitions another replica took over
            self._metrics.consumer_lag.remove(*gone)
        self._lag_labels = measured

    async def process_batch(self, records: list[Any]) -> list[str]:
        """Handle what one poll returned: in one transaction when every message is fine (one commit,
        one offset commit); otherwise message by message, so retries and parking keep their order.
        Replays of parked messages (rare, an operator's act) go message by message too."""
        if any(is_replay(record) for record in records):
            return [await self.process(record.value or b"", record) for record in records]
        try:
            return await self._apply_batch(records)
        except Exception as exc:
            if is_infrastructure_error(exc):
                log.warning(
                    "consumer_infrastructure_unavailable", batch=len(records), error=error_summary(exc)
                )
                await asyncio.sleep(1.0)
                raise  # nothing was committed: the whole batch is delivered again
            log.info("consumer_batch_split", batch=len(records), error_type=type(exc).__name__)
            return [await self.process(record.value or b"", record) for record in records]

    def _decode(self, value: bytes) -> Envelope:
        """The contract event, its sealed personal fields opened (ADR 10). On `PersonalDataErased` the
        process forgets the pupil's cached key at once, so no later message (of this batch either)
        opens with it."""
        if self._keystore is None:
            return parse_event(value)
        event = open_event(value, self._keystore)
        if isinstance(event, PersonalDataErased):
            self._keystore.forget(event.payload.pupil_id)
        return event

    def _decode_known(self, record: Any) -> Envelope | UnknownEventType:
        """`_decode`, or what names an event type this version does not know: a newer producer may
        add types before its consumers are upgraded (ADR 15), so such a message is skipped and
        counted (`_skip`), not parked."""
        try:
            return self._decode(record.value or b"")
        except UnknownEventType as unknown:
            return unknown

    def _skip(self, record: Any, unknown: UnknownEventType) -> str:
        self._metrics.unknown_events_skipped.labels(self.group_id, record.topic, unknown.event_type).inc()
        log.warning(
            "unknown_event_type_skipped",
            event_type=unknown.event_type,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
        )
        return "skipped"

    async def _decode_batch(self, records: list[Any]) -> list[Envelope | UnknownEventType]:
        """`_decode_known` of every record. A small batch whose keys this process holds is decoded
        on the event loop (no worker-thread hop on the latency path: the common case of a few
        events at a time); a large one, or one that needs a key read, in a worker thread."""
        if len(records) <= INLINE_DECODE_MAX:
            try:
                with self._keystore.cache_only() if self._keystore else contextlib.nullcontext():
                    return [self._decode_known(r) for r in records]
            except KeyNotCached:
                pass  # decoded again below, reading the key
        return await anyio.to_thread.run_sync(lambda: [self._decode_known(r) for r in records])

    async def _apply_batch(self, records: list[Any]) -> list[str]:
        decoded = await self._decode_batch(records)
        outcomes: dict[int, str] = {}
        first_of: dict[uuid.UUID, int] = {}  # a message delivered twice in one batch is one event
        for index, event in enumerate(decoded):
            if not isinstance(event, UnknownEventType):
                first_of.setdefault(event.event_id, index)
        async with self._pool.acquire() as conn, conn.transaction():
            connection = cast(asyncpg.Connection, conn)
            unique = [(cast(Envelope, decoded[i]), records[i]) for i in first_of.values()]
            first_time = await record_batch(connection, unique) if unique else set()
            if self._lock_batch is not None and first_time:
                await self._lock_batch(connection, [e for e, _ in unique if e.event_id in first_time])
            for index, (record, event) in enumerate(zip(records, decoded, strict=True)):
                if isinstance(event, UnknownEventType):
                    continue
                if event.event_id not in first_time or first_of[event.event_id] != index:
                    outcomes[index] = "duplicate"
                    continue
                with (
                    consuming_span(record, event.event_id),
                    structlog.contextvars.bound_contextvars(
                        event_id=str(event.event_id), correlation_id=event.correlation_id
                    ),
                ):
                    await self._handle(connection, event)
                outcomes[index] = "processed"
        for index, (record, event) in enumerate(zip(records, decoded, strict=True)):
            if isinstance(event, UnknownEventType):
                outcomes[index] = self._skip(record, event)
            elif outcomes[index] == "processed":
                log.info("event_processed", event_id=str(event.event_id), event_type=event.event_type)
        return [outcomes[index] for index in range(len(records))]

    async def process(self, value: bytes, record: Any) -> str:
        """Handle one raw message; returns 'processed', 'duplicate', 'parked' or 'skipped'."""
        where = {"topic": record.topic, "partition": record.partition, "offset": record.offset}
        try:
            event = await anyio.to_thread.run_sync(self._decode_known, record)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['type']}" for e in exc.errors())
            await self._park(value, record, f"invalid contract event: {problems}"[:1000])
            return "parked"
        except UnsupportedSchemaVersion as exc:
            await self._park(value, record, str(exc)[:1000])
            return "parked"
        except (ValueError, UnknownDataKey) as exc:
            await self._park(value, record, f"sealed fields do not open: {type(exc).__name__}")
            return "parked"
        if isinstance(event, UnknownEventType):
            return self._skip(record, event)
        with (
            consuming_span(record, event.event_id),
            structlog.contextvars.bound_contextvars(
                event_id=str(event.event_id), correlation_id=event.correlation_id, **where
            ),
        ):
            return await self._process_event(value, record, event)

    async def _process_event(self, value: bytes, record: Any, event: Envelope) -> str:
        where = {"topic": record.topic, "partition": record.partition, "offset": record.offset}
        last_error: Exception | None = None
        for attempt in range(1, self._settings.consumer_max_attempts + 1):
            try:
                return await self._apply(event, record)
            except Exception as exc:
                if is_infrastructure_error(exc):
                    log.warning("consumer_infrastructure_unavailable", error=error_summary(exc), **where)
                    await asyncio.sleep(1.0)
                    raise  # not the message's fault: leave it uncommitted, it is delivered again
                last_error = exc
                if isinstance(exc, TenantMismatch):
                    log.error("consumer_tenant_mismatch", event_id=str(event.event_id), **where)
                    break  # no retry changes whose the pupil or case is
                log.warning(
                    "consumer_attempt_failed",
                    attempt=attempt,
                    event_id=str(event.event_id),
                    error_type=type(exc).__name__,
                    **where,
                )
                await asyncio.sleep(self._settings.consumer_retry_backoff_seconds * 2 ** (attempt - 1))
        assert last_error is not None
        await self._park(value, record, error_summary(last_error)[:1000], event)
        await self._remember_parked(event, record)
        return "parked"

    async def _remember_parked(self, event: Envelope, record: Any) -> None:
        """A parked event counts as handled: a redelivery must not park it a second time."""
        async with self._pool.acquire() as conn:
            await conn.execute(
                """insert into processed_events (event_id, event_type, topic, partition, "offset", outcome)
                   values ($1, $2, $3, $4, $5, 'parked') on conflict (event_id) do nothing""",
                event.event_id,
                event.event_type,
                record.topic,
                record.partition,
                record.offset,
            )

    async def _apply(self, event: Envelope, record: Any) -> str:
        async with self._pool.acquire() as conn, conn.transaction():
            # The pool's proxy forwards every Connection method; handlers are typed against Connection.
            outcome = await self._record_and_handle(cast(asyncpg.Connection, conn), event, record)
        if outcome == "processed":
            log.info("event_processed", event_id=str(event.event_id), event_type=event.event_type)
        return outcome

    async def _record_and_handle(self, conn: asyncpg.Connection, event: Envelope, record: Any) -> str:
        """Inside the caller's transaction: remember the event id, then apply the event once. An event
        that was parked is applied again only when it comes back as a replay (`deadletters.py`)."""
        first_time = await conn.fetchval(
            """insert into processed_events (event_id, event_type, topic, partition, "offset")
               values ($1, $2, $3, $4, $5)
               on conflict (event_id) do update
                   set outcome = 'processed', topic = excluded.topic, partition = excluded.partition,
                       "offset" = excluded."offset", processed_at = now()
                   where processed_events.outcome = 'parked' and $6
               returning true""",
            event.event_id,
            event.event_type,
            record.topic,
            record.partition,
            record.offset,
            is_replay(record),
        )
        if not first_time:
            return "duplicate"
        await check_tenant(conn, event)
        await self._handle(conn, event)
        return "processed"

    async def _park(self, value: bytes, record: Any, error: str, event: Envelope | None = None) -> None:
        headers = [
            ("x-error", error.encode()),
            ("x-original-topic", record.topic.encode()),
            ("x-original-partition", str(record.partition).encode()),
            ("x-original-offset", str(record.offset).encode()),
            ("x-service", self._service.encode()),
        ]
        await (
            await self._dlq_producer.send(
                self.dead_letter_topic, value=value, key=record.key, headers=headers
            )
        )
        self._metrics.dead_letters_parked.labels(self.group_id, record.topic).inc()
        log.error(
            "message_parked",
            dead_letter_topic=self.dead_letter_topic,
            event_id=str(event.event_id) if event else None,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
        )


def faststream_security(kafka: KafkaConnection) -> BaseSecurity | None:
    """How FastStream's KafkaBroker connects (`security=`), from the same settings as every other client."""
    if kafka.sasl:
        assert kafka.username and kafka.password  # checked by KafkaConnection
        return SASLScram512(
            kafka.username, kafka.password, ssl_context=kafka.ssl_context(), use_ssl=kafka.tls
        )
    if kafka.tls:
        return BaseSecurity(ssl_context=kafka.ssl_context(), use_ssl=True)
    return None


def consumer_broker(
    settings: ServiceSettings, service: str, metrics: ServiceMetrics | None = None
) -> KafkaBroker:
    """FastStream's own Prometheus metrics (`faststream_received_messages_total`, ...) go into the
    service's registry; its OpenTelemetry middleware spans each batch; its log lines are JSON."""
    middlewares: list[Any] = [KafkaTelemetryMiddleware()]
    if metrics is not None:
        middlewares.append(KafkaPrometheusMiddleware(registry=metrics.registry, app_name=service))
    return KafkaBroker(
        # a list: FastStream would take "host:port,host:port" (a replicated cluster, ADR 27) as one host
        settings.kafka_bootstrap_servers.split(","),
        security=faststream_security(settings.kafka),
        client_id=f"meldcode-{service}",
        graceful_timeout=15.0,
        logger=broker_logger(),
        middlewares=middlewares,
    )
