"""The outbox relay: from an eventsourcing application's notification log to a Kafka topic.

The stored-events table of the application *is* the outbox: an HTTP command only writes to
PostgreSQL (no dual write). This relay follows the notification log in order, translates each
domain event into its contract event, publishes it with the idempotent producer and, once the
broker has acknowledged the whole batch, records how far it got. After a crash it resumes from
the last recorded position: at most one batch is published again, with the same `event_id`s,
which consumers de-duplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import anyio
import asyncpg
from aiokafka import AIOKafkaProducer
from asyncpg.pool import PoolConnectionProxy
from eventsourcing.application import Application

from meldcode_contracts import Actor, Envelope, serialize_event
from meldcode_edge.logging import get_logger

from .keystore import KeyStore
from .metrics import ServiceMetrics
from .outages import is_infrastructure_error
from .sealing import seal_event
from .tracing import TRACE_CONTEXT_SCHEMA, publishing_span

log = get_logger(__name__)

EVENT_ID_NAMESPACE = uuid.UUID("5f1c7a52-5b0e-4d8a-9f57-6f0e0d1c2a10")

RELAY_SCHEMA = [
    """create table if not exists outbox_relay_position (
        relay text primary key,
        position bigint not null,
        updated_at timestamptz not null default now()
    )""",
    *TRACE_CONTEXT_SCHEMA,
]

Translate = Callable[[Any], Envelope | None]


def contract_event_id(originator_id: uuid.UUID, originator_version: int) -> uuid.UUID:
    """A stable id per stored domain event, so a republished event is recognised as the same."""
    return uuid.uuid5(EVENT_ID_NAMESPACE, f"{originator_id}:{originator_version}")


def envelope_fields(domain_event: Any, *, subject_id: uuid.UUID) -> dict[str, Any]:
    """The envelope of a contract event, from a domain event that records its tenant, school and
    actor (`tenant`, `school`, `actor_id`, `actor_role`, `correlation_id` attributes)."""
    return {
        "event_id": contract_event_id(domain_event.originator_id, domain_event.originator_version),
        "occurred_at": domain_event.timestamp,
        "recorded_at": domain_event.timestamp,
        "tenant": domain_event.tenant,
        "school": domain_event.school,
        "subject_id": subject_id,
        "actor": Actor(user_id=domain_event.actor_id, role=domain_event.actor_role),
        "correlation_id": domain_event.correlation_id,
        "causation_id": domain_event.correlation_id,
        "sequence": domain_event.originator_version,
    }


class RelayLoop:
    """Runs `relay_once` until `stop()`: transient failures are retried with backoff, never skipped.
    With several replicas of a service, one relay works at a time (a PostgreSQL advisory lock held
    on its own connection); the others wait to take over.

    With a `wake_channel`, the relay LISTENs on it (on the lock's connection) and is woken by the
    NOTIFY that the writing transaction sends at commit; after an empty batch it waits for that, or
    at most `idle_seconds` (the safety poll: a notification lost with a dropped connection, or a
    writer that does not notify, still gets relayed). Without a channel it polls every `idle_seconds`.
    """

    retry_log_event = "outbox_relay_retry"

    def __init__(
        self,
        *,
        name: str,
        producer: AIOKafkaProducer,
        pool: asyncpg.Pool,
        batch_size: int = 200,
        idle_seconds: float = 1.0,
        wake_channel: str | None = None,
        metrics: ServiceMetrics | None = None,
    ) -> None:
        self.name = name
        self._wake_channel = wake_channel
        self._woken = asyncio.Event()
        self._metrics = metrics or ServiceMetrics()
        self._producer = producer
        self._pool = pool
        self._batch_size = batch_size
        self._idle = idle_seconds
        self._stopping = asyncio.Event()

    async def relay_once(self) -> int:
        """Publish the next batch; returns how many were handled (0 = nothing to do)."""
        raise NotImplementedError

    async def run(self) -> None:
        """Relay while holding the lock; when the lock's connection is lost (a database restart ends
        the session and so releases the lock), stop relaying and compete for the lock again, so two
        replicas never relay at once for long."""
        backoff = 0.1
        while not self._stopping.is_set():
            try:
                async with self._pool.acquire() as lock_connection:
                    if not await self._try_lock(lock_connection):
                        await self._pause(1.0)
                        continue
                    log.info("outbox_relay_lock_taken", relay=self.name)
                    self.lock_taken()
                    try:
                        await self._relay_while_locked(lock_connection)
                    finally:
                        with contextlib.suppress(Exception):
                            await lock_connection.execute(
                                "select pg_advisory_unlock(hashtext($1))", self.name
                            )
                backoff = 0.1
            except Exception as exc:
                # never give up: a relay that stopped would leave stored events unpublished silently
                level = log.warning if is_infrastructure_error(exc) else log.error
                level(self.retry_log_event, relay=self.name, error_type=type(exc).__name__)
                await self._pause(backoff)
                backoff = min(backoff * 2, 5.0)

    def lock_taken(self) -> None:
        """Called when this relay (again) holds the lock: forget what another one may have changed."""

    async def _try_lock(self, connection: PoolConnectionProxy[Any]) -> bool:
        return bool(await connection.fetchval("select pg_try_advisory_lock(hashtext($1))", self.name))

    def _wake(self, *_: object) -> None:
        self._woken.set()

    async def _relay_while_locked(self, lock_connection: PoolConnectionProxy[Any]) -> None:
        """Relay until stopped, or until a failure finds the lock's connection gone."""
        if self._wake_channel is None:
            return await self._relay_loop(lock_connection)
        await lock_connection.add_listener(self._wake_channel, self._wake)
        try:
            await self._relay_loop(lock_connection)
        finally:
            with contextlib.suppress(Exception):
                await lock_connection.remove_listener(self._wake_channel, self._wake)

    async def _relay_loop(self, lock_connection: PoolConnectionProxy[Any]) -> None:
        backoff = 0.0
        while not self._stopping.is_set():
            # cleared before reading: a commit notified while this batch is read wakes the next wait
            self._woken.clear()
            try:
                handled = await self.relay_once()
                backoff = 0.0
            except Exception as exc:
                log.warning(self.retry_log_event, relay=self.name, error_type=type(exc).__name__)
                backoff = min(max(backoff * 2, 0.1), 5.0)
                if is_infrastructure_error(exc):
                    await lock_connection.fetchval("select 1", timeout=2)  # raises when the lock is lost
                await self._pause(backoff)
                continue
            if not handled or self._caught_up(handled):
                await self._wait_for_wake(self._idle)

    def _caught_up(self, handled: int) -> bool:
        """A batch shorter than the batch size read everything committed when it was read; with a
        wake channel, anything committed since has notified (`_woken` was cleared before the read),
        so without a notification there is nothing to read and no empty read is needed to see so."""
        return self._wake_channel is not None and handled < self._batch_size and not self._woken.is_set()

    async def _wait_for_wake(self, seconds: float) -> None:
        """Until a NOTIFY on the wake channel, `stop()`, or `seconds` (the safety poll)."""
        waits = [asyncio.ensure_future(self._stopping.wait()), asyncio.ensure_future(self._woken.wait())]
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)

    def stop(self) -> None:
        self._stopping.set()


class OutboxRelay(RelayLoop):
    def __init__(
        self,
        *,
        name: str,
        application: Application[Any],
        translate: Translate,
        topic: str,
        producer: AIOKafkaProducer,
        pool: asyncpg.Pool,
        keystore: KeyStore | None = None,
        batch_size: int = 200,
        idle_seconds: float = 1.0,
        metrics: ServiceMetrics | None = None,
    ) -> None:
        super().__init__(
            name=name,
            producer=producer,
            pool=pool,
            batch_size=batch_size,
            idle_seconds=idle_seconds,
            # eventsourcing's PostgreSQL recorder NOTIFYs this channel in every writing transaction
            wake_channel=getattr(application.recorder, "channel_name", None),
            metrics=metrics,
        )
        self._app = application
        self._translate = translate
        self._topic = topic
        self._keystore = keystore
        self._known_position: int | None = None  # what this relay last saved; only it writes while locked
        self._metrics.on_scrape(f"relay_lag:{name}", self.measure_lag)

    async def measure_lag(self) -> None:
        """`meldcode_relay_lag`: the store's newest notification id minus the recorded position."""
        newest = await anyio.to_thread.run_sync(self._app.recorder.max_notification_id)
        self._metrics.relay_lag.labels(self.name).set(max((newest or 0) - await self.position(), 0))

    def _serialize(self, event: Envelope) -> bytes:
        return serialize_event(event) if self._keystore is None else seal_event(event, self._keystore)

    def _prepare(
        self, notifications: Sequence[Any]
    ) -> tuple[list[tuple[int, Envelope | None, bytes]], Exception | None]:
        """Stored events -> contract events with sealed bytes, up to the first that fails. Runs in a
        worker thread: opening and sealing may read the key store."""
        prepared: list[tuple[int, Envelope | None, bytes]] = []
        for notification in notifications:
            try:
                domain_event = self._app.mapper.to_domain_event(notification)
                contract_event = self._translate(domain_event)
                value = b"" if contract_event is None else self._serialize(contract_event)
            except Exception as exc:
                # A stored event that cannot become a contract event is a bug: stop *behind* it
                # (order per key is kept, nothing after it overtakes it) and say so loudly.
                log.error(
                    "outbox_event_not_translatable",
                    relay=self.name,
                    notification_id=notification.id,
                    originator_id=str(notification.originator_id),
                    originator_version=notification.originator_version,
                    error_type=type(exc).__name__,
                )
                return prepared, exc
            prepared.append((notification.id, contract_event, value))
        return prepared, None

    def _read_and_prepare(
        self, start: int
    ) -> tuple[Sequence[Any], tuple[list[tuple[int, Envelope | None, bytes]], Exception | None]]:
        """The notifications after `start` (up to a batch) and `_prepare` of them; in a worker thread."""
        notifications = self._app.recorder.select_notifications(
            start, self._batch_size, inclusive_of_start=False
        )
        return notifications, (self._prepare(notifications) if notifications else ([], None))

    def lock_taken(self) -> None:
        self._known_position = None

    async def position(self) -> int:
        async with self._pool.acquire() as conn:
            value = await conn.fetchval(
                "select position from outbox_relay_position where relay = $1", self.name
            )
        return int(value or 0)

    async def _save_position(self, position: int, forget: Sequence[Any] = ()) -> None:
        """Record how far the relay got and, in the same statement (one commit), forget the trace
        contexts of the notifications `forget` that are now published."""
        async with self._pool.acquire() as conn:
            await conn.execute(
                """with forgotten as (
                       delete from event_trace_context
                       where (originator_id, originator_version) in
                             (select * from unnest($3::uuid[], $4::bigint[]))
                   )
                   insert into outbox_relay_position (relay, position) values ($1, $2)
                   on conflict (relay) do update
                   set position = greatest(outbox_relay_position.position, excluded.position), updated_at = now()""",
                self.name,
                position,
                [n.originator_id for n in forget],
                [n.originator_version for n in forget],
            )

    async def _trace_contexts(self, notifications: Sequence[Any]) -> dict[int, dict[str, str]]:
        """The trace context stored with each notification's event (`tracing`), by notification id."""
        by_event = {(n.originator_id, n.originator_version): n.id for n in notifications}
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                """select originator_id, originator_version, traceparent, tracestate
                   from event_trace_context
                   where (originator_id, originator_version) in
                         (select * from unnest($1::uuid[], $2::bigint[]))""",
                [n.originator_id for n in notifications],
                [n.originator_version for n in notifications],
            )
        contexts = {}
        for row in rows:
            carrier = {"traceparent": row["traceparent"]}
            if row["tracestate"]:
                carrier["tracestate"] = row["tracestate"]
            contexts[by_event[(row["originator_id"], row["originator_version"])]] = carrier
        return contexts

    async def relay_once(self) -> int:
        """Publish the next batch; returns how many notifications were handled."""
        start = self._known_position if self._known_position is not None else await self.position()
        # read and prepare in one worker thread (one hop per batch, not two)
        notifications, (prepared, failure) = await anyio.to_thread.run_sync(self._read_and_prepare, start)
        if not notifications:
            self._known_position = start
            return 0
        deliveries = []
        last_good = start
        trace_contexts = await self._trace_contexts(notifications)
        for notification_id, contract_event, value in prepared:
            if contract_event is not None:  # None: internal events (e.g. index aggregates) stay inside
                with publishing_span(self._topic, trace_contexts.get(notification_id, {})) as trace_headers:
                    deliveries.append(
                        await self._producer.send(
                            self._topic,
                            value=value,
                            key=str(contract_event.subject_id).encode(),
                            headers=[("event_type", contract_event.event_type.encode()), *trace_headers],
                        )
                    )
            last_good = notification_id
        await asyncio.gather(*deliveries)
        self._metrics.relay_published.labels(self.name, self._topic).inc(len(deliveries))
        if last_good > start:
            published = [n for n in notifications if n.id <= last_good] if trace_contexts else []
            await self._save_position(last_good, published)
            self._known_position = last_good
        if failure is not None:
            raise failure
        log.debug("outbox_relayed", relay=self.name, count=len(deliveries), position=last_good)
        return len(notifications)
