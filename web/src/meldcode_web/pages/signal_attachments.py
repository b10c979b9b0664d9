"""Attachments to a signal in the portal (issue 17): the body map and a photo or document chosen in
the signal form are sent to signals after the signal is recorded; a signal's attachments are
listed, added and downloaded through the portal (signals checks each file and who may add it)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from meldcode_contracts import Role

from ..api import ApiProblem, ServiceApi, api
from ..session import PortalUser, require_roles
from ..templating import render, templates
from .body_map import BACK, BODY_REGIONS, FRONT, HEIGHT, WIDTH, BodyMap

router = APIRouter()

SCHOOL_STAFF = require_roles(Role.TEACHER, Role.INTERN_BEGELEIDER)

KIND_LABELS = {"foto": "Foto", "document": "Document", "lichaamskaart": "Lichaamskaart"}
TYPE_LABELS = {"image/jpeg": "JPEG-foto", "image/png": "PNG-afbeelding", "application/pdf": "PDF"}
REFUSED_QUERY = "bijlage_geweigerd"


@dataclass(frozen=True)
class ChosenFile:
    filename: str
    content: bytes
    content_type: str

    @property
    def kind(self) -> str:
        return "document" if self.content_type == "application/pdf" else "foto"


@dataclass(frozen=True)
class SignalAttachments:
    """What the signal form adds besides the signal: the body map and one chosen file."""

    body_map: BodyMap
    file: ChosenFile | None

    @classmethod
    async def read(cls, form: FormData) -> SignalAttachments:
        marks = form.get("body_marks")
        body_map = BodyMap.parse(
            [v for v in form.getlist("body_regions") if isinstance(v, str)],
            marks if isinstance(marks, str) else "",
        )
        upload = form.get("attachment")
        chosen = None
        if isinstance(upload, UploadFile) and upload.filename:
            content = await upload.read()
            if content:
                chosen = ChosenFile(
                    upload.filename, content, upload.content_type or "application/octet-stream"
                )
        return cls(body_map, chosen)

    async def send(self, services: ServiceApi, signal_id: str) -> list[ApiProblem]:
        """Send them to signals; answers the refusals (the signal itself is recorded already)."""
        refused: list[ApiProblem] = []
        uploads: list[tuple[tuple[str, bytes, str], str]] = []
        if not self.body_map.empty:
            uploads.append((("lichaamskaart.png", self.body_map.png(), "image/png"), "lichaamskaart"))
        if self.file is not None:
            uploads.append(((self.file.filename, self.file.content, self.file.content_type), self.file.kind))
        for file, kind in uploads:
            try:
                await services.post_file(
                    "signals", f"/signals/{signal_id}/attachments", file=file, data={"kind": kind}
                )
            except ApiProblem as problem:
                if problem.status in (401, 403, 404):
                    raise
                refused.append(problem)
        return refused


def refused_query(refused: list[ApiProblem]) -> str:
    return f"&{REFUSED_QUERY}=1" if refused else ""


async def attachments_of(services: ServiceApi, signal_id: uuid.UUID | str) -> list[dict[str, Any]]:
    answer = await services.get("signals", f"/signals/{signal_id}/attachments")
    items: list[dict[str, Any]] = answer.get("items", []) if isinstance(answer, dict) else []
    return items


def body_map_context() -> dict[str, Any]:
    return {
        "body_regions": BODY_REGIONS,
        "body_front": FRONT,
        "body_back": BACK,
        "body_width": WIDTH,
        "body_height": HEIGHT,
    }


def _page(
    request: Request,
    signal_id: uuid.UUID,
    items: list[dict[str, Any]],
    *,
    problem: ApiProblem | None = None,
    added: bool = False,
    refused: bool = False,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "signal_attachments.html",
        {
            "signal_id": signal_id,
            "attachments": items,
            "problem": problem,
            "added": added,
            "refused": refused,
        },
        status_code=status_code,
    )


@router.get("/signalen/{signal_id}/bijlagen", include_in_schema=False)
async def attachments_page(
    request: Request,
    signal_id: uuid.UUID,
    toegevoegd: int = 0,
    bijlage_geweigerd: int = 0,
    user: PortalUser = Depends(SCHOOL_STAFF),
    services: ServiceApi = Depends(api),
) -> Response:
    items = await attachments_of(services, signal_id)
    return _page(request, signal_id, items, added=bool(toegevoegd), refused=bool(bijlage_geweigerd))


@router.post("/signalen/{signal_id}/bijlagen", include_in_schema=False)
async def add_attachment(
    request: Request,
    signal_id: uuid.UUID,
    user: PortalUser = Depends(SCHOOL_STAFF),
    services: ServiceApi = Depends(api),
) -> Response:
    chosen = await SignalAttachments.read(await request.form())
    refused = await chosen.send(services, str(signal_id))
    if refused or (chosen.file is None and chosen.body_map.empty):
        problem = refused[0] if refused else None
        items = await attachments_of(services, signal_id)
        return _page(
            request,
            signal_id,
            items,
            problem=problem,
            refused=problem is None,
            status_code=problem.status if problem else 422,
        )
    return RedirectResponse(f"/signalen/{signal_id}/bijlagen?toegevoegd=1", status_code=303)


@router.get("/signalen/{signal_id}/bijlagen/{attachment_id}", include_in_schema=False)
async def download(
    signal_id: uuid.UUID,
    attachment_id: uuid.UUID,
    user: PortalUser = Depends(SCHOOL_STAFF),
    services: ServiceApi = Depends(api),
) -> Response:
    answer = await services.get_file("signals", f"/signals/{signal_id}/attachments/{attachment_id}")
    return Response(
        content=answer.content,
        media_type=answer.headers.get("content-type", "application/octet-stream"),
        headers={
            "Content-Disposition": answer.headers.get("content-disposition", "attachment"),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


def size_label(size: object) -> str:
    value = int(size) if isinstance(size, int | str) and str(size).isdigit() else 0
    if value < 1024 * 1024:
        return f"{max(1, round(value / 1024))} kB"
    return f"{value / (1024 * 1024):.1f} MB".replace(".", ",")


templates.env.globals["body_map_geometry"] = body_map_context()
templates.env.filters["bijlagesoort"] = lambda kind: KIND_LABELS.get(str(kind), str(kind))
templates.env.filters["bestandstype"] = lambda t: TYPE_LABELS.get(str(t), str(t))
templates.env.filters["bestandsgrootte"] = size_label
