"""For auditors: the access log (NEN 7513) and the rebuild check of the read models."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

from meldcode_vocabulary.dutch_days import dutch_day_bounds

from ..domain.access import READ_ACTION, AccessEntry, subjects_read
from ..domain.rebuild_check import RebuildReport
from .ports import AccessLog, FigureReadModels, Reader, Rebuilder
from .refusals import Unanswerable


async def read_access_log(
    reader: Reader,
    *,
    pupil_id: uuid.UUID | None,
    user_id: str | None,
    day: date | None,
    limit: int,
    offset: int,
    figures: FigureReadModels,
    access: AccessLog,
) -> list[AccessEntry]:
    """The samenwerkingsverband's access log for exactly one pupil, employee or Dutch calendar day,
    newest first. Reading it is itself logged, once per pupil (or case) it shows."""
    if sum(x is not None for x in (pupil_id, user_id, day)) != 1:
        raise Unanswerable("Geef precies één van pupil_id, user_id of day op.", rule="access-log-filter")
    entries = await figures.access_log_entries(
        reader.tenant,
        pupil_id=pupil_id,
        user_id=user_id,
        between=dutch_day_bounds(day) if day is not None else None,
        limit=limit,
        offset=offset,
    )
    await asyncio.gather(
        *(
            access.record(
                action=READ_ACTION, tenant=reader.tenant, school=entry.school, pupil_id=pupil, case_id=case
            )
            for entry, pupil, case in subjects_read(entries)
        )
    )
    return entries


async def compare_with_rebuild(rebuild: Rebuilder) -> RebuildReport:
    """Rebuild every read model from the topics beside the live ones and compare their checksums;
    the rebuilt tables are dropped again (only the operator's CLI swaps them in)."""
    return await rebuild()
