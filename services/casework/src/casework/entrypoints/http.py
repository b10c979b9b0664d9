"""HTTP API of the casework service."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Request, status
from pydantic import BaseModel, ConfigDict, Field

from meldcode_edge.auth import CurrentPrincipal
from meldcode_edge.clock import school_today
from meldcode_servicekit.access import AccessLogger

from ..adapters import signal_history
from ..application import CaseworkApplication
from ..domain.case import Case
from .case_access import require_case_access
from .views import CaseOut, HistoryEntryOut, case_view, history_entry

router = APIRouter()


class OpenCase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pupil_id: uuid.UUID
    signal_ids: list[uuid.UUID] = Field(
        min_length=1, max_length=200, description="Recorded signals of this pupil"
    )
    case_owner_id: str | None = Field(
        default=None, min_length=1, max_length=128, description="The responsible case owner; default: you"
    )


class CaseOpening(BaseModel):
    case_id: uuid.UUID
    version: int


class KnownSignalOut(BaseModel):
    signal_id: uuid.UUID
    observed_on: date
    recorded_at: datetime
    corrections: int


def casework_app(request: Request) -> CaseworkApplication:
    app: CaseworkApplication = request.app.state.casework
    return app


CaseworkApp = Annotated[CaseworkApplication, Depends(casework_app)]


@router.post(
    "/cases",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseOpening,
    tags=["cases"],
    summary="Open a case from recorded signals (rule 4)",
)
async def open_case(
    body: OpenCase, principal: CurrentPrincipal, app: CaseworkApp, request: Request
) -> CaseOpening:
    known = await signal_history.find_signals(request.app.state.pool, body.signal_ids)
    for signal in known:
        principal.require_school(signal.tenant, signal.school)
    case = await anyio.to_thread.run_sync(
        lambda: app.open_case(
            pupil_id=body.pupil_id,
            signal_ids=body.signal_ids,
            known_signals=known,
            case_owner_id=body.case_owner_id,
            acting=principal.acting(request.state.correlation_id),
            today=school_today(),
        )
    )
    return CaseOpening(case_id=case.id, version=case.version)


@router.get("/cases/{case_id}", response_model=CaseOut, tags=["cases"], summary="A case as it stands now")
async def get_case(
    case_id: uuid.UUID, principal: CurrentPrincipal, app: CaseworkApp, request: Request, access: AccessLogger
) -> CaseOut:
    case: Case = await anyio.to_thread.run_sync(app.get_case, case_id)
    require_case_access(principal, case)
    view = await case_view(case, request)
    await access.record(
        principal,
        request,
        action="case.read",
        tenant=case.tenant,
        school=case.school,
        case_id=case.id,
        pupil_id=case.pupil_id,
    )
    return view


@router.get(
    "/cases/{case_id}/history",
    response_model=list[HistoryEntryOut],
    tags=["cases"],
    summary="Every event of the case in order: what happened, when, by whom",
)
async def get_case_history(
    case_id: uuid.UUID, principal: CurrentPrincipal, app: CaseworkApp, request: Request, access: AccessLogger
) -> list[HistoryEntryOut]:
    case: Case = await anyio.to_thread.run_sync(app.get_case, case_id)
    require_case_access(principal, case)
    events = await anyio.to_thread.run_sync(app.case_history, case_id)
    await access.record(
        principal,
        request,
        action="case.history",
        tenant=case.tenant,
        school=case.school,
        case_id=case.id,
        pupil_id=case.pupil_id,
    )
    return [history_entry(e) for e in events]


@router.get(
    "/pupils/{pupil_id}/signals",
    response_model=list[KnownSignalOut],
    tags=["signals"],
    summary="The pupil's signals as known to casework (ids and dates; the facts stay in signals)",
)
async def pupil_signals(
    pupil_id: uuid.UUID, principal: CurrentPrincipal, request: Request, access: AccessLogger
) -> list[KnownSignalOut]:
    rows = await signal_history.signals_of_pupil(request.app.state.pool, pupil_id)
    for row in rows:
        principal.require_school(row["tenant"], row["school"])
    if rows:  # an empty answer discloses nothing about the pupil
        await access.record(
            principal,
            request,
            action="pupil.signals",
            tenant=rows[0]["tenant"],
            school=rows[0]["school"],
            pupil_id=pupil_id,
        )
    return [
        KnownSignalOut(
            signal_id=r["signal_id"],
            observed_on=r["observed_on"],
            recorded_at=r["recorded_at"],
            corrections=r["corrections"],
        )
        for r in rows
    ]
