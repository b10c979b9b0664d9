"""Queries of cases: a school's case list, one case, the zorgteam members invited into cases."""

from __future__ import annotations

import uuid

import asyncpg

from ..domain.cases import CaseRow, SchoolCase
from ..domain.pupils import display_name
from .records import case_row_of


class CaseReads:
    """The case list and the zorgteam invitations read models."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def find_case(self, case_id: uuid.UUID) -> CaseRow | None:
        """The case's row: its school now (after a transfer: the new one), pupil and signals."""
        record = await self._pool.fetchrow("select * from school_cases where case_id = $1", case_id)
        return case_row_of(record) if record is not None else None

    async def cases_of_school(self, tenant: str, school: str) -> list[SchoolCase]:
        """The school's cases, most recently changed first, with the pupil's name when known."""
        records = await self._pool.fetch(
            """select c.*, p.given_name, p.family_name
               from school_cases c left join pupils p on p.pupil_id = c.pupil_id
               where c.tenant = $1 and c.school = $2
               order by c.last_event_at desc, c.case_id""",
            tenant,
            school,
        )
        return [
            SchoolCase(
                case=case_row_of(r),
                pupil_display_name=(
                    display_name(r["given_name"], r["family_name"]) if r["given_name"] is not None else None
                ),
            )
            for r in records
        ]

    async def invited_cases(self, member_id: str) -> set[uuid.UUID]:
        """The cases a zorgteam member is invited into: all they may see of the case lists."""
        rows = await self._pool.fetch("select case_id from case_zorgteam where member_id = $1", member_id)
        return {r["case_id"] for r in rows}

    async def invited_cases_of_pupil(self, member_id: str, pupil_id: uuid.UUID) -> set[uuid.UUID]:
        rows = await self._pool.fetch(
            """select z.case_id from case_zorgteam z join school_cases c on c.case_id = z.case_id
               where z.member_id = $1 and c.pupil_id = $2""",
            member_id,
            pupil_id,
        )
        return {r["case_id"] for r in rows}

    async def is_invited(self, member_id: str, case_id: uuid.UUID) -> bool:
        found = await self._pool.fetchval(
            "select 1 from case_zorgteam where member_id = $1 and case_id = $2", member_id, case_id
        )
        return found is not None
