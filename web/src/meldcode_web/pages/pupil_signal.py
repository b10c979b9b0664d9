"""The IB'er records a signal straight from a pupil's chronology (a concern of their own, or one a
parent or colleague told them), with the same form as the teacher's."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from meldcode_contracts import Role
from meldcode_edge.clock import school_today

from ..api import ApiProblem, ServiceApi, api
from ..session import PortalUser, require_roles
from ..templating import render
from .signal_attachments import SignalAttachments, refused_query
from .teacher import CATEGORY_OPTIONS, SOURCE_OPTIONS, SignalForm, signal_field_errors

router = APIRouter()

IB_ONLY = require_roles(Role.INTERN_BEGELEIDER)
"""Signals lets the school's staff record signals; of the case staff only the IB'er is school staff."""

RECORDED = "signaal"
"""The chronology's `vastgelegd` value after a signal was recorded here."""


def _page(
    request: Request,
    pupil: dict[str, Any],
    form: SignalForm,
    *,
    errors: dict[str, str] | None = None,
    problem: ApiProblem | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "casework/record_signal.html",
        {
            "pupil": pupil,
            "form": form,
            "errors": errors or {},
            "problem": problem,
            "category_options": CATEGORY_OPTIONS,
            "source_options": SOURCE_OPTIONS,
        },
        status_code=status_code,
    )


async def _pupil(services: ServiceApi, pupil_id: uuid.UUID) -> dict[str, Any]:
    pupil: dict[str, Any] = await services.get("signals", f"/pupils/{pupil_id}")
    return pupil


@router.get("/leerlingen/{pupil_id}/signaal", include_in_schema=False)
async def signal_form(
    request: Request,
    pupil_id: uuid.UUID,
    user: PortalUser = Depends(IB_ONLY),
    services: ServiceApi = Depends(api),
) -> Response:
    return _page(
        request, await _pupil(services, pupil_id), SignalForm(observed_on=school_today().isoformat())
    )


@router.post("/leerlingen/{pupil_id}/signaal", include_in_schema=False)
async def record_signal(
    request: Request,
    pupil_id: uuid.UUID,
    user: PortalUser = Depends(IB_ONLY),
    services: ServiceApi = Depends(api),
) -> Response:
    pupil = await _pupil(services, pupil_id)
    form = await SignalForm.read(request)
    errors = form.errors()
    if errors:
        return _page(request, pupil, form, errors=errors, status_code=422)
    attachments = await SignalAttachments.read(await request.form())
    try:
        recorded = await services.post("signals", f"/pupils/{pupil_id}/signals", json=form.body())
    except ApiProblem as problem:
        if problem.status in (401, 403, 404):
            raise
        return _page(
            request,
            pupil,
            form,
            errors=signal_field_errors(problem),
            problem=problem,
            status_code=problem.status,
        )
    refused = await attachments.send(services, str(recorded["signal_id"]))
    if refused:  # the signal is recorded; the attachment can be added again on its page
        return RedirectResponse(
            f"/signalen/{recorded['signal_id']}/bijlagen?{refused_query(refused)[1:]}", status_code=303
        )
    return RedirectResponse(f"/leerlingen/{pupil_id}/chronologie?vastgelegd={RECORDED}", status_code=303)


__all__ = ["RECORDED", "router"]
