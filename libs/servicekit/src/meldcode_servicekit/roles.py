"""Least-privilege database roles (ADR 16): a service reaches its own database only, with its own
login role, and may only append to its event log; the tables are created by an owner role.

Per service two roles: `meldcode_<service>_owner` owns the service's database and everything in
it and runs the migration (`meldcode-<service> migrate`: the tables, the eventsourcing event store
and its hash chain), and `meldcode_<service>` is what the running service connects with. The
migration grants the service role CONNECT on that database only, SELECT/INSERT/UPDATE/DELETE on
its working tables (outbox positions, consumer bookkeeping, read models) and SELECT and INSERT
only on the event-store tables: the log is append-only at the database, not by convention. The key
store's database is owned by `meldcode_keys_owner`; each service's migration grants its own role
what the key store does (register keys, shred them: ADR 10).

Roles are cluster-global; `ensure_roles` creates them (idempotently) with a role that may create
roles, before the databases are created with their owner (`deploy/local/run.sh`, the test kit).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import anyio
import asyncpg
from asyncpg.pool import PoolConnectionProxy
from eventsourcing.application import Application

from .consuming import CONSUMER_SCHEMA
from .db import apply_schema, create_pool
from .hashchain import events_table, install_hash_chain
from .keystore import KEYSTORE_SCHEMA
from .migrations import SCHEMA_MIGRATIONS_TABLE, Migrations, migrate_pool
from .outbox import RELAY_SCHEMA

KEYS_OWNER = "meldcode_keys_owner"


def service_role(service: str) -> str:
    return f"meldcode_{service}"


def owner_role(service: str) -> str:
    return f"meldcode_{service}_owner"


def role_of(database_url: str) -> str:
    """The user a PostgreSQL URL connects as."""
    return urlsplit(database_url).username or "postgres"


def with_role(database_url: str, role: str, password: str | None = None) -> str:
    """The same URL, connecting as `role` (development and tests: trust authentication)."""
    parts = urlsplit(database_url)
    host = parts.hostname or "127.0.0.1"
    netloc = f"{role}{':' + password if password else ''}@{host}{':' + str(parts.port) if parts.port else ''}"
    return parts._replace(netloc=netloc).geturl()


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


async def ensure_roles(conn: asyncpg.Connection, services: Sequence[str]) -> None:
    """Create the login roles of these services and their owners, and the key store's owner, unless
    they exist (no passwords: development and tests; production sets them, docs/operations.md)."""
    names = [KEYS_OWNER, *(r for s in services for r in (owner_role(s), service_role(s)))]
    for name in names:
        if await conn.fetchval("select 1 from pg_roles where rolname = $1", name):
            continue
        # a role that another session creates at the same moment is there all the same
        with contextlib.suppress(asyncpg.DuplicateObjectError, asyncpg.UniqueViolationError):
            await conn.execute(f"create role {quote(name)} login")


async def grant_service_role(
    conn: asyncpg.Connection | PoolConnectionProxy, role: str, *, append_only: Sequence[str] = ()
) -> None:
    """Run as the owner of the current database: `role` may connect to it (and nobody else but the
    owner may), work with every table in it, and only read and append to the `append_only` ones."""
    database = await conn.fetchval("select current_database()")
    schema = await conn.fetchval("select current_schema()")
    r, s = quote(role), quote(schema)
    await conn.execute(f"revoke all on database {quote(database)} from public")
    await conn.execute(f"grant connect on database {quote(database)} to {r}")
    await conn.execute(f"grant usage on schema {s} to {r}")
    await conn.execute(f"grant select, insert, update, delete on all tables in schema {s} to {r}")
    await conn.execute(f"grant usage, select on all sequences in schema {s} to {r}")
    for table in append_only:
        await conn.execute(f"revoke update, delete, truncate on {quote(table)} from {r}")


@dataclass(frozen=True)
class Migration:
    """What a service keeps in its database: `migrations` (the versioned migrations of its own
    tables, ADR 20), `schema` (the kit's idempotent DDL of the tables it uses, beside the outbox and
    consumer tables every service has) and the eventsourcing applications whose event stores
    (hash-chained, append-only for the service role) it records in."""

    migrations: Migrations | None = None
    schema: Sequence[str] = ()
    applications: Sequence[Callable[[str], Application[Any]]] = field(default_factory=tuple)
    messaging: bool = True  # the outbox relay's and the consumers' tables (not for the portal)


async def migrate(
    migration: Migration,
    *,
    owner_url: str,
    role: str,
    keystore_owner_url: str | None = None,
) -> list[str]:
    """Create or update the service's tables as the owner and grant `role` what it needs; returns the
    append-only tables. When `role` is the owner itself (a single-role development database) the
    grants are left out."""
    pool = await create_pool(owner_url, max_size=2)
    append_only: list[str] = []
    try:
        messaging = [*RELAY_SCHEMA, *CONSUMER_SCHEMA] if migration.messaging else []
        await apply_schema(pool, [*messaging, *migration.schema])
        if migration.migrations is not None:
            await migrate_pool(pool, migration.migrations)
        for make in migration.applications:
            application = await anyio.to_thread.run_sync(make, owner_url)
            try:
                table = events_table(application)
            finally:
                application.close()
            await install_hash_chain(pool, table)
            # (a snapshots table is a cache the service deletes from at an erasure: not the log)
            append_only.append(table)
        if role != role_of(owner_url):
            async with pool.acquire() as conn, conn.transaction():
                await grant_service_role(conn, role, append_only=append_only)
                if migration.migrations is not None:
                    # the service reads which versions its database has, and changes none
                    await conn.execute(
                        f"revoke insert, update, delete, truncate on {SCHEMA_MIGRATIONS_TABLE} from {quote(role)}"
                    )
    finally:
        await pool.close()
    if keystore_owner_url is not None:
        keys = await create_pool(keystore_owner_url, max_size=1)
        try:
            await apply_schema(keys, KEYSTORE_SCHEMA)
            if role != role_of(keystore_owner_url):
                async with keys.acquire() as conn, conn.transaction():
                    # several services share it: each grant adds its role, none takes another's away
                    await conn.execute("select pg_advisory_xact_lock(7514)")
                    await grant_service_role(conn, role)
        finally:
            await keys.close()
    return append_only


def main() -> None:
    """`python -m meldcode_servicekit.roles <url with a role that may create roles> <service>...`:
    the roles of these services (deploy/local/run.sh)."""
    import sys

    async def run(url: str, services: Sequence[str]) -> None:
        conn = await asyncpg.connect(url)
        try:
            await ensure_roles(conn, services)
        finally:
            await conn.close()

    asyncio.run(run(sys.argv[1], sys.argv[2:]))


if __name__ == "__main__":
    main()
