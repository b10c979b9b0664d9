"""In-process harness on real PostgreSQL and a real SMTP server (aiosmtpd's Controller): the
consumer's handler applies events, the background workers run with an injected clock."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes
from email.message import Message
from typing import Any, cast

import asyncpg
import httpx
import pytest
from aiosmtpd.controller import Controller

from meldcode_contracts import Envelope
from meldcode_edge.db import apply_schema, create_pool
from meldcode_edge.migrations import migrate_pool
from meldcode_servicekit.consuming import CONSUMER_SCHEMA
from meldcode_servicekit.table_outbox import TABLE_OUTBOX_SCHEMA
from meldcode_testkit import Infrastructure
from notifications.adapters.migrations import MIGRATIONS
from notifications.config import Settings
from notifications.entrypoints.background import Workers, build_workers, load_user_directory
from notifications.entrypoints.consumer import handle_event

DIRECTORY = {
    "ib-bram": {"email": "bram@school.example", "name": "Bram Bakker"},
    "smw-carla": {"email": "carla@smw.example", "name": "Carla Smit"},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    """The aiosmtpd handler: every message the SMTP server accepted, as received."""

    raw: list[bytes] = field(default_factory=list)
    delay: float = 0.0
    """Seconds the server takes per message (to catch a sender in the middle of its work)."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        self.raw.append(bytes(envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[Message]:
        return [message_from_bytes(raw) for raw in self.raw]


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


def settings_for(database_url: str, smtp_port: int, **extra: Any) -> Settings:
    return Settings(
        database_url=database_url,
        smtp_port=smtp_port,
        user_directory=DIRECTORY,  # type: ignore[arg-type]
        portal_url="https://meldcode.example.nl",
        **extra,
    )


@dataclass
class Harness:
    database_url: str
    settings: Settings
    pool: asyncpg.Pool
    client: httpx.AsyncClient
    workers: Workers

    async def apply(self, event: Envelope) -> None:
        async with self.pool.acquire() as proxy, proxy.transaction():
            await handle_event(
                cast(asyncpg.Connection, proxy),
                event,
                terms=self.settings.terms(),
                jgz_tenants=frozenset(self.settings.jgz_partners),
                clock=lambda: event.occurred_at,
            )

    async def run(self, now: datetime) -> None:
        await self.workers.run_once(now)

    async def restart(self) -> None:
        """A new process: new pool, new workers, nothing kept in memory."""
        await self.pool.close()
        self.pool = await create_pool(self.database_url)
        await apply_schema(self.pool, [*CONSUMER_SCHEMA, *TABLE_OUTBOX_SCHEMA])
        await migrate_pool(self.pool, MIGRATIONS)
        await load_user_directory(self.pool, self.settings)
        self.workers = build_workers(self.settings, self.pool, self.client)

    async def scalar(self, sql: str, *args: Any) -> Any:
        async with self.pool.acquire() as conn:
            return await conn.fetchval(sql, *args)


@pytest.fixture
async def harness(
    infrastructure: Infrastructure, isolation: str, smtp: tuple[Mailbox, int]
) -> AsyncIterator[Harness]:
    url = await infrastructure.create_database(f"{isolation}_notif")
    settings = settings_for(url, smtp[1])
    pool = await create_pool(url)
    await apply_schema(pool, [*CONSUMER_SCHEMA, *TABLE_OUTBOX_SCHEMA])
    await migrate_pool(pool, MIGRATIONS)
    await load_user_directory(pool, settings)
    async with httpx.AsyncClient(timeout=5) as client:
        h = Harness(url, settings, pool, client, build_workers(settings, pool, client))
        try:
            yield h
        finally:
            await h.pool.close()
