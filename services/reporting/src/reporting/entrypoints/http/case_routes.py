"""A school's case list and the signals a case is built on."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from meldcode_contracts.vocabulary import obligation_text
from meldcode_edge.auth import CurrentPrincipal
from meldcode_vocabulary import CaseStep

from ...application.cases import cases_of_school
from ...application.chronology import signals_of_case
from ...domain.case_filter import CaseFilter
from ...domain.cases import SchoolCase, is_overdue, shown_step_label
from .edges import Access, BrinPath, Cases, Pupils, Today, refusals_as_problems

router = APIRouter()


class ObligationOut(BaseModel):
    code: str = Field(
        description="What must still happen, the obligation kind casework published, e.g. "
        "terugkoppeling_veilig_thuis (a kind this version does not know is passed on as it is)"
    )
    text: str = Field(description="The obligation in Dutch, for screens")
    due_on: date | None = Field(
        description="The Dutch calendar day by which it is due, as casework published it, if it has a term"
    )
    overdue: bool = Field(description="Today lies after the due day")


class CaseOut(BaseModel):
    case_id: uuid.UUID
    pupil_id: uuid.UUID
    pupil_display_name: str | None = Field(description="The pupil's name, when reporting knows the pupil")
    step: str | None = Field(
        description=(
            "Current step of the case as casework published it: geopend, gesprek_ouders, weging, "
            "besluit, melding, volgen or gesloten (a newer code is passed on as it is); null while "
            "casework has published no step for the case (a history from before it did)"
        )
    )
    step_label: str = Field(description="The step described in Dutch, for screens (also when step is null)")
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
    obligations: list[ObligationOut] = Field(
        description="Open obligations of the case as casework published them last, in its order"
    )
    overdue: list[str] = Field(description="Codes of the obligations that are overdue")


class SchoolCasesOut(BaseModel):
    tenant: str = Field(description="The samenwerkingsverband")
    school: str = Field(description="BRIN of the school")
    cases: list[CaseOut] = Field(
        description=(
            "The school's cases, most recently changed first; a case handed over to another school "
            "is listed by the new school only"
        )
    )


class CaseSignalOut(BaseModel):
    signal_id: uuid.UUID
    observed_on: date | None = Field(description="Day of the observation, as its newest correction has it")
    recorded_at: datetime = Field(description="When the signal was recorded (UTC)")
    description: str = Field(description="The factual description (may hold personal data)")
    interpretation: str | None = Field(description="The observer's interpretation, if one was kept")
    categories: list[str] = Field(description="The signal's categories")
    source_kind: str | None = Field(description="How it became known, e.g. own_observation")
    corrections: int = Field(description="How many corrections there are; the facts are the newest one's")


class CaseSignalsOut(BaseModel):
    case_id: uuid.UUID
    pupil_id: uuid.UUID
    signals: list[CaseSignalOut] = Field(
        description=(
            "The signals the case is built on: those it was opened from, then those added later "
            "(rule 9), each as its newest correction has it; what the caller's chronology would not "
            "show is left out"
        )
    )


@router.get(
    "/cases/{case_id}/signals",
    response_model=CaseSignalsOut,
    tags=["cases"],
    summary="The signals a case is built on, for the IB'er and the invited zorgteam members (rule 9)",
)
async def case_signals_view(
    case_id: uuid.UUID, principal: CurrentPrincipal, pupils: Pupils, cases: Cases, access: Access
) -> CaseSignalsOut:
    with refusals_as_problems():
        case, signals = await signals_of_case(principal, case_id, pupils=pupils, cases=cases, access=access)
    return CaseSignalsOut(
        case_id=case.case_id,
        pupil_id=case.pupil_id,
        signals=[
            CaseSignalOut(
                signal_id=s.signal_id,
                observed_on=s.observed_on,
                recorded_at=s.recorded_at,
                description=s.description,
                interpretation=s.interpretation,
                categories=s.categories,
                source_kind=s.source_kind,
                corrections=s.corrections,
            )
            for s in signals
        ],
    )


@router.get(
    "/schools/{brin}/cases",
    response_model=SchoolCasesOut,
    tags=["cases"],
    summary="The cases of a school of your samenwerkingsverband, with their current step",
)
async def school_cases(
    brin: BrinPath,
    principal: CurrentPrincipal,
    cases: Cases,
    access: Access,
    today: Today,
    pupil: Annotated[str, Query(max_length=100, description="Part of the pupil's name")] = "",
    step: Annotated[CaseStep | None, Query(description="Only cases at this step")] = None,
    case_owner_id: Annotated[
        str | None, Query(max_length=200, description="Only this casushouder's cases")
    ] = None,
    overdue: Annotated[bool, Query(description="Only cases with an obligation past its due day")] = False,
) -> SchoolCasesOut:
    chosen = CaseFilter(
        pupil=pupil.strip(),
        step=step.value if step is not None else None,
        case_owner_id=case_owner_id or None,
        overdue_only=overdue,
    )
    rows = await cases_of_school(principal, brin, cases=cases, access=access, chosen=chosen, today=today)
    return SchoolCasesOut(tenant=principal.tenant, school=brin, cases=[_case_out(r, today) for r in rows])


def _case_out(r: SchoolCase, today: date) -> CaseOut:
    return CaseOut(
        case_id=r.case.case_id,
        pupil_id=r.case.pupil_id,
        pupil_display_name=r.pupil_display_name,
        step=r.case.step,
        step_label=shown_step_label(r.case.step),
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
        obligations=[
            ObligationOut(
                code=o.kind,
                text=obligation_text(o.kind),
                due_on=o.due_on,
                overdue=is_overdue(o, today),
            )
            for o in r.case.obligations
        ],
        overdue=[o.kind for o in r.case.obligations if is_overdue(o, today)],
    )
