"""Where the portal's sessions live: a small PostgreSQL table, or (one process only) memory.

The store knows rows, not users: a row is found by a key derived from the session id in the
cookie and holds the session sealed with another key derived from that id (`server_sessions`),
so a dump of the table gives neither a usable cookie nor the access tokens in it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import asyncpg

from meldcode_edge.db import apply_schema, create_pool

# the sessions table: created at start-up, or by `meldcode-web migrate` as the owner role (ADR 16)
SCHEMA = (
    """
    create table if not exists portal_sessions (
        key bytea primary key,
        sealed bytea not null,
        created_at timestamptz not null,
        last_seen_at timestamptz not null
    )
    """,
    "create index if not exists portal_sessions_last_seen on portal_sessions (last_seen_at)",
    "create index if not exists portal_sessions_created on portal_sessions (created_at)",
)


@dataclass(frozen=True)
class StoredSession:
    sealed: bytes
    created_at: datetime
    last_seen_at: datetime


class SessionStore(Protocol):
    async def load(self, key: bytes) -> StoredSession | None: ...

    async def save(self, key: bytes, session: StoredSession) -> None: ...

    async def touch(self, key: bytes, last_seen_at: datetime) -> None: ...

    async def delete(self, key: bytes) -> None: ...

    async def delete_expired(self, *, seen_before: datetime, created_before: datetime) -> int: ...

    async def close(self) -> None: ...


class MemorySessionStore:
    """Sessions in this process: lost on restart and not shared between replicas, so only for
    one-process development and the unit tests."""

    def __init__(self) -> None:
        self.rows: dict[bytes, StoredSession] = {}

    async def load(self, key: bytes) -> StoredSession | None:
        return self.rows.get(key)

    async def save(self, key: bytes, session: StoredSession) -> None:
        self.rows[key] = session

    async def touch(self, key: bytes, last_seen_at: datetime) -> None:
        row = self.rows.get(key)
        if row is not None:
            self.rows[key] = StoredSession(row.sealed, row.created_at, last_seen_at)

    async def delete(self, key: bytes) -> None:
        self.rows.pop(key, None)

    async def delete_expired(self, *, seen_before: datetime, created_before: datetime) -> int:
        expired = [
            key
            for key, row in self.rows.items()
            if row.last_seen_at < seen_before or row.created_at < created_before
        ]
        for key in expired:
            del self.rows[key]
        return len(expired)

    async def close(self) -> None:
        return None


class PostgresSessionStore:
    """Sessions in the table `portal_sessions` of `PORTAL_SESSION_DATABASE_URL`: they survive a
    restart and every replica of the portal sees the same ones."""

    def __init__(self, database_url: str) -> None:
        self._url = database_url
        self._pool: asyncpg.Pool | None = None
        self._lock = asyncio.Lock()

    async def _connected(self) -> asyncpg.Pool:
        if self._pool is None:
            async with self._lock:
                if self._pool is None:
                    pool = await create_pool(self._url, max_size=5)
                    await apply_schema(pool, SCHEMA)
                    self._pool = pool
        return self._pool

    async def load(self, key: bytes) -> StoredSession | None:
        pool = await self._connected()
        row = await pool.fetchrow(
            "select sealed, created_at, last_seen_at from portal_sessions where key = $1", key
        )
        if row is None:
            return None
        return StoredSession(bytes(row["sealed"]), row["created_at"], row["last_seen_at"])

    async def save(self, key: bytes, session: StoredSession) -> None:
        pool = await self._connected()
        await pool.execute(
            "insert into portal_sessions (key, sealed, created_at, last_seen_at) values ($1, $2, $3, $4) "
            "on conflict (key) do update set sealed = excluded.sealed, last_seen_at = excluded.last_seen_at",
            key,
            session.sealed,
            session.created_at,
            session.last_seen_at,
        )

    async def touch(self, key: bytes, last_seen_at: datetime) -> None:
        pool = await self._connected()
        await pool.execute("update portal_sessions set last_seen_at = $2 where key = $1", key, last_seen_at)

    async def delete(self, key: bytes) -> None:
        pool = await self._connected()
        await pool.execute("delete from portal_sessions where key = $1", key)

    async def delete_expired(self, *, seen_before: datetime, created_before: datetime) -> int:
        pool = await self._connected()
        status: str = await pool.execute(
            "delete from portal_sessions where last_seen_at < $1 or created_at < $2",
            seen_before,
            created_before,
        )
        return int(status.rsplit(" ", 1)[-1])

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
