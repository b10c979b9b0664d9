"""HTTP API of the signals service: the route policy, and request -> command -> answer."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, TypeVar

import anyio
from fastapi import APIRouter, Depends, Request, Response, status

from meldcode_edge.acting import Acting
from meldcode_edge.auth import CurrentPrincipal, Principal
from meldcode_servicekit.access import AccessLogger

from ..application import ErasureOnRequest, SignalsApplication
from ..commands import (
    ApproveErasure,
    ConsultColleague,
    CorrectSignal,
    DeregisterPupil,
    RecordSignal,
    RegisterPupil,
    RequestErasure,
    RequestVeiligThuisAdvice,
)
from ..domain.pupil import Pupil
from ..domain.signal import Signal
from .http_answers import (
    Created,
    ErasureRequestOut,
    PersonalDataErasure,
    PupilDeregistration,
    PupilOut,
    PupilRegistration,
    SignalCorrection,
    SignalOut,
    SignalRecording,
    erasure_request_out,
    pupil_out,
    signal_out,
)

router = APIRouter()
T = TypeVar("T")

# The zorgteam (also a partner's professional) sees a pupil only through a case it is invited into
# (casework, and the chronology in reporting); signals does not know those invitations.


def signals_of(request: Request) -> SignalsApplication:
    app: SignalsApplication = request.app.state.signals
    return app


async def signals_app(request: Request) -> SignalsApplication:
    """Async: a dependency that does no I/O costs no hop to a worker thread."""
    return signals_of(request)


SignalsApp = Annotated[SignalsApplication, Depends(signals_app)]


async def erasure_use_cases(request: Request) -> ErasureOnRequest:
    erasure: ErasureOnRequest = request.app.state.erasure
    return erasure


Erasures = Annotated[ErasureOnRequest, Depends(erasure_use_cases)]


async def readable_pupil(app: SignalsApplication, pupil_id: uuid.UUID, principal: Principal) -> Pupil:
    pupil = await anyio.to_thread.run_sync(app.get_pupil, pupil_id)
    principal.require_school(pupil.tenant, pupil.school)
    return pupil


async def acting_on_pupil(
    app: SignalsApplication, pupil_id: uuid.UUID, principal: Principal, request: Request
) -> Acting:
    """The principal acting on a pupil of their own school (else 404 or 403, before any use case runs)."""
    await readable_pupil(app, pupil_id, principal)
    return principal.acting(request.state.correlation_id)


async def on_own_pupil(
    app: SignalsApplication, pupil_id: uuid.UUID, principal: Principal, use_case: Callable[[Pupil], T]
) -> T:
    """`use_case` on a pupil of the principal's own school (else 404 or 403): one worker thread and
    one load of the pupil for the check and the use case (which changes no pupil)."""

    def run() -> T:
        pupil = app.get_pupil(pupil_id)
        principal.require_school(pupil.tenant, pupil.school)
        return use_case(pupil)

    return await anyio.to_thread.run_sync(run)


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
    acting = principal.acting(request.state.correlation_id)
    pupil_id = await anyio.to_thread.run_sync(lambda: app.register_pupil(body, acting=acting))
    return PupilRegistration(pupil_id=pupil_id)


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
    acting = await acting_on_pupil(app, pupil_id, principal, request)
    pupil = await anyio.to_thread.run_sync(lambda: app.deregister_pupil(pupil_id, body, acting=acting))
    return PupilDeregistration(
        pupil_id=pupil.id, left_on=body.left_on, destination_school=pupil.destination_school
    )


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
    erasures: Erasures,
    request: Request,
    response: Response,
) -> ErasureRequestOut:
    acting = await acting_on_pupil(app, pupil_id, principal, request)
    requested = await erasures.request_erasure(pupil_id, body, acting=acting)
    if requested.repeated:
        response.status_code = status.HTTP_200_OK
    return erasure_request_out(pupil_id, requested.request)


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
    erasures: Erasures,
    request: Request,
) -> PersonalDataErasure:
    acting = await acting_on_pupil(app, pupil_id, principal, request)
    erasure = await erasures.approve_erasure(pupil_id, ApproveErasure(request_id=request_id), acting=acting)
    # A repeat (also of an approval that raced ours) answers the erasure there is.
    return PersonalDataErasure(
        pupil_id=pupil_id,
        reason=erasure.reason,
        erased_on=erasure.erased_on,
        request=erasure_request_out(pupil_id, erasure.request) if erasure.request is not None else None,
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
    return pupil_out(pupil)


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
    acting = principal.acting(request.state.correlation_id)

    def own_school(pupil: Pupil) -> None:
        principal.require_school(pupil.tenant, pupil.school)

    # as `on_own_pupil`, but on a pupil kept from an earlier load when it is still as stored
    signal_id = await anyio.to_thread.run_sync(
        lambda: app.record_signal(pupil_id, body, acting=acting, check=own_school)
    )
    return SignalRecording(signal_id=signal_id, pupil_id=pupil_id)


async def readable_signal(app: SignalsApplication, signal_id: uuid.UUID, principal: Principal) -> Signal:
    signal = await anyio.to_thread.run_sync(app.get_signal, signal_id)
    principal.require_school(signal.tenant, signal.school)
    return signal


async def acting_on_signal(
    app: SignalsApplication, signal_id: uuid.UUID, principal: Principal, request: Request
) -> Acting:
    """The principal acting on a signal of their own school (else 404 or 403, before any use case runs)."""
    await readable_signal(app, signal_id, principal)
    return principal.acting(request.state.correlation_id)


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
    return signal_out(signal)


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
    acting = await acting_on_signal(app, signal_id, principal, request)
    version = await anyio.to_thread.run_sync(lambda: app.correct_signal(signal_id, body, acting=acting))
    return SignalCorrection(signal_id=signal_id, version=version)


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
    acting = principal.acting(request.state.correlation_id)
    consultation_id = await on_own_pupil(
        app, pupil_id, principal, lambda pupil: app.consult_colleague_about(pupil, body, acting=acting)
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
    acting = principal.acting(request.state.correlation_id)
    advice_request_id = await on_own_pupil(
        app,
        pupil_id,
        principal,
        lambda pupil: app.request_veilig_thuis_advice_about(pupil, body, acting=acting),
    )
    return Created(id=advice_request_id)
