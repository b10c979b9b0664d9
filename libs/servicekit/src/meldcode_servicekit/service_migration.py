"""What a service keeps in its database and how `meldcode-<service> migrate` creates it as the owner
role (ADR 16): its own tables (versioned migrations, ADR 20, and idempotent DDL), the outbox and
consumer tables, and its event stores, hash-chained and append-only for the service role. The roles
themselves and their grants are `meldcode_edge.roles`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio
from eventsourcing.application import Application

from meldcode_edge.db import apply_schema, create_pool
from meldcode_edge.migrations import Migrations, migrate_pool
from meldcode_edge.roles import grant_own_tables, grant_service_role, role_of

from .consuming import CONSUMER_SCHEMA
from .hashchain import events_table, install_hash_chain, snapshots_table
from .keystore import KEYSTORE_SCHEMA
from .outbox import RELAY_SCHEMA


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
                table, snapshots = events_table(application), snapshots_table(application)
            finally:
                application.close()
            await install_hash_chain(pool, table)
            # (a snapshots table is a cache the service deletes from at an erasure: not the log)
            append_only.append(table)
            if snapshots is not None:
                # The library creates it for inserts only (autovacuum practically never vacuums),
                # but each snapshot deletes the one before it (ADR 25, K3): vacuumed as usual.
                await pool.execute(
                    f"alter table {snapshots} reset (autovacuum_vacuum_threshold, autovacuum_vacuum_scale_factor)"
                )
        if role != role_of(owner_url):
            await grant_own_tables(
                pool, role, append_only=append_only, versioned=migration.migrations is not None
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
