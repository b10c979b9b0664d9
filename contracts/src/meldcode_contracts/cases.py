"""Events of steps 3-6 of the Meldcode (owner: casework)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .envelope import Envelope


class CaseOpenedPayload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    case_id: uuid.UUID
    pupil_id: uuid.UUID
    signal_ids: list[uuid.UUID] = Field(
        min_length=1, description="The recorded signals the case was opened from"
    )
    case_owner_id: str = Field(description="User id of the one responsible case owner")
    opened_by: str = Field(description="User id of the IB'er / aandachtsfunctionaris who opened it")


class CaseOpened(Envelope):
    """An IB'er / aandachtsfunctionaris opened a case from one or more signals (rule 4)."""

    event_type: Literal["CaseOpened"] = "CaseOpened"
    payload: CaseOpenedPayload
