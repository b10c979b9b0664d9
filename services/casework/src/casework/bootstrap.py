"""Wires the casework service: event store, outbox relay, signal-history consumer, HTTP API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import anyio
from fastapi import FastAPI

from meldcode_contracts import ACCESS_LOG_EVENTS, CASEWORK_EVENTS, SERVICE_TOPICS
from meldcode_edge.db import database_reachable
from meldcode_edge.logging import configure_logging, get_logger
from meldcode_servicekit.access import access_log
from meldcode_servicekit.chainheads import chain_head_recording
from meldcode_servicekit.deadletters import REPLAY_SCHEMA
from meldcode_servicekit.hashchain import events_table, install_hash_chain, snapshots_table
from meldcode_servicekit.kafka import kafka_reachable
from meldcode_servicekit.runtime import database, event_consumer, key_store, outbox_relay
from meldcode_servicekit.service_migration import Migration
from meldcode_servicekit.table_outbox import TABLE_OUTBOX_SCHEMA, table_outbox_relay
from meldcode_servicekit.web import create_app

from .adapters.case_facts import CaseFactsFromHistory
from .adapters.migrations import MIGRATIONS
from .application import CaseworkApplication
from .config import Settings
from .domain.errors import DomainError
from .entrypoints.audit import router as audit_router
from .entrypoints.audit import verify_router
from .entrypoints.command_routes import router as command_router
from .entrypoints.consumer import make_handler
from .entrypoints.http import router
from .entrypoints.jgz import router as jgz_router
from .entrypoints.policy import POLICY
from .translation import to_contract_event

log = get_logger(__name__)

# what `meldcode-casework migrate` creates as the owner role (ADR 16)
MIGRATION = Migration(
    migrations=MIGRATIONS,
    schema=[*TABLE_OUTBOX_SCHEMA, *REPLAY_SCHEMA],
    applications=[CaseworkApplication],
)


def build_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings.service_name, settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(database(app, settings, MIGRATIONS, schema=TABLE_OUTBOX_SCHEMA))
            keystore = await stack.enter_async_context(key_store(app, settings))
            app.state.casework = await anyio.to_thread.run_sync(
                lambda: CaseworkApplication(
                    settings.database_url,
                    keystore=keystore,
                    terms=settings.terms_book(),
                    facts=CaseFactsFromHistory(app.state.pool, settings),
                )
            )
            stack.callback(app.state.casework.close)
            await install_hash_chain(app.state.pool, events_table(app.state.casework))
            await stack.enter_async_context(
                chain_head_recording(app, settings, events_table(app.state.casework))
            )
            await stack.enter_async_context(access_log(app, settings, service="casework"))
            # the access-log entries of case commands wait here when Kafka is away (ADR 8, ADR 13)
            await stack.enter_async_context(
                table_outbox_relay(
                    app, settings, name="casework-access", topics=[settings.topic(ACCESS_LOG_EVENTS)]
                )
            )
            await stack.enter_async_context(
                outbox_relay(
                    app,
                    settings,
                    name="casework-events",
                    application=app.state.casework,
                    translate=to_contract_event,
                    topic=CASEWORK_EVENTS,
                )
            )
            await stack.enter_async_context(
                event_consumer(
                    app,
                    settings,
                    service="casework",
                    topics=SERVICE_TOPICS["casework"].consumes,
                    handle=make_handler(keystore, snapshots_table(app.state.casework)),
                )
            )
            log.info("service_started", port=settings.http_port)
            yield
        log.info("service_stopped")

    return create_app(
        settings,
        title="Meldcode casework",
        description="Steps 3-6 of the Meldcode: cases, weighing, decisions, reports to Veilig Thuis, follow-up.",
        lifespan=lifespan,
        routers=[router, command_router, jgz_router, audit_router, verify_router],
        readiness_checks=[database_reachable],
        reported_checks=[kafka_reachable],
        policy=POLICY,
        domain_error=DomainError,
    )
