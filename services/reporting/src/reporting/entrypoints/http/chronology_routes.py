"""The pupil's chronology and the parents' export (AVG inzage)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from meldcode_edge.auth import CurrentPrincipal

from ...adapters import parents_export_pdf
from ...application.chronology import export_for_parents, read_chronology
from .edges import Access, Cases, Pupils, Staff, refusals_as_problems

router = APIRouter()


class PupilOut(BaseModel):
    pupil_id: uuid.UUID = Field(description="Pseudonymous pupil id, as in every event")
    tenant: str = Field(description="The samenwerkingsverband the pupil's school belongs to")
    school: str = Field(description="BRIN of the pupil's school")
    pupil_number: str = Field(description="The school's own leerlingnummer")
    display_name: str = Field(description="Roepnaam and achternaam, for screens")


class ActorOut(BaseModel):
    user_id: str = Field(description="Pseudonymous user id of who caused the event")
    role: str = Field(description="The role the user acted in")


class ChronologyEntryOut(BaseModel):
    event_id: uuid.UUID = Field(description="The contract event this entry comes from")
    event_type: str = Field(description="Name of the contract event, e.g. SignalRecorded")
    label: str = Field(description="Short Dutch label for screens, e.g. 'Signaal vastgelegd'")
    occurred_at: datetime = Field(description="When it happened (UTC)")
    sequence: int = Field(description="Position of the event in its aggregate (orders equal times)")
    observed_on: date | None = Field(description="Day of the observation (signals and corrections)")
    actor: ActorOut
    signal_id: uuid.UUID | None = Field(description="The signal this entry records or corrects")
    case_id: uuid.UUID | None = Field(description="The case this entry is about")
    corrected: bool = Field(
        description="A recorded signal that was corrected later; its facts stay as recorded"
    )
    corrections: int = Field(description="How many corrections refer to this recorded signal")
    latest_correction_id: uuid.UUID | None = Field(
        description="Event id of the newest correction of this signal, if any"
    )
    facts: dict[str, Any] = Field(description="The facts of the event as recorded (may hold personal data)")


class ChronologyOut(BaseModel):
    pupil: PupilOut
    entries: list[ChronologyEntryOut] = Field(
        description="Every signal and case event of the pupil, in time order (occurred_at, then sequence)"
    )


@router.get(
    "/pupils/{pupil_id}/chronology",
    response_model=ChronologyOut,
    tags=["chronology"],
    summary="The pupil's chronology: every signal and case event over time (rule 2)",
)
async def pupil_chronology(
    pupil_id: uuid.UUID, principal: CurrentPrincipal, pupils: Pupils, cases: Cases, access: Access
) -> ChronologyOut:
    with refusals_as_problems():
        read = await read_chronology(
            principal, pupil_id, action="pupil.chronology", pupils=pupils, cases=cases, access=access
        )
    pupil = read.pupil
    return ChronologyOut(
        pupil=PupilOut(
            pupil_id=pupil.pupil_id,
            tenant=pupil.tenant,
            school=pupil.school,
            pupil_number=pupil.pupil_number,
            display_name=pupil.display_name,
        ),
        entries=[
            ChronologyEntryOut(
                event_id=s.entry.event_id,
                event_type=s.entry.event_type,
                label=s.entry.label,
                occurred_at=s.entry.occurred_at,
                sequence=s.entry.sequence,
                observed_on=s.entry.observed_on,
                actor=ActorOut(user_id=s.entry.actor_id, role=s.entry.actor_role),
                signal_id=s.entry.signal_id,
                case_id=s.entry.case_id,
                corrected=s.corrected,
                corrections=s.corrections,
                latest_correction_id=s.latest_correction_id,
                facts=dict(s.entry.facts),
            )
            for s in read.readable.visible
        ],
    )


@router.get(
    "/pupils/{pupil_id}/parents-export",
    tags=["chronology"],
    summary="The parents' inspection export (AVG inzage), without any trace of an anonymous reporter",
    responses={200: {"content": {"application/json": {}, "application/pdf": {}}}},
)
async def pupil_parents_export(
    pupil_id: uuid.UUID,
    principal: CurrentPrincipal,
    pupils: Pupils,
    cases: Cases,
    staff: Staff,
    access: Access,
    format: Annotated[str, Query(pattern="^(json|pdf)$", description="json (default) or pdf")] = "json",
) -> Response:
    with refusals_as_problems():
        export = await export_for_parents(principal, pupil_id, pupils=pupils, cases=cases, access=access)
    if format == "pdf":
        names = await staff.names_of(principal.tenant, export.staff_ids())
        return Response(
            content=parents_export_pdf.render(export, names),
            media_type="application/pdf",
            headers={"Content-Disposition": 'attachment; filename="inzage-dossier.pdf"'},
        )
    return JSONResponse(export.as_json())
