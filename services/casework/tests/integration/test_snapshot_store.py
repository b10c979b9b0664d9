"""The snapshot store as `meldcode-casework migrate` leaves it (ADR 16, ADR 25 K3): each snapshot takes
the place of the case's one before, so the table is vacuumed as usual (the library makes it for
inserts only) and the service's own role may delete from it."""

from __future__ import annotations

import asyncpg
import pytest

from casework.bootstrap import MIGRATION
from meldcode_edge.roles import owner_role, service_role, with_role
from meldcode_servicekit.service_migration import migrate
from meldcode_testkit import Infrastructure

pytestmark = pytest.mark.infra


async def test_the_migrated_snapshot_table_is_vacuumed_as_usual_and_the_service_may_delete_from_it(
    infrastructure: Infrastructure, isolation: str
) -> None:
    database = await infrastructure.create_database(f"{isolation}_casework", owner=owner_role("casework"))
    owner_url = with_role(database, owner_role("casework"))

    await migrate(MIGRATION, owner_url=owner_url, role=service_role("casework"))
    await migrate(MIGRATION, owner_url=owner_url, role=service_role("casework"))  # again: the same

    conn = await asyncpg.connect(with_role(database, service_role("casework")))
    try:
        options = await conn.fetchval(
            "select coalesce(reloptions, '{}') from pg_class where oid = 'casework_snapshots'::regclass"
        )
        assert not [o for o in options if o.startswith("autovacuum_vacuum_")]
        assert await conn.fetchval("select count(*) from casework_snapshots") == 0
        await conn.execute("delete from casework_snapshots")  # no InsufficientPrivilegeError
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("delete from casework_events")
    finally:
        await conn.close()
