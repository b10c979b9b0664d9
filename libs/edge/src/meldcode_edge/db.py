"""asyncpg pools and the small, idempotent schema of a service's own tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import asyncpg

if TYPE_CHECKING:  # only the readiness check's signature: a pool needs no web framework
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


async def database_reachable(app: FastAPI) -> bool:
    pool: asyncpg.Pool = app.state.pool
    async with pool.acquire(timeout=2) as conn:
        return bool(await conn.fetchval("select 1", timeout=2) == 1)
