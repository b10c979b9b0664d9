"""HTTP API of the casework service."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Request, status
from pydantic import BaseModel

from meldcode_edge.auth import CurrentPrincipal
from meldcode_servicekit.access import AccessLogger

from ..adapters import signal_history
from ..application import CaseworkApplication
from ..commands import OpenCase
from ..domain.case import Case
from .case_access import require_case_access
from .views import CaseOut, HistoryEntryOut, case_view, history_entry

router = APIRouter()


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
    case = await app.open_case(body, principal.acting(request.state.correlation_id), access=principal)
    return CaseOpening(case_id=case.id, version=case.version)


@router.get("/cases/{case_id}", response_model=CaseOut, tags=["cases"], summary="A case as it stands now")
async def get_case(
    case_id: uuid.UUID, principal: CurrentPrincipal, app: CaseworkApp, request: Request, access: AccessLogger
) -> CaseOut:
    case: Case = await anyio.to_thread.run_sync(app.get_case, case_id)
    require_case_access(principal, case)
    view = await case_view(case, request, principal)
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
