"""The school's case list: each case with the step it stands in and its one case owner (rule 4)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from meldcode_contracts import CaseOpened


class CaseStep(StrEnum):
    """Where a case stands in the six steps of the Meldcode, as casework names it."""

    OPENED = "geopend"


STEP_LABELS: Final[Mapping[str, str]] = {
    CaseStep.OPENED: "Stap 2: zaak geopend na collegiale consultatie",
}


def step_label(step: str) -> str:
    """The Dutch description of a step for screens; unknown (newer) steps are shown as they are."""
    return STEP_LABELS.get(step, step)


@dataclass(frozen=True)
class CaseRow:
    """One row of a school's case list. Holds ids only: no personal data."""

    case_id: uuid.UUID
    tenant: str
    school: str
    pupil_id: uuid.UUID
    step: str
    case_owner_id: str
    signal_ids: tuple[uuid.UUID, ...]
    opened_at: datetime
    last_event_at: datetime


def case_opened(event: CaseOpened) -> CaseRow:
    payload = event.payload
    return CaseRow(
        case_id=payload.case_id,
        tenant=event.tenant,
        school=event.school,
        pupil_id=payload.pupil_id,
        step=CaseStep.OPENED,
        case_owner_id=payload.case_owner_id,
        signal_ids=tuple(payload.signal_ids),
        opened_at=event.occurred_at,
        last_event_at=event.occurred_at,
    )
