"""What one contract event changes in the read models, decided without any I/O."""

from __future__ import annotations

from dataclasses import dataclass

from meldcode_contracts import CaseOpened, Envelope, PupilRegistered

from .cases import CaseRow, case_opened
from .chronology import ChronologyEntry, chronology_entry
from .pupils import PupilRow, pupil_row


@dataclass(frozen=True)
class Projection:
    """The rows an event adds or updates; all None for an event reporting does not show."""

    pupil: PupilRow | None = None
    entry: ChronologyEntry | None = None
    case: CaseRow | None = None

    @property
    def is_empty(self) -> bool:
        return self.pupil is None and self.entry is None and self.case is None


def project(event: Envelope) -> Projection:
    """The read-model rows of `event`. Applying them twice must change nothing (upserts by id)."""
    return Projection(
        pupil=pupil_row(event) if isinstance(event, PupilRegistered) else None,
        entry=chronology_entry(event),
        case=case_opened(event) if isinstance(event, CaseOpened) else None,
    )
