"""The printable case file (dossier) of one case, for the school's IB'er (the casushouder among them)
and the auditor. It shows what the reader's chronology shows of the case, names people by the staff
directory, and is logged as a read of the case (NEN 7513)."""

from __future__ import annotations

import uuid
from datetime import datetime

from meldcode_contracts import Role

from ..domain.case_file import CaseFile, case_entries, case_file, people_in
from ..domain.visibility import seen_by_schools
from .ports import AccessLog, CaseReadModels, PupilReadModels, Reader, StaffDirectory
from .refusals import unknown_case

ACTION = "case.file"


async def read_case_file(
    reader: Reader,
    case_id: uuid.UUID,
    *,
    school_names: dict[str, str],
    printed_at: datetime,
    pupils: PupilReadModels,
    cases: CaseReadModels,
    staff: StaffDirectory,
    access: AccessLog,
) -> CaseFile:
    """The case file of `case_id`; `school_names` maps the BRIN codes of the reader's
    samenwerkingsverband to their names (the school register). Another school's case is refused
    (403) and an unknown one is not found (404)."""
    case = await cases.find_case(case_id)
    if case is None:
        raise unknown_case()
    reader.require_school(case.tenant, case.school)
    stored = await pupils.chronology_of(case.tenant, case.pupil_id)
    entries = [s.entry for s in stored]
    if reader.role is not Role.AUDITOR:
        seen = seen_by_schools(entries, reader.schools)
        entries = [e for e in entries if e.event_id in seen]
    history = case_entries(case, entries)
    pupil = await pupils.find_pupil(case.pupil_id)
    names = await staff.names_of(case.tenant, people_in(case, history))
    await access.record(
        action=ACTION, tenant=case.tenant, school=case.school, case_id=case.case_id, pupil_id=case.pupil_id
    )
    return case_file(case, pupil, school_names.get(case.school), history, names, printed_at=printed_at)
