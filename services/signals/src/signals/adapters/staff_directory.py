"""The staff directory as signals' screens and the identity provider ask it: one row per listing.

Caught up from the event store's notification log (only the StaffMember event topics, from the
last position) before each question, like the retention job's departures: a question costs what
was listed since the previous one. Each row keeps the aggregate version that set it, so two
catch-ups at once (two requests) write the same rows and never an older one over a newer one.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import anyio
import asyncpg
from eventsourcing.application import Application
from eventsourcing.utils import get_topic

from ..domain.staff import StaffMember
from .notification_log import read_since

POSITION = "staff-directory"
STAFF_TOPICS = tuple(
    get_topic(t) for t in (StaffMember.FirstListed, StaffMember.Listed, StaffMember.Delisted)
)


@dataclass(frozen=True)
class DirectoryEntry:
    member_id: uuid.UUID
    school: str
    user_id: str
    name: str
    role: str
    email: str | None
    listed: bool


async def catch_up(pool: asyncpg.Pool, application: Application[Any], *, batch_size: int = 500) -> int:
    """Apply the staff events stored since the last position; returns how many."""
    applied = 0
    start = int(
        await pool.fetchval("select position from staff_directory_position where name = $1", POSITION) or 0
    )
    while True:
        reached, events = await anyio.to_thread.run_sync(
            read_since, application, start, batch_size, STAFF_TOPICS
        )
        if reached <= start:
            return applied
        async with pool.acquire() as proxy, proxy.transaction():
            conn = cast(asyncpg.Connection, proxy)
            for event in events:
                await _apply(conn, event)
            await conn.execute(
                """insert into staff_directory_position (name, position) values ($1, $2)
                   on conflict (name) do update
                   set position = greatest(staff_directory_position.position, excluded.position),
                       updated_at = now()""",
                POSITION,
                reached,
            )
        applied += len(events)
        start = reached


async def _apply(conn: asyncpg.Connection, event: Any) -> None:
    if isinstance(event, (StaffMember.FirstListed, StaffMember.Listed)):
        await conn.execute(
            """insert into staff_directory
                   (member_id, tenant, school, user_id, name, role, email, listed, version)
               values ($1, $2, $3, $4, $5, $6, $7, true, $8)
               on conflict (member_id) do update
                   set name = excluded.name, role = excluded.role, email = excluded.email,
                       listed = true, version = excluded.version
                   where staff_directory.version < excluded.version""",
            event.originator_id,
            event.tenant,
            event.school,
            event.user_id,
            event.name,
            event.role,
            event.email,
            event.originator_version,
        )
    elif isinstance(event, StaffMember.Delisted):
        await conn.execute(
            """update staff_directory set listed = false, version = $2
               where member_id = $1 and version < $2""",
            event.originator_id,
            event.originator_version,
        )


def _entry(row: asyncpg.Record) -> DirectoryEntry:
    return DirectoryEntry(
        member_id=row["member_id"],
        school=row["school"],
        user_id=row["user_id"],
        name=row["name"],
        role=row["role"],
        email=row["email"],
        listed=row["listed"],
    )


_COLUMNS = "member_id, school, user_id, name, role, email, listed"


class PostgresStaffDirectory:
    """The directory's questions, each after catching up with the event store."""

    def __init__(self, pool: asyncpg.Pool, application: Application[Any]) -> None:
        self._pool = pool
        self._application = application

    async def at_school(self, tenant: str, school: str, roles: Sequence[str] = ()) -> list[DirectoryEntry]:
        """The people listed (not delisted) at a school, by name; only `roles` when given."""
        await catch_up(self._pool, self._application)
        rows = await self._pool.fetch(
            f"""select {_COLUMNS} from staff_directory
                where tenant = $1 and school = $2 and listed
                  and (cardinality($3::text[]) = 0 or role = any($3::text[]))
                order by lower(name), name, user_id""",  # noqa: S608 - constant columns
            tenant,
            school,
            list(roles),
        )
        return [_entry(r) for r in rows]

    async def by_user_ids(self, tenant: str, user_ids: Sequence[str]) -> list[DirectoryEntry]:
        """Every listing of these people in the samenwerkingsverband, delisted ones too."""
        await catch_up(self._pool, self._application)
        rows = await self._pool.fetch(
            f"""select {_COLUMNS} from staff_directory
                where tenant = $1 and user_id = any($2::text[])
                order by lower(name), name, school""",  # noqa: S608 - constant columns
            tenant,
            list(user_ids),
        )
        return [_entry(r) for r in rows]

    async def in_tenant(self, tenant: str, user_ids: Sequence[str] | None = None) -> list[DirectoryEntry]:
        """Every listing in the samenwerkingsverband (of `user_ids` only, when given)."""
        await catch_up(self._pool, self._application)
        rows = await self._pool.fetch(
            f"""select {_COLUMNS} from staff_directory
                where tenant = $1 and ($2::text[] is null or user_id = any($2::text[]))
                order by school, user_id""",  # noqa: S608 - constant columns
            tenant,
            None if user_ids is None else list(user_ids),
        )
        return [_entry(r) for r in rows]

    async def school_of_other_tenant(self, tenant: str, school: str) -> bool:
        """Whether another samenwerkingsverband keeps this school's directory."""
        await catch_up(self._pool, self._application)
        found: bool = await self._pool.fetchval(
            "select exists (select 1 from staff_directory where school = $1 and tenant <> $2)", school, tenant
        )
        return found
