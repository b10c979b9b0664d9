"""HTTP API of the signals service."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from meldcode_contracts import ErasureReason, SignalCategory, SourceKind
from meldcode_contracts.envelope import BRIN_PATTERN
from meldcode_servicekit.access import AccessLogger
from meldcode_servicekit.auth import CurrentPrincipal, Principal

from ..adapters import open_cases
from ..application import SignalsApplication
from ..config import Settings
from ..domain.erasure import ErasureRequest
from ..domain.pupil import Pupil
from ..domain.retention import Term
from ..domain.signal import Authorship, Observation, Signal

router = APIRouter()

# The zorgteam (also a partner's professional) sees a pupil only through a case it is invited into
# (casework, and the chronology in reporting); signals does not know those invitations.


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RegisterPupil(Strict):
    school: str = Field(pattern=BRIN_PATTERN, description="BRIN of the pupil's school")
    pupil_number: str = Field(min_length=1, max_length=32, description="The school's leerlingnummer")
    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=150)
    date_of_birth: date


class PupilRegistration(BaseModel):
    pupil_id: uuid.UUID


class SourceIn(Strict):
    kind: SourceKind = Field(description="own_observation, pupil_said, parent_said or third_party")
    name: str | None = Field(
        default=None, max_length=200, description="Who said it (required for third_party)"
    )


class RecordSignal(Strict):
    observed_on: date = Field(description="The day of the observation")
    description: str = Field(min_length=1, max_length=10_000, description="Factual: what was seen or heard")
    source: SourceIn
    categories: list[SignalCategory] = Field(default_factory=list, max_length=8)
    interpretation: str | None = Field(
        default=None, max_length=10_000, description="Kept apart from the facts"
    )

    def observation(self) -> Observation:
        return Observation(
            observed_on=self.observed_on,
            description=self.description,
            source_kind=self.source.kind,
            source_name=self.source.name,
            categories=tuple(dict.fromkeys(self.categories)),
            interpretation=self.interpretation,
        )


class CorrectSignal(RecordSignal):
    reason: str = Field(min_length=1, max_length=2_000, description="Why the signal is corrected")


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


def signals_app(request: Request) -> SignalsApplication:
    app: SignalsApplication = request.app.state.signals
    return app


SignalsApp = Annotated[SignalsApplication, Depends(signals_app)]


async def readable_pupil(app: SignalsApplication, pupil_id: uuid.UUID, principal: Principal) -> Pupil:
    pupil = await anyio.to_thread.run_sync(app.get_pupil, pupil_id)
    principal.require_school(pupil.tenant, pupil.school)
    return pupil


@router.post(
    "/pupils",
    status_code=status.HTTP_201_CREATED,
    response_model=PupilRegistration,
    tags=["pupils"],
    summary="Register a pupil (returns the pseudonymous pupil id)",
)
async def register_pupil(
    body: RegisterPupil, principal: CurrentPrincipal, app: SignalsApp, request: Request
) -> PupilRegistration:
    principal.require_school(principal.tenant, body.school)
    pupil_id = await anyio.to_thread.run_sync(
        lambda: app.register_pupil(
            school=body.school,
            pupil_number=body.pupil_number,
            given_name=body.given_name,
            family_name=body.family_name,
            date_of_birth=body.date_of_birth,
            acting=principal.acting(request.state.correlation_id),
        )
    )
    return PupilRegistration(pupil_id=pupil_id)


class DeregisterPupil(Strict):
    left_on: date = Field(description="The last day the pupil was a pupil of the school (not in the future)")
    destination_school: str | None = Field(
        default=None, pattern=BRIN_PATTERN, description="BRIN of the new school, when known"
    )


class PupilDeregistration(BaseModel):
    pupil_id: uuid.UUID
    left_on: date
    destination_school: str | None


@router.post(
    "/pupils/{pupil_id}/deregistration",
    response_model=PupilDeregistration,
    tags=["pupils"],
    summary="Deregister a pupil who left the school (rule 14: the zorgteam is alerted when it matters)",
)
async def deregister_pupil(
    pupil_id: uuid.UUID,
    body: DeregisterPupil,
    principal: CurrentPrincipal,
    app: SignalsApp,
    request: Request,
) -> PupilDeregistration:
    await readable_pupil(app, pupil_id, principal)
    pupil = await anyio.to_thread.run_sync(
        lambda: app.deregister_pupil(
            pupil_id=pupil_id,
            left_on=body.left_on,
            destination_school=body.destination_school,
            acting=principal.acting(request.state.correlation_id),
        )
    )
    return PupilDeregistration(
        pupil_id=pupil.id, left_on=body.left_on, destination_school=pupil.destination_school
    )


class RequestErasure(Strict):
    reason: ErasureReason = Field(
        description=(
            "verzoek_betrokkene (a lawful request, AVG art. 17) or rechterlijke_uitspraak (a court "
            "order or the like: not held back by the waiting period after a case was closed)"
        )
    )


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


def _request_out(pupil_id: uuid.UUID, request: ErasureRequest) -> ErasureRequestOut:
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


async def erasure_preconditions(request: Request, pupil: Pupil) -> tuple[date | None, Term]:
    """Rule 16 (no erasure while a case is open, also on request) and what the waiting period
    after closing needs: the day the last case was closed, and the period of the pupil's
    samenwerkingsverband."""
    pool = request.app.state.pool
    await open_cases.require_no_open_case(pool, pupil.id)
    closed_on = await open_cases.last_case_closed_on(pool, pupil.id)
    settings: Settings = request.app.state.settings
    return closed_on, settings.erasure_waiting().term_for(pupil.tenant)


@router.post(
    "/pupils/{pupil_id}/erasure-requests",
    status_code=status.HTTP_201_CREATED,
    response_model=ErasureRequestOut,
    tags=["pupils"],
    summary="Ask to erase the pupil's personal data (four eyes: another person of the other role approves)",
    responses={200: {"model": ErasureRequestOut, "description": "A request was waiting already: that one"}},
)
async def request_erasure(
    pupil_id: uuid.UUID,
    body: RequestErasure,
    principal: CurrentPrincipal,
    app: SignalsApp,
    request: Request,
    response: Response,
) -> ErasureRequestOut:
    pupil = await readable_pupil(app, pupil_id, principal)
    closed_on, waiting_period = await erasure_preconditions(request, pupil)
    requested = await anyio.to_thread.run_sync(
        lambda: app.request_erasure(
            pupil_id,
            reason=body.reason,
            last_case_closed_on=closed_on,
            waiting_period=waiting_period,
            acting=principal.acting(request.state.correlation_id),
        )
    )
    if requested.repeated:
        response.status_code = status.HTTP_200_OK
    return _request_out(pupil_id, requested.request)


@router.post(
    "/pupils/{pupil_id}/erasure-requests/{request_id}/approval",
    response_model=PersonalDataErasure,
    tags=["pupils"],
    summary="Approve an erasure request and erase the pupil's personal data for good (crypto-shredding, ADR 10)",
)
async def approve_erasure(
    pupil_id: uuid.UUID,
    request_id: uuid.UUID,
    principal: CurrentPrincipal,
    app: SignalsApp,
    request: Request,
) -> PersonalDataErasure:
    pupil = await readable_pupil(app, pupil_id, principal)
    closed_on, waiting_period = await erasure_preconditions(request, pupil)
    erasure = await anyio.to_thread.run_sync(
        lambda: app.approve_erasure(
            pupil_id,
            request_id=request_id,
            last_case_closed_on=closed_on,
            waiting_period=waiting_period,
            acting=principal.acting(request.state.correlation_id),
        )
    )
    # A repeat (also of an approval that raced ours) answers the erasure there is.
    return PersonalDataErasure(
        pupil_id=pupil_id,
        reason=erasure.reason,
        erased_on=erasure.erased_on,
        request=_request_out(pupil_id, erasure.request) if erasure.request is not None else None,
    )


@router.get("/pupils/{pupil_id}", response_model=PupilOut, tags=["pupils"], summary="A pupil of your school")
async def get_pupil(
    pupil_id: uuid.UUID, principal: CurrentPrincipal, app: SignalsApp, request: Request, access: AccessLogger
) -> PupilOut:
    pupil = await readable_pupil(app, pupil_id, principal)
    pupil.require_not_erased()
    await access.record(
        principal, request, action="pupil.read", tenant=pupil.tenant, school=pupil.school, pupil_id=pupil.id
    )
    return PupilOut(
        pupil_id=pupil.id,
        school=pupil.school,
        pupil_number=pupil.pupil_number,
        given_name=pupil.given_name,
        family_name=pupil.family_name,
        date_of_birth=pupil.date_of_birth,
    )


@router.post(
    "/pupils/{pupil_id}/signals",
    status_code=status.HTTP_201_CREATED,
    response_model=SignalRecording,
    tags=["signals"],
    summary="Record a signal (step 1: signaleren)",
)
async def record_signal(
    pupil_id: uuid.UUID, body: RecordSignal, principal: CurrentPrincipal, app: SignalsApp, request: Request
) -> SignalRecording:
    await readable_pupil(app, pupil_id, principal)
    signal_id = await anyio.to_thread.run_sync(
        lambda: app.record_signal(
            pupil_id=pupil_id,
            observation=body.observation(),
            acting=principal.acting(request.state.correlation_id),
        )
    )
    return SignalRecording(signal_id=signal_id, pupil_id=pupil_id)


async def readable_signal(app: SignalsApplication, signal_id: uuid.UUID, principal: Principal) -> Signal:
    signal = await anyio.to_thread.run_sync(app.get_signal, signal_id)
    principal.require_school(signal.tenant, signal.school)
    return signal


@router.get("/signals/{signal_id}", response_model=SignalOut, tags=["signals"], summary="A recorded signal")
async def get_signal(
    signal_id: uuid.UUID, principal: CurrentPrincipal, app: SignalsApp, request: Request, access: AccessLogger
) -> SignalOut:
    signal = await readable_signal(app, signal_id, principal)
    await access.record(
        principal,
        request,
        action="signal.read",
        tenant=signal.tenant,
        school=signal.school,
        pupil_id=signal.pupil_id,
    )
    return SignalOut(
        signal_id=signal.id,
        pupil_id=signal.pupil_id,
        school=signal.school,
        observer_id=signal.observer_id,
        written_by=_author(signal.written_by),
        authors=[_author(a) for a in signal.authors],
        observed_on=signal.observed_on,
        description=signal.description,
        source=SourceIn(kind=SourceKind(signal.source_kind), name=signal.source_name),
        categories=signal.categories,
        interpretation=signal.interpretation,
        corrections=signal.corrections,
        version=signal.version,
    )


def _author(authorship: Authorship) -> AuthorOut:
    return AuthorOut(
        version=authorship.version,
        user_id=authorship.actor_id,
        role=authorship.actor_role,
        written_at=authorship.written_at,
    )


@router.post(
    "/signals/{signal_id}/corrections",
    status_code=status.HTTP_201_CREATED,
    response_model=SignalCorrection,
    tags=["signals"],
    summary="Correct a signal: a new event referring to the original, never an edit (its observer or the IB'er)",
)
async def correct_signal(
    signal_id: uuid.UUID, body: CorrectSignal, principal: CurrentPrincipal, app: SignalsApp, request: Request
) -> SignalCorrection:
    await readable_signal(app, signal_id, principal)
    version = await anyio.to_thread.run_sync(
        lambda: app.correct_signal(
            signal_id=signal_id,
            observation=body.observation(),
            reason=body.reason,
            acting=principal.acting(request.state.correlation_id),
        )
    )
    return SignalCorrection(signal_id=signal_id, version=version)


class ConsultColleague(Strict):
    consulted_on: date
    consulted_name: str = Field(min_length=1, max_length=200, description="Who was consulted")
    consulted_role: str = Field(min_length=1, max_length=200, description="e.g. jeugdverpleegkundige")
    organisation: str = Field(min_length=1, max_length=200, description="e.g. JGZ, school")
    advice: str = Field(min_length=1, max_length=10_000)
    signal_ids: list[uuid.UUID] = Field(default_factory=list, max_length=200, description="Signals discussed")


class RequestVeiligThuisAdvice(Strict):
    requested_on: date
    veilig_thuis_region: str = Field(min_length=1, max_length=200)
    question: str = Field(
        min_length=1, max_length=10_000, description="Described without identifying the pupil"
    )
    advice: str = Field(min_length=1, max_length=10_000, description="What Veilig Thuis advised")


class Created(BaseModel):
    id: uuid.UUID


@router.post(
    "/pupils/{pupil_id}/consultations",
    status_code=status.HTTP_201_CREATED,
    response_model=Created,
    tags=["consultations"],
    summary="Record a consultation (step 2: collegiale consultatie)",
)
async def consult_colleague(
    pupil_id: uuid.UUID,
    body: ConsultColleague,
    principal: CurrentPrincipal,
    app: SignalsApp,
    request: Request,
) -> Created:
    await readable_pupil(app, pupil_id, principal)
    consultation_id = await anyio.to_thread.run_sync(
        lambda: app.consult_colleague(
            pupil_id=pupil_id,
            acting=principal.acting(request.state.correlation_id),
            **body.model_dump(),
        )
    )
    return Created(id=consultation_id)


@router.post(
    "/pupils/{pupil_id}/veilig-thuis-advice",
    status_code=status.HTTP_201_CREATED,
    response_model=Created,
    tags=["consultations"],
    summary="Record an anonymous advice request to Veilig Thuis (step 2; nothing identifies the pupil)",
)
async def request_veilig_thuis_advice(
    pupil_id: uuid.UUID,
    body: RequestVeiligThuisAdvice,
    principal: CurrentPrincipal,
    app: SignalsApp,
    request: Request,
) -> Created:
    await readable_pupil(app, pupil_id, principal)
    advice_request_id = await anyio.to_thread.run_sync(
        lambda: app.request_veilig_thuis_advice(
            pupil_id=pupil_id,
            acting=principal.acting(request.state.correlation_id),
            **body.model_dump(),
        )
    )
    return Created(id=advice_request_id)
