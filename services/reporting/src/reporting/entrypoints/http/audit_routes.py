"""For auditors: the access log (NEN 7513) and the rebuild check of the read models."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from meldcode_edge.auth import CurrentPrincipal
from meldcode_edge.inputs import Day, Offset, PageLimit
from meldcode_edge.problems import Conflict, ServiceUnavailable

from ...adapters.rebuild import rebuild
from ...application.audit import compare_with_rebuild, read_access_log
from ...domain.rebuild_check import LiveBehind, RebuildBusy, RebuildReport
from ..consumer import handle_event, handle_page
from .edges import Access, Figures, refusals_as_problems

router = APIRouter()


class AccessEntryOut(BaseModel):
    access_id: uuid.UUID
    occurred_at: datetime = Field(description="When the data was read (UTC)")
    user_id: str = Field(description="Who read it")
    role: str = Field(description="In which role")
    on_behalf_of: str | None = Field(description="For whom (a delegated session), if anyone")
    service: str = Field(description="The service that served the read")
    action: str = Field(description="What was read, e.g. pupil.chronology, case.read")
    resource: str = Field(description="The route or CLI command that served it")
    pupil_id: uuid.UUID | None
    case_id: uuid.UUID | None
    school: str = Field(description="The school whose data it was")
    client_address: str | None
    client_application: str | None


class AccessLogOut(BaseModel):
    entries: list[AccessEntryOut] = Field(description="Newest first")


@router.get(
    "/audit/access-log",
    response_model=AccessLogOut,
    tags=["audit"],
    summary="The access log (NEN 7513) of your samenwerkingsverband: per pupil, per employee or per day",
)
async def access_log_view(
    principal: CurrentPrincipal,
    figures: Figures,
    access: Access,
    pupil_id: Annotated[uuid.UUID | None, Query(description="Every read of this pupil's data")] = None,
    user_id: Annotated[str | None, Query(max_length=128, description="Every read by this employee")] = None,
    day: Annotated[
        Day | None, Query(description="Every read on this Dutch calendar day (YYYY-MM-DD)")
    ] = None,
    limit: Annotated[PageLimit, Query()] = 100,
    offset: Annotated[Offset, Query()] = 0,
) -> AccessLogOut:
    with refusals_as_problems():
        entries = await read_access_log(
            principal,
            pupil_id=pupil_id,
            user_id=user_id,
            day=day,
            limit=limit,
            offset=offset,
            figures=figures,
            access=access,
        )
    return AccessLogOut(
        entries=[
            AccessEntryOut(
                access_id=e.access_id,
                occurred_at=e.occurred_at,
                user_id=e.user_id,
                role=e.role,
                on_behalf_of=e.on_behalf_of,
                service=e.service,
                action=e.action,
                resource=e.resource,
                pupil_id=e.pupil_id,
                case_id=e.case_id,
                school=e.school,
                client_address=e.client_address,
                client_application=e.client_application,
            )
            for e in entries
        ]
    )


class TableChecksumOut(BaseModel):
    name: str
    live_checksum: str
    rebuilt_checksum: str
    rows: int = Field(description="Rows of the rebuilt table")
    equal: bool


class RebuildOut(BaseModel):
    ok: bool = Field(description="Every table of the rebuild equals the live one")
    tables: list[TableChecksumOut]
    events: int = Field(description="Messages replayed from the topics")
    seconds: float


@router.post(
    "/audit/rebuild",
    response_model=RebuildOut,
    tags=["audit"],
    summary="Rebuild every read model from the topics beside the live ones and compare checksums",
)
async def rebuild_and_compare(principal: CurrentPrincipal, request: Request) -> RebuildOut:
    settings = request.app.state.settings

    async def compare() -> RebuildReport:
        return await rebuild(
            settings,
            handle_event,
            group=settings.group("meldcode-reporting"),
            handle_page=handle_page,
            workers=settings.rebuild_workers,
        )

    try:
        report = await compare_with_rebuild(compare)
    except RebuildBusy as exc:
        raise Conflict("Er loopt al een herbouw van de leesmodellen.", rule="rebuild-running") from exc
    except LiveBehind as exc:
        raise ServiceUnavailable(
            "De leesmodellen lopen nog achter op de gebeurtenissen; probeer het zo opnieuw.",
            rule="rebuild-lag",
        ) from exc
    return RebuildOut.model_validate(report.as_json())
