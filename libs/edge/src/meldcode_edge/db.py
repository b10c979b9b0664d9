"""asyncpg pools and the small, idempotent schema of a service's own tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import asyncpg

if TYPE_CHECKING:  # only the readiness check's signature: a pool needs no web framework
    from fastapi import FastAPI

from .postgres_connections import PostgresConnections, asyncpg_keepalives, server_keepalives
from .settings import CONNECT_WAIT_SECONDS


async def create_pool(
    database_url: str,
    *,
    max_size: int | None = None,
    connections: PostgresConnections | None = None,
    command_timeout: float = 30,
    server_settings: dict[str, str] | None = None,
) -> asyncpg.Pool:
    """An asyncpg pool whose connections have TCP keepalives at both ends (ADR 28). Its size is the
    settings' (MELDCODE_DB_POOL_MIN/MAX) unless `max_size` names a command's own small pool;
    `connections` default to the environment's."""
    connections = connections or PostgresConnections()
    max_size = connections.db_pool_max if max_size is None else max_size
    pool = await asyncpg.create_pool(
        database_url,
        min_size=min(connections.db_pool_min, max_size),
        max_size=max_size,
        command_timeout=command_timeout,
        timeout=CONNECT_WAIT_SECONDS,
        connection_class=asyncpg_keepalives(connections),
        server_settings={**server_keepalives(connections), **(server_settings or {})},
    )
    assert pool is not None
    return pool


async def connect(database_url: str, *, connections: PostgresConnections | None = None) -> asyncpg.Connection:
    """One connection outside a pool, kept alive as the pools' (e.g. one that holds a session lock)."""
    connections = connections or PostgresConnections()
    return await asyncpg.connect(
        database_url,
        connection_class=asyncpg_keepalives(connections),
        server_settings=server_keepalives(connections),
    )


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
