"""HTTP API of the reporting service: read-only views on the read models."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field

from meldcode_contracts import Role
from meldcode_contracts.envelope import BRIN_PATTERN
from meldcode_servicekit.auth import CurrentPrincipal
from meldcode_servicekit.problems import NotFound

from ..adapters import readmodels
from ..domain.cases import step_label

router = APIRouter()

READERS = (Role.INTERN_BEGELEIDER, Role.ZORGTEAM, Role.AUDITOR)


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


class CaseOut(BaseModel):
    case_id: uuid.UUID
    pupil_id: uuid.UUID
    pupil_display_name: str | None = Field(description="The pupil's name, when reporting knows the pupil")
    step: str = Field(
        description=(
            "Current step of the case, as casework names it: geopend, gesprek_ouders, weging, "
            "besluit, melding, volgen or gesloten"
        )
    )
    step_label: str = Field(description="The step described in Dutch, for screens")
    open: bool = Field(description="False once the case is closed (step gesloten)")
    case_owner_id: str = Field(description="User id of the one responsible case owner")
    signal_ids: list[uuid.UUID] = Field(description="The signals the case was opened from")
    outcome: str | None = Field(
        description=(
            "Outcome of the current decision (afwegingskader): no_suspicion_close, help, report or "
            "report_and_help; null before a decision and after the decision was reopened"
        )
    )
    reported: bool = Field(description="The case was reported to Veilig Thuis (AmkNotified) at least once")
    reported_on: date | None = Field(description="Day of the latest report to Veilig Thuis")
    reports: int = Field(description="How many reports to Veilig Thuis were made in this case")
    pupil_left_school: bool = Field(
        description="The pupil left this school while the case was here (cleared by a transfer)"
    )
    left_school_on: date | None = Field(description="The day the pupil left the school")
    transferred_from: str | None = Field(
        description="BRIN of the school the case was last handed over from (rule 14), if any"
    )
    transferred_on: date | None = Field(description="The day of the latest hand-over")
    opened_at: datetime = Field(description="When the case was opened (UTC)")
    last_event_at: datetime = Field(description="When the case last changed (UTC)")


class SchoolCasesOut(BaseModel):
    tenant: str = Field(description="The samenwerkingsverband")
    school: str = Field(description="BRIN of the school")
    cases: list[CaseOut] = Field(
        description=(
            "The school's cases, most recently changed first; a case handed over to another school "
            "is listed by the new school only"
        )
    )


def read_pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


Pool = Annotated[asyncpg.Pool, Depends(read_pool)]
BrinPath = Annotated[str, Path(pattern=BRIN_PATTERN, description="School BRIN code, e.g. 12AB or 12AB01")]


@router.get(
    "/pupils/{pupil_id}/chronology",
    response_model=ChronologyOut,
    tags=["chronology"],
    summary="The pupil's chronology: every signal and case event over time (rule 2)",
)
async def pupil_chronology(pupil_id: uuid.UUID, principal: CurrentPrincipal, pool: Pool) -> ChronologyOut:
    principal.require_role(*READERS)
    pupil = await readmodels.find_pupil(pool, pupil_id)
    if pupil is None:
        raise NotFound("Deze leerling is niet bekend.", rule="pupil-not-found")
    principal.require_school(pupil.tenant, pupil.school)
    stored = await readmodels.chronology_of(pool, pupil.tenant, pupil.pupil_id)
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
            for s in stored
        ],
    )


@router.get(
    "/schools/{brin}/cases",
    response_model=SchoolCasesOut,
    tags=["cases"],
    summary="The cases of a school of your samenwerkingsverband, with their current step",
)
async def school_cases(brin: BrinPath, principal: CurrentPrincipal, pool: Pool) -> SchoolCasesOut:
    principal.require_role(*READERS)
    principal.require_school(principal.tenant, brin)
    rows = await readmodels.cases_of_school(pool, principal.tenant, brin)
    return SchoolCasesOut(
        tenant=principal.tenant,
        school=brin,
        cases=[
            CaseOut(
                case_id=r.case.case_id,
                pupil_id=r.case.pupil_id,
                pupil_display_name=r.pupil_display_name,
                step=r.case.step,
                step_label=step_label(r.case.step),
                open=r.case.is_open,
                case_owner_id=r.case.case_owner_id,
                signal_ids=list(r.case.signal_ids),
                outcome=r.case.outcome,
                reported=r.case.reported,
                reported_on=r.case.reported_on,
                reports=r.case.reports,
                pupil_left_school=r.case.pupil_left_school,
                left_school_on=r.case.left_school_on,
                transferred_from=r.case.transferred_from,
                transferred_on=r.case.transferred_on,
                opened_at=r.case.opened_at,
                last_event_at=r.case.last_event_at,
            )
            for r in rows
        ],
    )
