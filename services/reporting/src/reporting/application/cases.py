"""A school's case list, for its IB'ers, the zorgteam members invited into its cases and auditors."""

from __future__ import annotations

import asyncio

from meldcode_contracts import Role

from ..domain.cases import SchoolCase
from .ports import AccessLog, CaseReadModels, Reader


async def cases_of_school(
    reader: Reader, school: str, *, cases: CaseReadModels, access: AccessLog
) -> list[SchoolCase]:
    """The school's cases, most recently changed first; a zorgteam member sees only the cases they
    are invited into. Every case listed is logged as read."""
    reader.require_school(reader.tenant, school)
    rows = await cases.cases_of_school(reader.tenant, school)
    if reader.role is Role.ZORGTEAM:
        invited = await cases.invited_cases(reader.user_id)
        rows = [r for r in rows if r.case.case_id in invited]
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
