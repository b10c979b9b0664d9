"""What one contract event changes in the read models, decided without any I/O."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from meldcode_contracts import (
    DataAccessed,
    Envelope,
    PersonalDataErased,
    PupilRegistered,
    ZorgteamInvitationWithdrawn,
    ZorgteamMemberInvited,
)

from .access import AccessEntry, access_entry
from .cases import CaseChange, CaseRow, case_change, case_row
from .chronology import ChronologyEntry, chronology_entry
from .pupils import PupilRow, pupil_row


@dataclass(frozen=True)
class ZorgteamChange:
    """A zorgteam member invited into a case (or the invitation withdrawn): what they may see."""

    case_id: uuid.UUID
    member_id: str
    invited: bool


def zorgteam_change(event: Envelope) -> ZorgteamChange | None:
    if isinstance(event, ZorgteamMemberInvited):
        return ZorgteamChange(event.payload.case_id, event.payload.member_id, invited=True)
    if isinstance(event, ZorgteamInvitationWithdrawn):
        return ZorgteamChange(event.payload.case_id, event.payload.member_id, invited=False)
    return None


@dataclass(frozen=True)
class Projection:
    """The rows an event adds or updates; all None for an event reporting does not show."""

    pupil: PupilRow | None = None
    entry: ChronologyEntry | None = None
    case_change: CaseChange | None = None
    """A casework event's change to its case; the case row is folded from all of them."""
    access: AccessEntry | None = None
    """A `DataAccessed` event's row of the access log."""
    erased_pupil: uuid.UUID | None = None
    """A pupil whose personal values every read model drops (`PersonalDataErased`, ADR 10)."""
    zorgteam: ZorgteamChange | None = None

    @property
    def case(self) -> CaseRow | None:
        """The case row this event gives on its own: only an opened case starts one."""
        return case_row([self.case_change]) if self.case_change is not None else None

    @property
    def is_empty(self) -> bool:
        return (
            self.pupil is None
            and self.entry is None
            and self.case_change is None
            and self.access is None
            and self.erased_pupil is None
            and self.zorgteam is None
        )


def project(event: Envelope) -> Projection:
    """The read-model rows of `event`. Applying them twice must change nothing (upserts by id)."""
    return Projection(
        pupil=pupil_row(event) if isinstance(event, PupilRegistered) else None,
        entry=chronology_entry(event),
        case_change=case_change(event),
        access=access_entry(event) if isinstance(event, DataAccessed) else None,
        erased_pupil=event.payload.pupil_id if isinstance(event, PersonalDataErased) else None,
        zorgteam=zorgteam_change(event),
    )
