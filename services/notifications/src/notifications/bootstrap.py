"""Wires the notifications service: its tables, the event consumer, the background work (reminders,
melding documents, e-mail, JGZ webhooks), the event outbox relay, HTTP API. Nothing connects at
import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI

from meldcode_contracts import NOTIFICATIONS_EVENTS, SERVICE_TOPICS
from meldcode_edge.db import database_reachable
from meldcode_edge.logging import configure_logging, get_logger
from meldcode_servicekit.access import access_log
from meldcode_servicekit.deadletters import REPLAY_SCHEMA
from meldcode_servicekit.kafka import kafka_reachable
from meldcode_servicekit.runtime import database, event_consumer, key_store
from meldcode_servicekit.service_migration import Migration
from meldcode_servicekit.table_outbox import TABLE_OUTBOX_SCHEMA, table_outbox_relay
from meldcode_servicekit.web import create_app

from .adapters.migrations import MIGRATIONS
from .config import Settings
from .domain.errors import DomainError
from .entrypoints.background import Clock, background_work
from .entrypoints.consumer import MailSettings, make_handler, utc_now
from .entrypoints.http import router
from .entrypoints.policy import POLICY

log = get_logger(__name__)

# what `meldcode-notifications migrate` creates as the owner role (ADR 16)
MIGRATION = Migration(migrations=MIGRATIONS, schema=[*TABLE_OUTBOX_SCHEMA, *REPLAY_SCHEMA])


def build_app(settings: Settings | None = None, clock: Clock = utc_now) -> FastAPI:
    """`clock` is injected so tests can move time; deadlines themselves never read it."""
    settings = settings or Settings()
    configure_logging(settings.service_name, settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(database(app, settings, MIGRATIONS, schema=TABLE_OUTBOX_SCHEMA))
            await stack.enter_async_context(key_store(app, settings))
            await stack.enter_async_context(access_log(app, settings, service="notifications"))
            await stack.enter_async_context(
                table_outbox_relay(
                    app, settings, name="notifications", topics=[settings.topic(NOTIFICATIONS_EVENTS)]
                )
            )
            await stack.enter_async_context(background_work(app, settings, clock))
            handle = make_handler(
                settings.terms(),
                frozenset(settings.jgz_partners),
                clock,
                MailSettings(settings.portal_url, settings.mail_domain),
            )
            await stack.enter_async_context(
                event_consumer(
                    app,
                    settings,
                    service="notifications",
                    topics=SERVICE_TOPICS["notifications"].consumes,
                    handle=handle,
                )
            )
            log.info("service_started", port=settings.http_port)
            yield
        log.info("service_stopped")

    return create_app(
        settings,
        title="Meldcode notifications",
        description="Tasks of the Meldcode for IB'ers, case owners and the zorgteam, derived from events.",
        lifespan=lifespan,
        routers=[router],
        readiness_checks=[database_reachable],
        reported_checks=[kafka_reachable],
        policy=POLICY,
        domain_error=DomainError,
    )
