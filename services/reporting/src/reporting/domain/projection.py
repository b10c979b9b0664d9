"""What one contract event changes in the read models (`reporting.translation` builds it from the
event), decided without any I/O."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from .access import AccessEntry
from .cases import CaseChange, CaseRow, case_row
from .chronology import ChronologyEntry
from .pupils import PupilRow
from .staff import StaffListing


@dataclass(frozen=True)
class ZorgteamChange:
    """A zorgteam member invited into a case (or the invitation withdrawn): what they may see."""

    case_id: uuid.UUID
    member_id: str
    invited: bool


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
    staff: StaffListing | None = None
    """A person listed in (or delisted from) a school's staff directory: their name for documents."""

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
            and self.staff is None
        )
