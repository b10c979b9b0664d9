"""The names of staff user ids, from the staff directories reporting keeps (`staff_names`)."""

from __future__ import annotations

from collections.abc import Iterable

import asyncpg

from ..domain.staff import StaffNames


class StaffReads:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def names_of(self, tenant: str, user_ids: Iterable[str]) -> StaffNames:
        """user id -> name for the ids a school of `tenant` lists or listed (the latest listing of a
        person wins); ids no directory knows are left out."""
        ids = sorted({i for i in user_ids if i})
        if not ids:
            return {}
        rows = await self._pool.fetch(
            """select distinct on (user_id) user_id, name from staff_names
               where tenant = $1 and user_id = any($2::text[]) and name is not null
               order by user_id, changed_at desc""",
            tenant,
            ids,
        )
        return {r["user_id"]: r["name"] for r in rows}
