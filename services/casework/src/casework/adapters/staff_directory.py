"""Casework's copy of the schools' staff directories (rule 17), kept from the signals service's
events. The latest listing of a person at a school wins: an event older than the one stored
(`changed_at`) changes nothing, so a redelivery or a replay of the topic leaves the copy as it is."""

from __future__ import annotations

from collections.abc import Collection

import asyncpg

from meldcode_contracts import StaffMemberDelisted, StaffMemberListed

from ..domain.staff_directory import StaffDirectory


async def remember_listing(conn: asyncpg.Connection, event: StaffMemberListed) -> None:
    await conn.execute(
        """insert into staff_directory (tenant, school, user_id, role, listed, changed_at)
           values ($1, $2, $3, $4, true, $5)
           on conflict (tenant, school, user_id) do update
               set role = excluded.role, listed = true, changed_at = excluded.changed_at
               where staff_directory.changed_at <= excluded.changed_at""",
        event.tenant,
        event.school,
        event.payload.user_id,
        event.payload.role,
        event.occurred_at,
    )


async def remember_delisting(conn: asyncpg.Connection, event: StaffMemberDelisted) -> None:
    await conn.execute(
        """insert into staff_directory (tenant, school, user_id, role, listed, changed_at)
           values ($1, $2, $3, null, false, $4)
           on conflict (tenant, school, user_id) do update
               set listed = false, changed_at = excluded.changed_at
               where staff_directory.changed_at <= excluded.changed_at""",
        event.tenant,
        event.school,
        event.payload.user_id,
        event.occurred_at,
    )


async def directory_of(
    pool: asyncpg.Pool, tenant: str, school: str, user_ids: Collection[str]
) -> StaffDirectory:
    kept = await pool.fetchval(
        """select exists (select 1 from staff_directory
                          where tenant = $1 and school = $2 and role is not null)""",
        tenant,
        school,
    )
    rows = await pool.fetch(
        """select user_id, role from staff_directory
           where tenant = $1 and school = $2 and user_id = any($3::text[]) and listed""",
        tenant,
        school,
        list(user_ids),
    )
    return StaffDirectory(school=school, kept=bool(kept), roles={r["user_id"]: r["role"] for r in rows})
