"""asyncpg pools and the small, idempotent schema of a service's own tables."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

import asyncpg
from fastapi import FastAPI

from .settings import CONNECT_WAIT_SECONDS


async def create_pool(database_url: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        database_url,
        min_size=min_size,
        max_size=max_size,
        command_timeout=30,
        timeout=CONNECT_WAIT_SECONDS,
    )
    assert pool is not None
    return pool


# Whether the connected role may create tables in its schema: the owner role that migrates a
# database may, a service's own role may not (ADR 16).
MAY_CREATE = "select has_schema_privilege(current_schema(), 'CREATE')"


async def apply_schema(pool: asyncpg.Pool, statements: Sequence[str]) -> None:
    """Run `create ... if not exists` statements under an advisory lock, so replicas can start together.

    Connected as a service's own role, which may not create tables, nothing is run: its database was
    migrated by the owner role before the service started (`meldcode-<service> migrate`, ADR 16)."""
    async with pool.acquire() as conn, conn.transaction():
        if not await conn.fetchval(MAY_CREATE):
            return
        await conn.execute("select pg_advisory_xact_lock(7513)")
        for statement in statements:
            await conn.execute(statement)


def postgres_env(database_url: str) -> dict[str, str]:
    """The eventsourcing library's POSTGRES_* settings for a database URL."""
    parts = urlsplit(database_url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": parts.path.lstrip("/") or "postgres",
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": parts.username or "postgres",
        "POSTGRES_PASSWORD": parts.password or "",
        "POSTGRES_POOL_SIZE": "5",
        "POSTGRES_MAX_OVERFLOW": "10",
        # the wait for a pooled connection; a connection is checked before use, so one that died
        # with a restarted server is replaced instead of failing the request
        "POSTGRES_CONNECT_TIMEOUT": str(CONNECT_WAIT_SECONDS),
        "POSTGRES_PRE_PING": "y",
    }


async def database_reachable(app: FastAPI) -> bool:
    pool: asyncpg.Pool = app.state.pool
    async with pool.acquire(timeout=2) as conn:
        return bool(await conn.fetchval("select 1", timeout=2) == 1)
