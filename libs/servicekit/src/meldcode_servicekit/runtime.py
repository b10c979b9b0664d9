"""Lifespan building blocks: each service's bootstrap composes the ones it needs.

    async with AsyncExitStack() as stack:
        await stack.enter_async_context(database(app, settings, MIGRATIONS))
        await stack.enter_async_context(event_consumer(app, settings, service="reporting", ...))
        yield

Everything connects inside the lifespan, never at import time, and everything is closed in
reverse order on shutdown: consumers first finish their in-flight message (graceful), then the
relay stops after its current batch, then the pools close.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import anyio
from eventsourcing.application import Application
from fastapi import FastAPI

from meldcode_edge.db import apply_schema, create_pool
from meldcode_edge.logging import get_logger
from meldcode_edge.migrations import Migrations, migrate_pool

from .consuming import CONSUMER_SCHEMA, BatchLocks, EventConsumer, Handler, consumer_broker
from .kafka import ensure_topics, idempotent_producer
from .keystore import KeyStore, connect_key_store
from .metrics import metrics_of
from .outbox import RELAY_SCHEMA, OutboxRelay, Translate
from .settings import ServiceSettings

log = get_logger(__name__)


@asynccontextmanager
async def database(
    app: FastAPI,
    settings: ServiceSettings,
    migrations: Migrations | None = None,
    *,
    schema: Sequence[str] = (),
) -> AsyncIterator[None]:
    """`app.state.pool`: an asyncpg pool on the service's database, with the kit's tables (`schema`
    beside the relay's and the consumers') and the service's own `migrations` applied (both only
    when connected as the owner, ADR 16)."""
    app.state.pool = await create_pool(settings.database_url, connections=settings)
    try:
        await apply_schema(app.state.pool, [*RELAY_SCHEMA, *CONSUMER_SCHEMA, *schema])
        if migrations is not None:
            await migrate_pool(app.state.pool, migrations)
        yield
    finally:
        await app.state.pool.close()


@asynccontextmanager
async def key_store(app: FastAPI, settings: ServiceSettings) -> AsyncIterator[KeyStore]:
    """`app.state.keystore`: the shared key store of the pupils' data keys (ADR 10). A service
    does not start without it: personal data is never written or published unsealed."""
    store = await anyio.to_thread.run_sync(connect_key_store, settings)
    try:
        app.state.keystore = store
        yield store
    finally:
        await anyio.to_thread.run_sync(store.close)


@asynccontextmanager
async def event_consumer(
    app: FastAPI,
    settings: ServiceSettings,
    *,
    service: str,
    topics: Sequence[str],
    handle: Handler,
    lock_batch: BatchLocks | None = None,
) -> AsyncIterator[EventConsumer]:
    """Consume `topics` with `handle` (idempotent, ack after success, poison to the dead-letter
    topic); `lock_batch`, if given, takes a batch's locks up front (see `BatchLocks`)."""
    dlq_producer = idempotent_producer(settings.kafka, f"meldcode-{service}-dlq")
    consumer = EventConsumer(
        settings=settings,
        service=service,
        topics=topics,
        handle=handle,
        pool=app.state.pool,
        dlq_producer=dlq_producer,
        keystore=getattr(app.state, "keystore", None),
        metrics=metrics_of(app),
        lock_batch=lock_batch,
    )
    await ensure_topics(settings.kafka, [*consumer.topics, consumer.dead_letter_topic])
    broker = consumer_broker(settings, service, metrics_of(app))
    consumer.register(broker)
    await dlq_producer.start()
    try:
        await broker.start()
        app.state.consumer = consumer
        yield consumer
    finally:
        await broker.stop()
        await dlq_producer.stop()


@asynccontextmanager
async def outbox_relay(
    app: FastAPI,
    settings: ServiceSettings,
    *,
    name: str,
    application: Application[Any],
    translate: Translate,
    topic: str,
) -> AsyncIterator[OutboxRelay]:
    """Relay the application's stored events to `topic` in the background."""
    full_topic = settings.topic(topic)
    await ensure_topics(settings.kafka, [full_topic])
    producer = idempotent_producer(settings.kafka, f"meldcode-{name}-relay", linger_ms=0)
    await producer.start()
    relay = OutboxRelay(
        name=name,
        application=application,
        translate=translate,
        topic=full_topic,
        producer=producer,
        pool=app.state.pool,
        keystore=getattr(app.state, "keystore", None),
        batch_size=settings.relay_batch_size,
        idle_seconds=settings.relay_idle_seconds,
        metrics=metrics_of(app),
    )
    task = asyncio.create_task(relay.run(), name=f"outbox-relay-{name}")
    try:
        yield relay
    finally:
        relay.stop()
        await task
        await producer.stop()
