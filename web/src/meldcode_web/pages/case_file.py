"""The printable case file (dossier) of a case, served through the portal: reporting makes it (people
by name, the history in Dutch); the IB'er prints it from the case page, the auditor from the case's
history."""

from __future__ import annotations

import uuid

from fastapi.responses import Response

from ..api import ServiceApi


async def case_file_download(services: ServiceApi, case_id: uuid.UUID) -> Response:
    content, content_type = await services.get_bytes("reporting", f"/cases/{case_id}/case-file.pdf")
    return Response(
        content,
        media_type=content_type,
        headers={
            "Content-Disposition": f'inline; filename="dossier-{case_id}.pdf"',
            "Cache-Control": "no-store",
        },
    )
