"""What the signals API answers: the response bodies, and how each is made from the domain."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

from ..commands import SourceIn
from ..domain.erasure import ErasureReason, ErasureRequest
from ..domain.pupil import Pupil
from ..domain.signal import Authorship, Signal, SourceKind


class PupilRegistration(BaseModel):
    pupil_id: uuid.UUID


class SignalRecording(BaseModel):
    signal_id: uuid.UUID
    pupil_id: uuid.UUID


class SignalCorrection(BaseModel):
    signal_id: uuid.UUID
    version: int


class PupilOut(BaseModel):
    pupil_id: uuid.UUID
    school: str
    pupil_number: str
    given_name: str
    family_name: str
    date_of_birth: date


class AuthorOut(BaseModel):
    version: int = Field(description="The signal's version this text became (1: as recorded)")
    user_id: str = Field(description="Pseudonymous user id of who wrote it")
    role: str = Field(description="The role they wrote it in (an IB'er's correction says so)")
    written_at: datetime


class SignalOut(BaseModel):
    signal_id: uuid.UUID
    pupil_id: uuid.UUID
    school: str
    observer_id: str = Field(description="Who recorded the signal (the author of version 1)")
    written_by: AuthorOut = Field(description="Who wrote the text as it reads now")
    authors: list[AuthorOut] = Field(
        description="Who wrote what: the observer's recorded text, then each correction's author"
    )
    observed_on: date
    description: str
    source: SourceIn
    categories: list[str]
    interpretation: str | None
    corrections: int
    version: int


class PupilDeregistration(BaseModel):
    pupil_id: uuid.UUID
    left_on: date
    destination_school: str | None


class ActorOut(BaseModel):
    user_id: str
    role: str


class ErasureRequestOut(BaseModel):
    request_id: uuid.UUID
    pupil_id: uuid.UUID
    reason: ErasureReason
    requested_on: date
    requested_by: ActorOut
    approved_by: ActorOut | None = Field(description="Who approved it (another person, the other role)")
    approved_on: date | None


class PersonalDataErasure(BaseModel):
    pupil_id: uuid.UUID
    reason: ErasureReason
    erased_on: date
    request: ErasureRequestOut | None = Field(description="The request the erasure followed")


def erasure_request_out(pupil_id: uuid.UUID, request: ErasureRequest) -> ErasureRequestOut:
    return ErasureRequestOut(
        request_id=request.request_id,
        pupil_id=pupil_id,
        reason=request.reason,
        requested_on=request.requested_on,
        requested_by=ActorOut(user_id=request.requested_by, role=request.requested_by_role),
        approved_by=ActorOut(user_id=request.approved_by, role=request.approved_by_role or "")
        if request.approved_by is not None
        else None,
        approved_on=request.approved_on,
    )


def author_out(authorship: Authorship) -> AuthorOut:
    return AuthorOut(
        version=authorship.version,
        user_id=authorship.actor_id,
        role=authorship.actor_role,
        written_at=authorship.written_at,
    )


class Created(BaseModel):
    id: uuid.UUID


def pupil_out(pupil: Pupil) -> PupilOut:
    return PupilOut(
        pupil_id=pupil.id,
        school=pupil.school,
        pupil_number=pupil.pupil_number,
        given_name=pupil.given_name,
        family_name=pupil.family_name,
        date_of_birth=pupil.date_of_birth,
    )


def signal_out(signal: Signal) -> SignalOut:
    return SignalOut(
        signal_id=signal.id,
        pupil_id=signal.pupil_id,
        school=signal.school,
        observer_id=signal.observer_id,
        written_by=author_out(signal.written_by),
        authors=[author_out(a) for a in signal.authors],
        observed_on=signal.observed_on,
        description=signal.description,
        source=SourceIn(kind=SourceKind(signal.source_kind), name=signal.source_name),
        categories=signal.categories,
        interpretation=signal.interpretation,
        corrections=signal.corrections,
        version=signal.version,
    )
