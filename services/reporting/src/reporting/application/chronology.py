"""Reading a pupil's chronology: the chronology screen, the parents' export and the signals a case
is built on. Each shows only what the caller may see (`reporting.domain.visibility`) and logs the
read (NEN 7513)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from meldcode_contracts import Role

from ..domain.case_signals import CaseSignal, case_signals
from ..domain.cases import CaseRow
from ..domain.chronology import ChronologyEntry, StoredEntry
from ..domain.parents_export import ExportPupil, ParentsExport, parents_export
from ..domain.pupils import PupilRow
from ..domain.visibility import schools_of_pupil, seen_by_schools, seen_by_zorgteam_member
from .ports import AccessLog, CaseReadModels, PupilReadModels, Reader
from .refusals import unknown_case, unknown_pupil


@dataclass(frozen=True)
class Readable:
    school: str
    """The school through which the caller reads the pupil (logged with the access)."""
    visible: list[StoredEntry]
    """What the caller may see of the pupil's chronology, in time order."""
    whole: list[ChronologyEntry]
    """The pupil's whole chronology: never shown, only to know whom an export must keep hidden."""


@dataclass(frozen=True)
class PupilChronology:
    pupil: PupilRow
    readable: Readable


async def readable_chronology(
    reader: Reader, pupils: PupilReadModels, cases: CaseReadModels, pupil: PupilRow
) -> Readable:
    """The school through which the caller reads the pupil, and the entries they may see of the
    pupil's chronology: an auditor everything; school staff their school's own time with the pupil
    and what transfers handed over to it; a zorgteam member of that only the invited cases and what
    they are built on (unknown without an invited case)."""
    stored = await pupils.chronology_of(pupil.tenant, pupil.pupil_id)
    entries = [s.entry for s in stored]
    if reader.role is Role.AUDITOR:
        reader.require_school(pupil.tenant, pupil.school)
        return Readable(pupil.school, stored, entries)
    schools = schools_of_pupil(pupil.school, entries) & reader.schools
    school = min(schools) if schools else pupil.school
    reader.require_school(pupil.tenant, school)
    if reader.role is Role.ZORGTEAM:
        invited = await cases.invited_cases_of_pupil(reader.user_id, pupil.pupil_id)
        seen = seen_by_zorgteam_member(entries, reader.schools, invited)
        if not invited or not seen:
            raise unknown_pupil()
    else:
        seen = seen_by_schools(entries, reader.schools)
    return Readable(school, [s for s in stored if s.entry.event_id in seen], entries)


async def read_chronology(
    reader: Reader,
    pupil_id: uuid.UUID,
    *,
    action: str,
    pupils: PupilReadModels,
    cases: CaseReadModels,
    access: AccessLog,
) -> PupilChronology:
    """The pupil and what the caller may see of their chronology; the read is logged as `action`."""
    pupil = await pupils.find_pupil(pupil_id)
    if pupil is None:
        raise unknown_pupil()
    readable = await readable_chronology(reader, pupils, cases, pupil)
    await access.record(action=action, tenant=pupil.tenant, school=readable.school, pupil_id=pupil.pupil_id)
    return PupilChronology(pupil, readable)


async def export_for_parents(
    reader: Reader, pupil_id: uuid.UUID, *, pupils: PupilReadModels, cases: CaseReadModels, access: AccessLog
) -> ParentsExport:
    """The parents' inspection export (AVG inzage) of what the caller's school sees of the pupil."""
    read = await read_chronology(
        reader, pupil_id, action="pupil.parents_export", pupils=pupils, cases=cases, access=access
    )
    pupil, visible = read.pupil, read.readable.visible
    return parents_export(
        ExportPupil(
            pupil_id=pupil.pupil_id,
            school=pupil.school,
            pupil_number=pupil.pupil_number,
            display_name=pupil.display_name,
            date_of_birth=pupil.date_of_birth,
        ),
        [s.entry for s in visible],
        corrected_signals=frozenset(
            s.entry.signal_id for s in visible if s.corrected and s.entry.signal_id is not None
        ),
        whole_chronology=read.readable.whole,
    )


async def signals_of_case(
    reader: Reader, case_id: uuid.UUID, *, pupils: PupilReadModels, cases: CaseReadModels, access: AccessLog
) -> tuple[CaseRow, list[CaseSignal]]:
    """The case and the signals it is built on that the caller's chronology shows (rule 9); a
    zorgteam member not invited into the case is not told it exists (ADR 11)."""
    case = await cases.find_case(case_id)
    if case is None:
        raise unknown_case()
    reader.require_school(case.tenant, case.school)
    entries = [s.entry for s in await pupils.chronology_of(case.tenant, case.pupil_id)]
    if reader.role is Role.ZORGTEAM:
        if not await cases.is_invited(reader.user_id, case_id):
            raise unknown_case()
        seen = seen_by_zorgteam_member(entries, reader.schools, {case_id})
    else:
        seen = seen_by_schools(entries, reader.schools)
    signals = case_signals(entries, case_id, seen)
    await access.record(
        action="case.signals",
        tenant=case.tenant,
        school=case.school,
        case_id=case.case_id,
        pupil_id=case.pupil_id,
    )
    return case, signals
