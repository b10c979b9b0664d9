"""The printable case file (dossier) of a case, as a PDF."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from meldcode_edge.auth import CurrentPrincipal

from ...adapters import case_file_pdf
from ...application.case_file import read_case_file
from ...domain.schools import schools_of
from .edges import Access, Cases, Pupils, Staff, refusals_as_problems
from .school_routes import register_of

router = APIRouter()


@router.get(
    "/cases/{case_id}/case-file.pdf",
    tags=["cases"],
    summary="The printable case file (dossier) of a case, people by name, for the IB'er and the auditor",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The case file as a PDF"}},
)
async def case_file_pdf_view(
    case_id: uuid.UUID,
    request: Request,
    principal: CurrentPrincipal,
    pupils: Pupils,
    cases: Cases,
    staff: Staff,
    access: Access,
) -> Response:
    names = {s.brin: s.name for s in schools_of(register_of(request), principal.tenant)}
    with refusals_as_problems():
        file = await read_case_file(
            principal,
            case_id,
            school_names=names,
            printed_at=datetime.now(UTC),
            pupils=pupils,
            cases=cases,
            staff=staff,
            access=access,
        )
    return Response(
        content=case_file_pdf.render(file),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="dossier-{case_id}.pdf"'},
    )
