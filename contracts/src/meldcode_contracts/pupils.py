"""Events about pupils (owner: signals)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from meldcode_vocabulary.erasure import ErasureReason as ErasureReason  # the contracts keep naming it

from .envelope import BRIN_PATTERN, Envelope, Role
from .personal import Personal


class PupilRegisteredPayload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    pupil_id: uuid.UUID = Field(description="Pseudonymous pupil id, used by every other event")
    pupil_number: Personal[str] = Field(description="The school's own pupil number (leerlingnummer)")
    given_name: Personal[str] = Field(description="Roepnaam")
    family_name: Personal[str] = Field(description="Achternaam")
    date_of_birth: Personal[date | None] = Field(
        description="Geboortedatum; drives the 12+ rule. Always given; reads as null once erased"
    )


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


class PersonalDataErasedPayload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    pupil_id: uuid.UUID
    reason: ErasureReason
    erased_on: date = Field(description="The day the pupil's data key was destroyed")


class PersonalDataErased(Envelope):
    """The pupil's data key was destroyed (crypto-shredding): every personal field of the pupil,
    in every event store, topic and copy, now reads as "[gewist]". Read models drop the pupil's
    personal values when they see this event; the events themselves stay, so cases still replay."""

    event_type: Literal["PersonalDataErased"] = "PersonalDataErased"
    payload: PersonalDataErasedPayload


class ErasureRequestedPayload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    pupil_id: uuid.UUID
    request_id: uuid.UUID = Field(description="The request; its approval names it")
    reason: ErasureReason = Field(description="verzoek_betrokkene or rechterlijke_uitspraak")
    requested_on: date


class ErasureRequested(Envelope):
    """An IB'er or beheerder asked to erase the pupil's personal data (the actor). Nothing is erased
    until a second person of the other role approves it (four eyes)."""

    event_type: Literal["ErasureRequested"] = "ErasureRequested"
    payload: ErasureRequestedPayload


class ErasureApprovedPayload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    pupil_id: uuid.UUID
    request_id: uuid.UUID
    reason: ErasureReason
    approved_on: date
    requested_by: str = Field(description="User id of who requested it; the approver is the actor")
    requested_by_role: Role


class ErasureApproved(Envelope):
    """A second person, of the other role than the requester, approved an erasure request; the
    `PersonalDataErased` of the same command follows it."""

    event_type: Literal["ErasureApproved"] = "ErasureApproved"
    payload: ErasureApprovedPayload
