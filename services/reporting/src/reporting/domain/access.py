"""The access log (NEN 7513) as reporting keeps it: one row per `DataAccessed`, for auditors.

Who read which pupil's or case's data, in which role, on whose behalf, through which service and
action, from where and when. Ids and codes only; the client address and program are kept as the
reading service logged them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Final

READ_ACTION: Final = "access_log.read"
"""The action under which reading the access log is itself logged."""


@dataclass(frozen=True)
class AccessEntry:
    access_id: uuid.UUID
    event_id: uuid.UUID
    occurred_at: datetime
    tenant: str
    school: str
    user_id: str
    role: str
    on_behalf_of: str | None
    service: str
    action: str
    resource: str
    pupil_id: uuid.UUID | None
    case_id: uuid.UUID | None
    client_address: str | None
    client_application: str | None


def subjects_read(entries: list[AccessEntry]) -> list[tuple[AccessEntry, uuid.UUID | None, uuid.UUID | None]]:
    """One (entry, pupil_id, case_id) per distinct pupil — or per case for entries without a pupil —
    in the returned entries: what reading these entries must log (the first entry names the school)."""
    seen: set[uuid.UUID] = set()
    out: list[tuple[AccessEntry, uuid.UUID | None, uuid.UUID | None]] = []
    for entry in entries:
        if entry.pupil_id is not None:
            if entry.pupil_id not in seen:
                seen.add(entry.pupil_id)
                out.append((entry, entry.pupil_id, None))
        elif entry.case_id is not None and entry.case_id not in seen:
            seen.add(entry.case_id)
            out.append((entry, None, entry.case_id))
    return out
