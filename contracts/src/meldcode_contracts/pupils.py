"""Events about pupils (owner: signals)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .envelope import BRIN_PATTERN, Envelope
from .personal import Personal


class PupilRegisteredPayload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    pupil_id: uuid.UUID = Field(description="Pseudonymous pupil id, used by every other event")
    pupil_number: Personal[str] = Field(description="The school's own pupil number (leerlingnummer)")
    given_name: Personal[str] = Field(description="Roepnaam")
    family_name: Personal[str] = Field(description="Achternaam")
    date_of_birth: Personal[date] = Field(description="Geboortedatum; drives the 12+ rule")


class PupilRegistered(Envelope):
    """A pupil of a school was registered so that signals can be recorded about them."""

    event_type: Literal["PupilRegistered"] = "PupilRegistered"
    payload: PupilRegisteredPayload


class PupilDeregisteredPayload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    pupil_id: uuid.UUID
    left_on: date = Field(description="The last day the pupil was a pupil of the school")
    destination_school: str | None = Field(
        default=None,
        pattern=BRIN_PATTERN,
        description="BRIN of the new school, when known (a hand-over of a case still needs CaseTransferred)",
    )


class PupilDeregistered(Envelope):
    """The pupil left the school (uitgeschreven); with an open case or recent signals the zorgteam is
    alerted (rule 14)."""

    event_type: Literal["PupilDeregistered"] = "PupilDeregistered"
    payload: PupilDeregisteredPayload
