"""For the portal's teacher screens: find a pupil of your school, the signals you recorded. The
school's own people only (the zorgteam reaches a pupil only through a case it is invited into)."""

from __future__ import annotations

import asyncio

from ..domain.chronology import RecordedSignal
from ..domain.pupils import PupilRow
from .ports import AccessLog, PupilReadModels, Reader

MIN_QUERY_LENGTH = 2
"""A shorter query finds nobody (no browsing through a school's pupils)."""


async def find_pupils(
    reader: Reader, school: str, query: str, *, pupils: PupilReadModels, access: AccessLog
) -> list[PupilRow]:
    """Pupils of the school whose name or leerlingnummer contains `query`; each found is logged."""
    reader.require_school(reader.tenant, school)
    found = await pupils.search_pupils(reader.tenant, school, query) if len(query) >= MIN_QUERY_LENGTH else []
    await asyncio.gather(
        *(
            access.record(action="pupil.search", tenant=p.tenant, school=p.school, pupil_id=p.pupil_id)
            for p in found
        )
    )
    return found


async def my_signals(
    reader: Reader, school: str, *, pupils: PupilReadModels, access: AccessLog
) -> list[RecordedSignal]:
    """The signals the caller recorded at the school, the latest observation first, with what became of them; each pupil listed is logged once."""
    reader.require_school(reader.tenant, school)
    signals = await pupils.signals_recorded_by(reader.tenant, school, reader.user_id)
    await asyncio.gather(
        *(
            access.record(action="signal.list", tenant=reader.tenant, school=school, pupil_id=pupil_id)
            for pupil_id in dict.fromkeys(s.pupil_id for s in signals)
        )
    )
    return signals
