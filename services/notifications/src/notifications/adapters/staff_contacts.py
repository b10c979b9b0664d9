"""Who to e-mail about a task: the name and work e-mail address of each person listed in a school's
staff directory (signals' `StaffMemberListed` / `StaffMemberDelisted`, ADR 23).

Personal data: stored here for the e-mails only and never logged. The latest event of a person at
a school wins (`changed_at`), so a redelivery or a replay changes nothing. A delisting drops the
e-mail address (nobody is mailed at a school they left) and keeps the name for history. Erasing a
staff member's data on request is not built yet (ADR 23)."""

from __future__ import annotations

from collections.abc import Iterable

import asyncpg

from .. import commands


async def remember_listing(conn: asyncpg.Connection, command: commands.ListStaffMember) -> None:
    await conn.execute(
        """insert into staff_contacts (tenant, school, user_id, name, email, role, listed, changed_at)
           values ($1, $2, $3, $4, $5, $6, true, $7)
           on conflict (tenant, school, user_id) do update
               set name = excluded.name, email = excluded.email, role = excluded.role, listed = true,
                   changed_at = excluded.changed_at
               where staff_contacts.changed_at <= excluded.changed_at""",
        command.tenant,
        command.school,
        command.user_id,
        command.name,
        command.email,
        command.role,
        command.at,
    )


async def remember_delisting(conn: asyncpg.Connection, command: commands.DelistStaffMember) -> None:
    await conn.execute(
        """update staff_contacts set listed = false, email = null, changed_at = $4
           where tenant = $1 and school = $2 and user_id = $3 and changed_at <= $4""",
        command.tenant,
        command.school,
        command.user_id,
        command.at,
    )


async def email_of(db: asyncpg.Connection | asyncpg.Pool, user_id: str, school: str) -> str | None:
    """The address of `user_id` while listed at `school` (the latest listing when a BRIN is known
    under more than one samenwerkingsverband)."""
    value = await db.fetchval(
        """select email from staff_contacts
           where user_id = $1 and school = $2 and listed and email is not null
           order by changed_at desc limit 1""",
        user_id,
        school,
    )
    return value if isinstance(value, str) else None


async def names_of(
    db: asyncpg.Connection | asyncpg.Pool, tenant: str, user_ids: Iterable[str]
) -> dict[str, str]:
    """user id -> name for the ids the directory of `tenant` knows, listed or not (a document names
    who acted then, also after they left); the latest listing of a person wins. Falls back to the
    configured `user_directory` for a person no school lists (yet)."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = await db.fetch(
        """select user_id, name from (
               select distinct on (user_id) user_id, name from staff_contacts
               where tenant = $1 and user_id = any($2::text[]) order by user_id, changed_at desc
           ) listed
           union all
           select user_id, name from user_directory
           where user_id = any($2::text[]) and name is not null
             and user_id not in (select user_id from staff_contacts where tenant = $1)""",
        tenant,
        ids,
    )
    return {r["user_id"]: r["name"] for r in rows}
