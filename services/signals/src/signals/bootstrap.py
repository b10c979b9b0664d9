"""Wires the signals service: event store, outbox relay, the casework consumer (open cases), the
retention job, HTTP API. Nothing connects at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import anyio
from fastapi import FastAPI

from meldcode_contracts import SERVICE_TOPICS, SIGNALS_EVENTS
from meldcode_servicekit.access import access_log
from meldcode_servicekit.chainheads import chain_head_recording
from meldcode_servicekit.db import database_reachable
from meldcode_servicekit.deadletters import REPLAY_SCHEMA
from meldcode_servicekit.hashchain import events_table, install_hash_chain
from meldcode_servicekit.kafka import kafka_reachable
from meldcode_servicekit.logging import configure_logging, get_logger
from meldcode_servicekit.roles import Migration
from meldcode_servicekit.runtime import database, event_consumer, key_store, outbox_relay
from meldcode_servicekit.web import create_app

from .application import SignalsApplication
from .config import Settings
from .domain.errors import DomainError
from .entrypoints.audit import router as audit_router
from .entrypoints.audit import verify_router
from .entrypoints.background import SCHEMA, retention_work
from .entrypoints.consumer import handle_event
from .entrypoints.http import router
from .entrypoints.policy import POLICY
from .translation import to_contract_event

log = get_logger(__name__)

# what `meldcode-signals migrate` creates as the owner role (ADR 16)
MIGRATION = Migration(schema=[*SCHEMA, *REPLAY_SCHEMA], applications=[SignalsApplication])


def build_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings.service_name, settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(database(app, settings, SCHEMA))
            keystore = await stack.enter_async_context(key_store(app, settings))
            app.state.signals = await anyio.to_thread.run_sync(
                lambda: SignalsApplication(settings.database_url, keystore=keystore)
            )
            stack.callback(app.state.signals.close)
            await install_hash_chain(app.state.pool, events_table(app.state.signals))
            await stack.enter_async_context(
                chain_head_recording(app, settings, events_table(app.state.signals))
            )
            await stack.enter_async_context(access_log(app, settings, service="signals"))
            await stack.enter_async_context(
                outbox_relay(
                    app,
                    settings,
                    name="signals-events",
                    application=app.state.signals,
                    translate=to_contract_event,
                    topic=SIGNALS_EVENTS,
                )
            )
            await stack.enter_async_context(
                event_consumer(
                    app,
                    settings,
                    service="signals",
                    topics=SERVICE_TOPICS["signals"].consumes,
                    handle=handle_event,
                )
            )
            await stack.enter_async_context(retention_work(app, settings))
            log.info("service_started", port=settings.http_port)
            yield
        log.info("service_stopped")

    return create_app(
        settings,
        title="Meldcode signals",
        description="Steps 1-2 of the Meldcode: pupils, signals and their corrections.",
        lifespan=lifespan,
        routers=[router, audit_router, verify_router],
        readiness_checks=[database_reachable, kafka_reachable],
        policy=POLICY,
        domain_error=DomainError,
    )
