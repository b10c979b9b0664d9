"""One POST route per command of steps 3-6: `POST /cases/{case_id}/<command>`.

A route only translates: who may give the command on which case, the command (its body) and who
gives it (`Acting`) to the application's use case, and the case it answers to the view. A command
answers the case as it stands after it, the same view `GET /cases/{case_id}` gives, so it is a read
of the case too and goes into the access log (`case.command`, NEN 7513) — before the change, so a
command whose read cannot be logged changes nothing (503) rather than changing the case and then
failing. The portal shows that answer; answering less would only move the read to a second request.

(No `from __future__ import annotations` here: FastAPI must see each route's body type itself.)
"""

import uuid
from typing import Any

import anyio
from fastapi import APIRouter, Request

from meldcode_edge.auth import CurrentPrincipal, Principal
from meldcode_servicekit.access import AccessLogger

from ..application import CaseworkApplication
from ..commands import AddSignals, CaseCommand
from ..domain.case import Case
from .case_access import require_case_access
from .commands import ROUTES, Route
from .views import CaseOut, case_view

router = APIRouter(tags=["case steps"])


async def _case_for(case_id: uuid.UUID, principal: Principal, request: Request, access: AccessLogger) -> Case:
    """The case as the caller may see it, its read logged before the command changes it (who may give
    which command is the route policy's, `policy.py`)."""
    seen = await anyio.to_thread.run_sync(_casework(request).get_case, case_id)
    require_case_access(principal, seen)
    await access.record(
        principal,
        request,
        action="case.command",
        tenant=seen.tenant,
        school=seen.school,
        case_id=seen.id,
        pupil_id=seen.pupil_id,
        in_outbox=True,  # a write never waits for Kafka (ADR 13)
    )
    return seen


def _casework(request: Request) -> CaseworkApplication:
    app: CaseworkApplication = request.app.state.casework
    return app


@router.post(
    "/cases/{case_id}/signals",
    response_model=CaseOut,
    summary="Add signals recorded after opening to the case; a report may cite them (rule 9)",
    name="add_signals",
)
async def add_signals(
    case_id: uuid.UUID, body: AddSignals, principal: CurrentPrincipal, request: Request, access: AccessLogger
) -> CaseOut:
    seen = await _case_for(case_id, principal, request, access)
    acting = principal.acting(request.state.correlation_id)
    case = await _casework(request).add_signals(seen, body, acting, access=principal)
    return await case_view(case, request, principal)


def _add(route: Route[Any]) -> None:
    async def command(
        case_id: uuid.UUID,
        body: CaseCommand,
        principal: CurrentPrincipal,
        request: Request,
        access: AccessLogger,
    ) -> CaseOut:
        seen = await _case_for(case_id, principal, request, access)
        acting = principal.acting(request.state.correlation_id)
        case = await route.handle(_casework(request), seen, body, acting)
        return await case_view(case, request, principal)

    command.__annotations__["body"] = route.body
    router.add_api_route(
        f"/cases/{{case_id}}/{route.path}",
        command,
        methods=["POST"],
        response_model=CaseOut,
        summary=route.summary,
        name=route.name,
    )


for _route in ROUTES:
    _add(_route)
