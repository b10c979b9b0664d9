"""Wires the reporting service: read-model database, consumer of every event topic, HTTP API.
Nothing connects at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI

from meldcode_contracts import SERVICE_TOPICS
from meldcode_edge.db import database_reachable
from meldcode_edge.logging import configure_logging, get_logger
from meldcode_servicekit.access import access_log
from meldcode_servicekit.deadletters import REPLAY_SCHEMA
from meldcode_servicekit.kafka import kafka_reachable
from meldcode_servicekit.runtime import database, event_consumer, key_store
from meldcode_servicekit.service_migration import Migration
from meldcode_servicekit.web import create_app

from .adapters.migrations import MIGRATIONS
from .adapters.projection_writes import CASE_FOLD_VERSION, refold_cases_if_stale
from .adapters.school_register import read_school_register
from .config import Settings
from .entrypoints.consumer import handle_event, lock_batch
from .entrypoints.http import router
from .entrypoints.policy import POLICY

log = get_logger(__name__)

# what `meldcode-reporting migrate` creates as the owner role (ADR 16)
MIGRATION = Migration(migrations=MIGRATIONS, schema=REPLAY_SCHEMA)


def build_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings.service_name, settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.school_register = read_school_register(settings.schools_file)
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(database(app, settings, MIGRATIONS))
            await stack.enter_async_context(key_store(app, settings))
            async with app.state.pool.acquire() as conn:
                refolded = await refold_cases_if_stale(conn)
            if refolded is not None:
                log.info("case_rows_refolded", cases=refolded, fold_version=CASE_FOLD_VERSION)
            await stack.enter_async_context(access_log(app, settings, service="reporting"))
            await stack.enter_async_context(
                event_consumer(
                    app,
                    settings,
                    service="reporting",
                    topics=SERVICE_TOPICS["reporting"].consumes,
                    handle=handle_event,
                    lock_batch=lock_batch,
                )
            )
            log.info("service_started", port=settings.http_port)
            yield
        log.info("service_stopped")

    return create_app(
        settings,
        title="Meldcode reporting",
        description=(
            "Read models of the Meldcode, projected from every contract event: the pupil's "
            "chronology, the school's case list with open obligations, the dashboards of the "
            "samenwerkingsverband, the access log (NEN 7513) and the rebuild check for auditors."
        ),
        lifespan=lifespan,
        routers=[router],
        readiness_checks=[database_reachable],
        reported_checks=[kafka_reachable],
        policy=POLICY,
    )
