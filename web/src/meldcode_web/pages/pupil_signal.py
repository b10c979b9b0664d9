"""The IB'er records a signal straight from a pupil's chronology (a concern of their own, or one a
parent or colleague told them), with the same form as the teacher's."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from meldcode_contracts import Role
from meldcode_vocabulary.dutch_days import dutch_today

from ..api import ServiceApi, api
from ..session import PortalUser, require_roles
from .signal_attachments import refused_query
from .teacher import SignalForm, pupil_of, record_signal_from_form, signal_form_page

router = APIRouter()

IB_ONLY = require_roles(Role.INTERN_BEGELEIDER)
"""Signals lets the school's staff record signals; of the case staff only the IB'er is school staff."""

RECORDED = "signaal"
"""The chronology's `vastgelegd` value after a signal was recorded here."""


IB_FORM = "casework/record_signal.html"


@router.get("/leerlingen/{pupil_id}/signaal", include_in_schema=False)
async def signal_form(
    request: Request,
    pupil_id: uuid.UUID,
    user: PortalUser = Depends(IB_ONLY),
    services: ServiceApi = Depends(api),
) -> Response:
    pupil = await pupil_of(services, pupil_id)
    return signal_form_page(request, IB_FORM, pupil, SignalForm(observed_on=dutch_today().isoformat()))


@router.post("/leerlingen/{pupil_id}/signaal", include_in_schema=False)
async def record_signal(
    request: Request,
    pupil_id: uuid.UUID,
    user: PortalUser = Depends(IB_ONLY),
    services: ServiceApi = Depends(api),
) -> Response:
    recorded = await record_signal_from_form(request, services, IB_FORM, pupil_id)
    if isinstance(recorded, Response):
        return recorded
    if recorded.refused_attachments:  # the signal is recorded; the attachment can be added again on its page
        query = refused_query(recorded.refused_attachments)[1:]
        return RedirectResponse(f"/signalen/{recorded.signal_id}/bijlagen?{query}", status_code=303)
    return RedirectResponse(f"/leerlingen/{pupil_id}/chronologie?vastgelegd={RECORDED}", status_code=303)


__all__ = ["RECORDED", "router"]
