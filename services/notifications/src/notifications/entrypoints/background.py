"""The service's background work, as tasks in its lifespan: the reminder scheduler, the melding
document builder, the e-mail sender and the JGZ webhook deliverer. Each loop asks the injected
clock what time it is, does what is due, and sleeps `scheduler_interval_seconds`. A failing round
is logged and retried in the next one; nothing is skipped. Every step is claimed with skip locked,
so replicas can run side by side."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

import asyncpg
import httpx
from fastapi import FastAPI

from meldcode_contracts import NOTIFICATIONS_EVENTS
from meldcode_edge.logging import get_logger

from ..adapters.due_work import DueWorkQueue
from ..adapters.email_outbox import email_sender
from ..adapters.jgz_webhooks import webhook_deliverer
from ..adapters.mail import SmtpSettings
from ..adapters.melding_documents import document_builder
from ..adapters.reminder_scheduler import ReminderScheduler
from ..config import Settings
from ..domain.webhooks import Backoff

log = get_logger(__name__)

Clock = Callable[[], datetime]


@dataclass
class Workers:
    reminders: ReminderScheduler
    documents: DueWorkQueue
    emails: DueWorkQueue
    webhooks: DueWorkQueue

    async def run_once(self, now: datetime) -> None:
        """One round of everything, in the order that lets a fired reminder go out at once."""
        await self.reminders.fire_due(now)
        await self.documents.run_due(now)
        await self.emails.run_due(now)
        await self.webhooks.run_due(now)


def build_workers(settings: Settings, pool: asyncpg.Pool, client: httpx.AsyncClient) -> Workers:
    topic = settings.topic(NOTIFICATIONS_EVENTS)
    return Workers(
        reminders=ReminderScheduler(pool, topic, settings.portal_url, settings.mail_domain),
        documents=document_builder(
            pool,
            topic,
            timedelta(seconds=settings.document_grace_seconds),
            Backoff(),  # a build fails only on a fault here: retried, not in a hurry
        ),
        emails=email_sender(
            pool,
            SmtpSettings(
                host=settings.smtp_host,
                port=settings.smtp_port,
                security=settings.smtp_security,
                username=settings.smtp_username,
                password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
                timeout=settings.smtp_timeout_seconds,
                sender=settings.mail_from,
            ),
            Backoff(settings.email_backoff_base_seconds, settings.email_backoff_cap_seconds),
        ),
        webhooks=webhook_deliverer(
            pool,
            settings.jgz_partners,
            topic,
            Backoff(settings.webhook_backoff_base_seconds, settings.webhook_backoff_cap_seconds),
            client,
        ),
    )


async def load_user_directory(pool: asyncpg.Pool, settings: Settings) -> None:
    """The configured user id -> e-mail (and name) mapping into the `user_directory` table."""
    async with pool.acquire() as proxy, proxy.transaction():
        conn = cast(asyncpg.Connection, proxy)
        for user_id, entry in settings.user_directory.items():
            await conn.execute(
                """insert into user_directory (user_id, email, name) values ($1, $2, $3)
                   on conflict (user_id) do update set email = excluded.email, name = excluded.name""",
                user_id,
                entry.email,
                entry.name,
            )


async def _loop(
    name: str,
    step: Callable[[datetime], Awaitable[object]],
    clock: Clock,
    interval: float,
    stop: asyncio.Event,
) -> None:
    while not stop.is_set():
        try:
            await step(clock())
        except Exception as exc:
            log.warning("background_round_failed", worker=name, error_type=type(exc).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)


@asynccontextmanager
async def background_work(app: FastAPI, settings: Settings, clock: Clock) -> AsyncIterator[Workers]:
    """Start the loops (after `runtime.database`); on shutdown each finishes its current step."""
    await load_user_directory(app.state.pool, settings)
    async with httpx.AsyncClient(timeout=settings.webhook_timeout_seconds) as client:
        workers = build_workers(settings, app.state.pool, client)
        app.state.workers = workers
        stop = asyncio.Event()
        interval = settings.scheduler_interval_seconds
        loops = [
            asyncio.create_task(_loop(name, step, clock, interval, stop), name=f"notifications-{name}")
            for name, step in (
                ("reminders", workers.reminders.fire_due),
                ("documents", workers.documents.run_due),
                ("emails", workers.emails.run_due),
                ("webhooks", workers.webhooks.run_due),
            )
        ]
        try:
            yield workers
        finally:
            stop.set()
            await asyncio.gather(*loops, return_exceptions=True)
