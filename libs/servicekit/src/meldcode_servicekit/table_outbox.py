"""A transactional outbox *table* and its relay, for services whose own events are not event-sourced.

A service writes the contract event into `event_outbox` in the same PostgreSQL transaction as the
change it reports (`enqueue_event`), never to Kafka directly. `TableOutboxRelay` publishes the rows
in order of their position with the idempotent producer, waits for every acknowledgement, and only
then marks them published. A crash between the acknowledgement and the mark republishes at most
one batch with the same `event_id`s, which consumers de-duplicate (ADR 3). The event id is chosen
by the caller from a natural key (e.g. uuid5 of a delivery id), so enqueueing twice is one row.

`sequence` of the envelope is the row's position: monotonic per service (not per subject).

The row keeps the trace context current when it was enqueued (e.g. of the consumed event that
caused it), and the relay sends it on in the Kafka headers (`tracing`).

The enqueueing transaction NOTIFYs `OUTBOX_CHANNEL`, which wakes the relay at its commit (PostgreSQL
delivers a notification only when, and if, the transaction commits).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from fastapi import FastAPI

from meldcode_contracts import Envelope, serialize_event
from meldcode_edge.logging import get_logger

from .kafka import ensure_topics, idempotent_producer
from .metrics import metrics_of
from .outbox import RelayLoop
from .settings import ServiceSettings
from .tracing import current_carrier, publishing_span

log = get_logger(__name__)

OUTBOX_CHANNEL = "meldcode_event_outbox"

TABLE_OUTBOX_SCHEMA = [
    """create table if not exists event_outbox (
        position bigserial primary key,
        event_id uuid not null unique,
        event_type text not null,
        topic text not null,
        key bytea not null,
        value bytea not null,
        created_at timestamptz not null default now(),
        published_at timestamptz
    )""",
    "create index if not exists event_outbox_unpublished on event_outbox (position) where published_at is null",
    "alter table event_outbox add column if not exists traceparent text",
    "alter table event_outbox add column if not exists tracestate text",
]


async def enqueue_event(
    conn: asyncpg.Connection, topic: str, build: Callable[[int], Envelope]
) -> Envelope | None:
    """Insert the event that `build(sequence)` returns, inside the caller's transaction.

    Returns the event, or None when an event with its id was enqueued before (idempotent).
    `topic` is the full topic name (with the service's prefix).
    """
    position = int(
        await conn.fetchval(
            "select nextval(pg_get_serial_sequence('event_outbox', 'position')) from pg_notify($1, '')",
            OUTBOX_CHANNEL,
        )
    )
    event = build(position)
    trace_context = current_carrier()
    inserted = await conn.fetchval(
        """insert into event_outbox (position, event_id, event_type, topic, key, value, traceparent, tracestate)
           values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (event_id) do nothing returning true""",
        position,
        event.event_id,
        event.event_type,
        topic,
        str(event.subject_id).encode(),
        serialize_event(event),
        trace_context.get("traceparent"),
        trace_context.get("tracestate"),
    )
    return event if inserted else None


class TableOutboxRelay(RelayLoop):
    """Publishes `event_outbox` rows in order; one relay per service works at a time (advisory lock)."""

    retry_log_event = "table_outbox_retry"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(wake_channel=OUTBOX_CHANNEL, **kwargs)
        self._metrics.on_scrape(f"outbox_backlog:{self.name}", self.measure_backlog)

    async def measure_backlog(self) -> None:
        """`meldcode_outbox_backlog`: rows not yet published."""
        async with self._pool.acquire() as conn:
            backlog = await conn.fetchval("select count(*) from event_outbox where published_at is null")
        self._metrics.outbox_backlog.labels(self.name).set(backlog)

    async def relay_once(self) -> int:
        """Publish the next batch of unpublished rows; returns how many were published."""
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                """select position, event_id, event_type, topic, key, value, traceparent, tracestate
                   from event_outbox where published_at is null order by position limit $1""",
                self._batch_size,
            )
        if not rows:
            return 0
        deliveries = []
        for row in rows:
            trace_context = {k: row[k] for k in ("traceparent", "tracestate") if row[k]}
            with publishing_span(row["topic"], trace_context) as trace_headers:
                deliveries.append(
                    await self._producer.send(
                        row["topic"],
                        value=bytes(row["value"]),
                        key=bytes(row["key"]),
                        headers=[("event_type", row["event_type"].encode()), *trace_headers],
                    )
                )
        await asyncio.gather(*deliveries)
        for row in rows:
            self._metrics.relay_published.labels(self.name, row["topic"]).inc()
        async with self._pool.acquire() as conn:
            await conn.execute(
                "update event_outbox set published_at = now() where position = any($1::bigint[])",
                [row["position"] for row in rows],
            )
        log.debug("table_outbox_relayed", relay=self.name, count=len(rows))
        return len(rows)


@asynccontextmanager
async def table_outbox_relay(
    app: FastAPI, settings: ServiceSettings, *, name: str, topics: list[str]
) -> AsyncIterator[TableOutboxRelay]:
    """Relay the service's `event_outbox` in the background (needs `runtime.database` first and
    `TABLE_OUTBOX_SCHEMA` in the schema). `topics` are created if missing."""
    await ensure_topics(settings.kafka, topics)
    producer = idempotent_producer(settings.kafka, f"meldcode-{name}-table-relay", linger_ms=0)
    await producer.start()
    relay = TableOutboxRelay(
        name=name,
        producer=producer,
        pool=app.state.pool,
        batch_size=settings.relay_batch_size,
        idle_seconds=settings.relay_idle_seconds,
        metrics=metrics_of(app),
    )
    task: asyncio.Task[Any] = asyncio.create_task(relay.run(), name=f"table-outbox-{name}")
    try:
        yield relay
    finally:
        relay.stop()
        await task
        await producer.stop()
