"""HTTP API of signals' attachments (issue 17): upload (multipart), list and download."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile, status
from pydantic import BaseModel

from meldcode_edge.auth import CurrentPrincipal
from meldcode_servicekit.access import AccessLogger

from ..application import Attachments
from ..commands import AddAttachment
from ..domain.attachment import Attachment, AttachmentKind
from ..domain.errors import AttachmentTooLarge
from .http import SignalsApp, readable_signal

router = APIRouter(tags=["attachments"])


async def attachment_use_cases(request: Request) -> Attachments:
    attachments: Attachments = request.app.state.attachments
    return attachments


AttachmentsUseCases = Annotated[Attachments, Depends(attachment_use_cases)]


class AttachmentOut(BaseModel):
    id: uuid.UUID
    signal_id: uuid.UUID
    kind: AttachmentKind
    content_type: str
    size: int
    added_at: datetime
    added_by: str
    added_by_role: str


class AttachmentList(BaseModel):
    items: list[AttachmentOut]


def attachment_out(signal_id: uuid.UUID, attachment: Attachment) -> AttachmentOut:
    return AttachmentOut(
        id=attachment.attachment_id,
        signal_id=signal_id,
        kind=attachment.kind,
        content_type=attachment.content_type,
        size=attachment.size,
        added_at=attachment.added_at,
        added_by=attachment.added_by,
        added_by_role=attachment.added_by_role,
    )


_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


@router.post(
    "/signals/{signal_id}/attachments",
    status_code=status.HTTP_201_CREATED,
    response_model=AttachmentOut,
    summary="Attach a photo (JPEG, PNG) or PDF to a signal (its observer or the IB'er); checked by content",
)
async def add_attachment(
    signal_id: uuid.UUID,
    principal: CurrentPrincipal,
    app: SignalsApp,
    attachments: AttachmentsUseCases,
    request: Request,
    file: Annotated[UploadFile, File(description="The file: JPEG, PNG or PDF")],
    kind: Annotated[AttachmentKind, Form()] = AttachmentKind.PHOTO,
) -> AttachmentOut:
    signal = await readable_signal(app, signal_id, principal)
    content = await file.read(attachments.max_bytes + 1)
    if len(content) > attachments.max_bytes:
        raise AttachmentTooLarge(
            f"Het bestand is te groot; het mag hoogstens {attachments.max_bytes // (1024 * 1024)} MB zijn."
        )
    command = AddAttachment(kind=kind, content=content, declared_type=file.content_type)
    added = await attachments.add_attachment(
        signal, command, acting=principal.acting(request.state.correlation_id)
    )
    return attachment_out(signal_id, added)


@router.get(
    "/signals/{signal_id}/attachments",
    response_model=AttachmentList,
    summary="The attachments of a signal (what they are, not their bytes)",
)
async def list_attachments(
    signal_id: uuid.UUID, principal: CurrentPrincipal, app: SignalsApp, request: Request, access: AccessLogger
) -> AttachmentList:
    signal = await readable_signal(app, signal_id, principal)
    await access.record(
        principal,
        request,
        action="signal.attachments",
        tenant=signal.tenant,
        school=signal.school,
        pupil_id=signal.pupil_id,
    )
    return AttachmentList(items=[attachment_out(signal_id, a) for a in signal.attachments])


@router.get(
    "/signals/{signal_id}/attachments/{attachment_id}",
    response_class=Response,
    responses={200: {"content": {t: {} for t in _EXTENSIONS}, "description": "The file"}},
    summary="The bytes of an attachment (410 once the pupil's personal data was erased)",
)
async def download_attachment(
    signal_id: uuid.UUID,
    attachment_id: uuid.UUID,
    principal: CurrentPrincipal,
    app: SignalsApp,
    attachments: AttachmentsUseCases,
    request: Request,
    access: AccessLogger,
) -> Response:
    signal = await readable_signal(app, signal_id, principal)
    opened = await attachments.open_attachment(signal, attachment_id)
    await access.record(
        principal,
        request,
        action="signal.attachment.read",
        tenant=signal.tenant,
        school=signal.school,
        pupil_id=signal.pupil_id,
        resource=str(attachment_id),
    )
    attachment = opened.attachment
    filename = (
        f"bijlage-{attachment.kind.value}-{attachment_id.hex[:8]}.{_EXTENSIONS[attachment.content_type]}"
    )
    return Response(
        content=opened.content,
        media_type=attachment.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )
