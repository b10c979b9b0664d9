"""Wires the signals service: event store, outbox relay, the casework consumer (open cases), the
use cases with their adapters, the retention schedule, HTTP API; and the operator's one retention
run. Nothing connects at import time."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import date
from typing import Any

import anyio
import asyncpg
from fastapi import FastAPI

from meldcode_contracts import SERVICE_TOPICS, SIGNALS_EVENTS, Role
from meldcode_edge.acting import Acting
from meldcode_edge.db import create_pool, database_reachable
from meldcode_edge.logging import configure_logging, get_logger
from meldcode_edge.migrations import migrate_pool
from meldcode_servicekit.access import access_log
from meldcode_servicekit.chainheads import chain_head_recording
from meldcode_servicekit.deadletters import REPLAY_SCHEMA
from meldcode_servicekit.hashchain import events_table, install_hash_chain
from meldcode_servicekit.kafka import kafka_reachable
from meldcode_servicekit.keystore import connect_key_store
from meldcode_servicekit.runtime import database, event_consumer, key_store, outbox_relay
from meldcode_servicekit.service_migration import Migration
from meldcode_servicekit.web import create_app
from meldcode_vocabulary.dutch_days import dutch_today

from .adapters.attachment_store import PostgresAttachmentStore
from .adapters.migrations import MIGRATIONS
from .adapters.open_cases import PostgresOpenCases
from .adapters.retention_store import PostgresRetentionStore
from .adapters.staff_directory import PostgresStaffDirectory
from .application import Attachments, ErasureOnRequest, Retention, RetentionReport, SignalsApplication
from .application.retention import Progress, no_progress
from .commands import EraseForRetention, ListStaffMember
from .config import Settings
from .domain.errors import DomainError
from .entrypoints.attachments_http import router as attachments_router
from .entrypoints.audit import router as audit_router
from .entrypoints.audit import verify_router
from .entrypoints.background import retention_schedule
from .entrypoints.consumer import handle_event
from .entrypoints.http import router
from .entrypoints.policy import POLICY
from .entrypoints.pupil_import import router as pupil_import_router
from .entrypoints.scim import router as scim_router
from .entrypoints.staff_http import router as staff_router
from .translation import to_contract_event

log = get_logger(__name__)

# what `meldcode-signals migrate` creates as the owner role (ADR 16)
MIGRATION = Migration(migrations=MIGRATIONS, schema=REPLAY_SCHEMA, applications=[SignalsApplication])


def build_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings.service_name, settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(database(app, settings, MIGRATIONS))
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
            await stack.enter_async_context(use_cases(app, settings))
            log.info("service_started", port=settings.http_port)
            yield
        log.info("service_stopped")

    return create_app(
        settings,
        title="Meldcode signals",
        description="Steps 1-2 of the Meldcode: pupils, signals and their corrections; the staff directory.",
        lifespan=lifespan,
        routers=[
            router,
            attachments_router,
            pupil_import_router,
            staff_router,
            scim_router,
            audit_router,
            verify_router,
        ],
        readiness_checks=[database_reachable],
        reported_checks=[kafka_reachable],
        policy=POLICY,
        domain_error=DomainError,
    )


@asynccontextmanager
async def use_cases(app: FastAPI, settings: Settings) -> AsyncIterator[None]:
    """The use cases that need facts from signals' own tables (after the database and the
    application), and the retention schedule."""
    app.state.erasure = ErasureOnRequest(
        app.state.signals, PostgresOpenCases(app.state.pool), settings.erasure_waiting()
    )
    app.state.attachments = Attachments(
        app.state.signals, PostgresAttachmentStore(app.state.pool), max_bytes=settings.attachment_max_bytes
    )
    app.state.staff_directory = PostgresStaffDirectory(app.state.pool, app.state.signals)
    app.state.retention = retention(app.state.signals, app.state.pool, settings)
    async with retention_schedule(app.state.retention, settings.retention_interval_seconds):
        yield


def retention(application: SignalsApplication, pool: asyncpg.Pool, settings: Settings) -> Retention:
    return Retention(
        application,
        PostgresRetentionStore(pool, application),
        settings.retention(),
        batch_size=settings.retention_batch_size,
    )


STAFF_LISTING_ACTOR = "meldcode-signals-list-staff"
"""The user id the listings of `meldcode-signals list-staff` are recorded under (role `system`)."""


def list_staff_from_file(settings: Settings, users: list[dict[str, Any]]) -> dict[str, int]:
    """`meldcode-signals list-staff --file`: list each user at each of their schools (users without
    a school, like a beheerder or an auditor, are not listed). Repeating it records nothing new;
    the running service's outbox relay publishes what it records."""
    keystore = connect_key_store(settings)
    try:
        application = SignalsApplication(settings.database_url, keystore=keystore)
        try:
            by_tenant: dict[str, list[ListStaffMember]] = {}
            for user in users:
                for school in user.get("schools", []):
                    by_tenant.setdefault(user["samenwerkingsverband"], []).append(
                        ListStaffMember(
                            school=school,
                            user_id=user["id"],
                            name=user["name"],
                            role=user["role"],
                            email=user.get("email"),
                        )
                    )
            counts = {"listed": 0, "unchanged": 0}
            for tenant, commands in sorted(by_tenant.items()):
                acting = Acting(STAFF_LISTING_ACTOR, Role.SYSTEM.value, tenant, f"list-staff-{uuid.uuid4()}")
                for listing in application.list_staff_members(commands, acting=acting):
                    counts["listed" if listing.changed else "unchanged"] += 1
            return counts
        finally:
            application.close()
    finally:
        keystore.close()


async def run_retention_once(
    settings: Settings, *, dry_run: bool, today: date | None = None, progress: Progress = no_progress
) -> RetentionReport:
    """`meldcode-signals retention run`: one run beside (or without) the running service. The
    erasure events it stores are published by the service's outbox relay."""
    keystore = await anyio.to_thread.run_sync(connect_key_store, settings)
    try:
        application = await anyio.to_thread.run_sync(
            lambda: SignalsApplication(settings.database_url, keystore=keystore)
        )
        try:
            pool = await create_pool(settings.database_url, max_size=3)
            try:
                await migrate_pool(pool, MIGRATIONS)
                await install_hash_chain(pool, events_table(application))
                command = EraseForRetention(today=today or dutch_today(), dry_run=dry_run, trigger="cli")
                return await retention(application, pool, settings).erase_for_retention(
                    command, progress=progress
                )
            finally:
                await pool.close()
        finally:
            application.close()
    finally:
        await anyio.to_thread.run_sync(keystore.close)
