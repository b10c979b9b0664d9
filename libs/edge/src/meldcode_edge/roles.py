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
from collections.abc import Sequence

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from .db import apply_schema, create_pool
from .migrations import SCHEMA_MIGRATIONS_TABLE, Migrations, migrate_pool
from .postgres_url import parse, with_user

KEYS_OWNER = "meldcode_keys_owner"


def service_role(service: str) -> str:
    return f"meldcode_{service}"


def owner_role(service: str) -> str:
    return f"meldcode_{service}_owner"


def role_of(database_url: str) -> str:
    """The user a PostgreSQL URL connects as."""
    return parse(database_url).user


def with_role(database_url: str, role: str, password: str | None = None) -> str:
    """The same URL (every server it names), connecting as `role` (development and tests: trust
    authentication)."""
    return with_user(database_url, role, password)


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


async def grant_own_tables(
    pool: asyncpg.Pool, role: str, *, append_only: Sequence[str] = (), versioned: bool = False
) -> None:
    """Grant `role` its tables (run as the owner); with `versioned`, the role reads which
    migrations its database has (`schema_migrations`, ADR 20) and changes none."""
    async with pool.acquire() as conn, conn.transaction():
        await grant_service_role(conn, role, append_only=append_only)
        if versioned:
            await conn.execute(
                f"revoke insert, update, delete, truncate on {SCHEMA_MIGRATIONS_TABLE} from {quote(role)}"
            )


async def migrate_tables(
    *, owner_url: str, role: str, schema: Sequence[str] = (), migrations: Migrations | None = None
) -> None:
    """Create or update the tables of an edge that keeps no events (the portal's sessions) as the
    owner, and grant `role` what it needs; nothing is granted when `role` is the owner itself."""
    pool = await create_pool(owner_url, max_size=2)
    try:
        await apply_schema(pool, schema)
        if migrations is not None:
            await migrate_pool(pool, migrations)
        if role != role_of(owner_url):
            await grant_own_tables(pool, role, versioned=migrations is not None)
    finally:
        await pool.close()


def main() -> None:
    """`python -m meldcode_edge.roles <url with a role that may create roles> <service>...`:
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
