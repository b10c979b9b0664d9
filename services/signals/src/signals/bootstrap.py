"""Wires the signals service: event store, outbox relay, HTTP API. Nothing connects at import time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI
from meldcode_contracts import SIGNALS_EVENTS
from meldcode_servicekit.db import apply_schema, create_pool, database_reachable
from meldcode_servicekit.kafka import ensure_topics, idempotent_producer, kafka_reachable
from meldcode_servicekit.logging import configure_logging, get_logger
from meldcode_servicekit.outbox import RELAY_SCHEMA, OutboxRelay
from meldcode_servicekit.web import create_app

from .application import SignalsApplication
from .config import Settings
from .domain.errors import DomainError
from .entrypoints.http import router
from .translation import to_contract_event

log = get_logger(__name__)


def build_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings.service_name, settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pool = await create_pool(settings.database_url)
        await apply_schema(app.state.pool, RELAY_SCHEMA)
        app.state.signals = await anyio.to_thread.run_sync(lambda: SignalsApplication(settings.database_url))
        topic = settings.topic(SIGNALS_EVENTS)
        await ensure_topics(settings.kafka_bootstrap_servers, [topic])
        producer = idempotent_producer(settings.kafka_bootstrap_servers, "meldcode-signals-relay")
        await producer.start()
        relay = OutboxRelay(
            name="signals-events",
            application=app.state.signals,
            translate=to_contract_event,
            topic=topic,
            producer=producer,
            pool=app.state.pool,
            batch_size=settings.relay_batch_size,
            idle_seconds=settings.relay_idle_seconds,
        )
        relay_task = asyncio.create_task(relay.run(), name="outbox-relay")
        log.info("service_started", port=settings.http_port)
        try:
            yield
        finally:
            relay.stop()
            await relay_task
            await producer.stop()
            app.state.signals.close()
            await app.state.pool.close()
            log.info("service_stopped")

    return create_app(
        settings,
        title="Meldcode signals",
        description="Steps 1-2 of the Meldcode: pupils, signals and their corrections.",
        lifespan=lifespan,
        routers=[router],
        readiness_checks=[database_reachable, kafka_reachable],
        domain_error=DomainError,
    )
