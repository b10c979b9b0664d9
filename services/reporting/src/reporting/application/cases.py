"""A school's case list, for its IB'ers, the zorgteam members invited into its cases and auditors."""

from __future__ import annotations

import asyncio
from datetime import date

from meldcode_contracts import Role

from ..domain.case_filter import EVERY_CASE, CaseFilter
from ..domain.cases import SchoolCase
from .ports import AccessLog, CaseReadModels, Reader


async def cases_of_school(
    reader: Reader,
    school: str,
    *,
    cases: CaseReadModels,
    access: AccessLog,
    chosen: CaseFilter = EVERY_CASE,
    today: date | None = None,
) -> list[SchoolCase]:
    """The school's cases that `chosen` admits, most recently changed first; a zorgteam member sees
    only the cases they are invited into. Every case listed is logged as read."""
    reader.require_school(reader.tenant, school)
    rows = await cases.cases_of_school(reader.tenant, school)
    if reader.role is Role.ZORGTEAM:
        invited = await cases.invited_cases(reader.user_id)
        rows = [r for r in rows if r.case.case_id in invited]
    if chosen != EVERY_CASE:
        if today is None:
            raise ValueError("filtering on overdue obligations needs today")
        rows = [r for r in rows if chosen.admits(r, today)]
    await asyncio.gather(
        *(
            access.record(
                action="school.cases",
                tenant=r.case.tenant,
                school=r.case.school,
                case_id=r.case.case_id,
                pupil_id=r.case.pupil_id,
            )
            for r in rows
        )
    )
    return rows
