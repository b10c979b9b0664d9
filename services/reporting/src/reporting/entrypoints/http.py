"""HTTP API of the reporting service: read-only views on the read models."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from meldcode_contracts import Role
from meldcode_contracts.envelope import BRIN_PATTERN, TENANT_PATTERN
from meldcode_contracts.vocabulary import obligation_text
from meldcode_servicekit.access import AccessLogger
from meldcode_servicekit.auth import CurrentPrincipal, Principal
from meldcode_servicekit.clock import school_today
from meldcode_servicekit.inputs import Day, Offset, PageLimit
from meldcode_servicekit.problems import Conflict, Forbidden, NotFound, ServiceUnavailable, Unprocessable

from ..adapters import parents_export_pdf, readmodels
from ..adapters.rebuild import LiveBehind, RebuildBusy, rebuild
from ..domain.access import READ_ACTION, dutch_day_bounds, subjects_read
from ..domain.case_signals import case_signals
from ..domain.cases import is_overdue, shown_step_label
from ..domain.chronology import ChronologyEntry
from ..domain.dashboard import TOTAL, dashboard, month_end
from ..domain.parents_export import ExportPupil, parents_export
from ..domain.pupils import PupilRow
from ..domain.visibility import schools_of_pupil, seen_by_schools, seen_by_zorgteam_member
from .consumer import handle_event

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


def read_pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


def read_today(request: Request) -> date:
    """The Dutch calendar day; `app.state.today` (a callable) replaces the clock where set."""
    clock: Callable[[], date] | None = getattr(request.app.state, "today", None)
    return clock() if clock is not None else school_today()


Pool = Annotated[asyncpg.Pool, Depends(read_pool)]
Today = Annotated[date, Depends(read_today)]
BrinPath = Annotated[str, Path(pattern=BRIN_PATTERN, description="School BRIN code, e.g. 12AB or 12AB01")]


@router.get(
    "/pupils/{pupil_id}/chronology",
    response_model=ChronologyOut,
    tags=["chronology"],
    summary="The pupil's chronology: every signal and case event over time (rule 2)",
)
async def pupil_chronology(
    pupil_id: uuid.UUID, principal: CurrentPrincipal, pool: Pool, access: AccessLogger, request: Request
) -> ChronologyOut:
    pupil = await readmodels.find_pupil(pool, pupil_id)
    if pupil is None:
        raise NotFound("Deze leerling is niet bekend.", rule="pupil-not-found")
    readable = await _readable_chronology(pool, principal, pupil)
    await access.record(
        principal,
        request,
        action="pupil.chronology",
        tenant=pupil.tenant,
        school=readable.school,
        pupil_id=pupil.pupil_id,
    )
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
            for s in readable.visible
        ],
    )


@dataclass(frozen=True)
class Readable:
    school: str
    """The school through which the caller reads the pupil (logged with the access)."""
    visible: list[readmodels.StoredEntry]
    """What the caller may see of the pupil's chronology, in time order."""
    whole: list[ChronologyEntry]
    """The pupil's whole chronology: never shown, only to know whom an export must keep hidden."""


async def _readable_chronology(pool: asyncpg.Pool, principal: Principal, pupil: PupilRow) -> Readable:
    """The school through which the caller reads the pupil, and the entries they may see of the
    pupil's chronology (`reporting.domain.visibility`): an auditor everything; school staff their
    school's own time with the pupil and what transfers handed over to it; a zorgteam member of
    that only the invited cases and what they are built on (404 without an invited case)."""
    stored = await readmodels.chronology_of(pool, pupil.tenant, pupil.pupil_id)
    entries = [s.entry for s in stored]
    if principal.role is Role.AUDITOR:
        principal.require_school(pupil.tenant, pupil.school)
        return Readable(pupil.school, stored, entries)
    schools = schools_of_pupil(pupil.school, entries) & principal.schools
    school = min(schools) if schools else pupil.school
    principal.require_school(pupil.tenant, school)
    if principal.role is Role.ZORGTEAM:
        invited = await readmodels.invited_cases_of_pupil(pool, principal.user_id, pupil.pupil_id)
        seen = seen_by_zorgteam_member(entries, principal.schools, invited)
        if not invited or not seen:
            raise NotFound("Deze leerling is niet bekend.", rule="pupil-not-found")
    else:
        seen = seen_by_schools(entries, principal.schools)
    return Readable(school, [s for s in stored if s.entry.event_id in seen], entries)


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
    case_id: uuid.UUID, principal: CurrentPrincipal, pool: Pool, access: AccessLogger, request: Request
) -> CaseSignalsOut:
    case = await readmodels.find_case(pool, case_id)
    if case is None:
        raise NotFound("Deze zaak is niet bekend.", rule="case-not-found")
    principal.require_school(case.tenant, case.school)
    stored = await readmodels.chronology_of(pool, case.tenant, case.pupil_id)
    entries = [s.entry for s in stored]
    if principal.role is Role.ZORGTEAM:
        if not await readmodels.is_invited(pool, principal.user_id, case_id):
            # as casework and the chronology: a case one is not invited into is not revealed (ADR 11)
            raise NotFound("Deze zaak is niet bekend.", rule="case-not-found")
        seen = seen_by_zorgteam_member(entries, principal.schools, {case_id})
    else:
        seen = seen_by_schools(entries, principal.schools)
    signals = case_signals(entries, case_id, seen)
    await access.record(
        principal,
        request,
        action="case.signals",
        tenant=case.tenant,
        school=case.school,
        case_id=case.case_id,
        pupil_id=case.pupil_id,
    )
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
    pool: Pool,
    access: AccessLogger,
    request: Request,
    today: Today,
) -> SchoolCasesOut:
    principal.require_school(principal.tenant, brin)
    rows = await readmodels.cases_of_school(pool, principal.tenant, brin)
    if principal.role is Role.ZORGTEAM:  # only the cases the member is invited into
        invited = await readmodels.invited_cases(pool, principal.user_id)
        rows = [r for r in rows if r.case.case_id in invited]
    await asyncio.gather(
        *(
            access.record(
                principal,
                request,
                action="school.cases",
                tenant=r.case.tenant,
                school=r.case.school,
                case_id=r.case.case_id,
                pupil_id=r.case.pupil_id,
            )
            for r in rows
        )
    )
    return SchoolCasesOut(
        tenant=principal.tenant,
        school=brin,
        cases=[
            CaseOut(
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
            for r in rows
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
    pool: Pool,
    access: AccessLogger,
    request: Request,
    format: Annotated[str, Query(pattern="^(json|pdf)$", description="json (default) or pdf")] = "json",
) -> Response:
    pupil = await readmodels.find_pupil(pool, pupil_id)
    if pupil is None:
        raise NotFound("Deze leerling is niet bekend.", rule="pupil-not-found")
    readable = await _readable_chronology(pool, principal, pupil)
    await access.record(
        principal,
        request,
        action="pupil.parents_export",
        tenant=pupil.tenant,
        school=readable.school,
        pupil_id=pupil.pupil_id,
    )
    export = parents_export(
        ExportPupil(
            pupil_id=pupil.pupil_id,
            school=pupil.school,
            pupil_number=pupil.pupil_number,
            display_name=pupil.display_name,
            date_of_birth=pupil.date_of_birth,
        ),
        [s.entry for s in readable.visible],
        corrected_signals=frozenset(
            s.entry.signal_id for s in readable.visible if s.corrected and s.entry.signal_id is not None
        ),
        whole_chronology=readable.whole,
    )
    if format == "pdf":
        return Response(
            content=parents_export_pdf.render(export),
            media_type="application/pdf",
            headers={"Content-Disposition": 'attachment; filename="inzage-dossier.pdf"'},
        )
    return JSONResponse(export.as_json())


# --- dashboards (aggregate; not logged per pupil) --------------------------------------------------

Count = int | str
"""A count as shown: the number, "<5" for 1-4, or "x" when hidden so that another cell cannot be
computed back (complementary suppression) or when it adds up months of which one is hidden."""


class OpenCasesOut(BaseModel):
    total: Count
    by_step: dict[str, Count] = Field(description="Open cases per step (geopend ... volgen), now")


class DecisionsOut(BaseModel):
    total: Count
    by_outcome: dict[str, Count] = Field(description="Decisions per outcome of the afwegingskader")


class FiguresOut(BaseModel):
    signals_recorded: Count
    open_cases: OpenCasesOut
    decisions: DecisionsOut
    reports_to_veilig_thuis: Count
    cases_pupil_left_school: Count = Field(description="Cases whose pupil left the school")
    median_days_per_step: dict[str, float | None] = Field(
        description="Median days a case spent in each step (finished periods); null below 5 cases"
    )


class SchoolFiguresOut(FiguresOut):
    school: str


class DashboardOut(BaseModel):
    tenant: str
    period_from: date | None = Field(
        description="First Dutch calendar day counted (inclusive), if any: the first of the month asked for"
    )
    period_until: date | None = Field(
        description="Last Dutch calendar day counted (inclusive), if any: the last of the month asked for"
    )
    months: list[date] = Field(
        default_factory=list,
        description="The calendar months (first days) with figures; a period counts in whole months",
    )
    schools: list[SchoolFiguresOut]
    total: FiguresOut
    suppression: str = Field(
        default=(
            "Aantallen van 1 tot en met 4 staan als '<5'. Waar een totaal een verborgen getal zou "
            "verraden, is ook een ander getal verborgen ('x'). Alle overzichten komen uit één "
            "beschermde tabel per maand, dus ook samen verraden ze geen klein aantal; een periode "
            "telt in hele maanden, en een periodetotaal met een verborgen maand staat als 'x'. "
            "Medianen over minder dan 5 zaken worden niet getoond."
        )
    )


TenantPath = Annotated[str, Path(pattern=TENANT_PATTERN, description="The samenwerkingsverband")]
PeriodFrom = Annotated[Day | None, Query(alias="from", description="First day (YYYY-MM-DD), inclusive")]
PeriodUntil = Annotated[Day | None, Query(alias="until", description="Last day (YYYY-MM-DD), inclusive")]


async def _dashboard(
    pool: asyncpg.Pool, tenant: str, school: str | None, period_from: date | None, period_until: date | None
) -> DashboardOut:
    """Every dashboard is cut from the samenwerkingsverband's one suppressed grid of whole months, so
    a period is widened to the months it touches (docs/adr/0017)."""
    if period_from is not None and period_until is not None and period_from > period_until:
        raise Unprocessable("De periode begint na het einde.", rule="period")
    first = period_from.replace(day=1) if period_from else None
    last = month_end(period_until) if period_until else None
    facts = await readmodels.dashboard_facts(
        pool,
        tenant,
        since=dutch_day_bounds(first)[0] if first else None,
        until=dutch_day_bounds(last)[1] if last else None,
    )
    months, shown = dashboard(facts, school)
    return DashboardOut(
        tenant=tenant,
        period_from=first,
        period_until=last,
        months=months,
        schools=[SchoolFiguresOut(school=s, **f) for s, f in shown.items() if s != TOTAL],
        total=FiguresOut(**shown[TOTAL]),
    )


@router.get(
    "/tenants/{tenant}/dashboard",
    response_model=DashboardOut,
    tags=["dashboard"],
    summary="Figures of the samenwerkingsverband per school and in total, small numbers suppressed",
)
async def tenant_dashboard(
    tenant: TenantPath,
    principal: CurrentPrincipal,
    pool: Pool,
    period_from: PeriodFrom = None,
    period_until: PeriodUntil = None,
) -> DashboardOut:
    if tenant != principal.tenant:
        raise Forbidden("Deze gegevens horen bij een ander samenwerkingsverband.", rule="tenant")
    return await _dashboard(pool, tenant, None, period_from, period_until)


@router.get(
    "/schools/{brin}/dashboard",
    response_model=DashboardOut,
    tags=["dashboard"],
    summary="The figures of one school of your samenwerkingsverband, small numbers suppressed",
)
async def school_dashboard(
    brin: BrinPath,
    principal: CurrentPrincipal,
    pool: Pool,
    period_from: PeriodFrom = None,
    period_until: PeriodUntil = None,
) -> DashboardOut:
    if principal.role is not Role.ADMINISTRATOR:  # a beheerder sees every school of the tenant
        principal.require_school(principal.tenant, brin)
    return await _dashboard(pool, principal.tenant, brin, period_from, period_until)


# --- audit: the access log and the rebuild ---------------------------------------------------------


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
    pool: Pool,
    access: AccessLogger,
    request: Request,
    pupil_id: Annotated[uuid.UUID | None, Query(description="Every read of this pupil's data")] = None,
    user_id: Annotated[str | None, Query(max_length=128, description="Every read by this employee")] = None,
    day: Annotated[
        Day | None, Query(description="Every read on this Dutch calendar day (YYYY-MM-DD)")
    ] = None,
    limit: Annotated[PageLimit, Query()] = 100,
    offset: Annotated[Offset, Query()] = 0,
) -> AccessLogOut:
    if sum(x is not None for x in (pupil_id, user_id, day)) != 1:
        raise Unprocessable("Geef precies één van pupil_id, user_id of day op.", rule="access-log-filter")
    entries = await readmodels.access_log_entries(
        pool,
        principal.tenant,
        pupil_id=pupil_id,
        user_id=user_id,
        between=dutch_day_bounds(day) if day is not None else None,
        limit=limit,
        offset=offset,
    )
    await asyncio.gather(
        *(
            access.record(
                principal,
                request,
                action=READ_ACTION,
                tenant=principal.tenant,
                school=entry.school,
                pupil_id=pupil,
                case_id=case,
            )
            for entry, pupil, case in subjects_read(entries)
        )
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
    try:
        report = await rebuild(settings, handle_event, group=settings.group("meldcode-reporting"))
    except RebuildBusy as exc:
        raise Conflict("Er loopt al een herbouw van de leesmodellen.", rule="rebuild-running") from exc
    except LiveBehind as exc:
        raise ServiceUnavailable(
            "De leesmodellen lopen nog achter op de gebeurtenissen; probeer het zo opnieuw.",
            rule="rebuild-lag",
        ) from exc
    return RebuildOut.model_validate(report.as_json())


# --- for the portal's teacher screens: find a pupil of your school, your own signals -------------

"""The school's own people (the zorgteam reaches a pupil only through a case it is invited into)."""


class PupilFoundOut(BaseModel):
    pupil_id: uuid.UUID
    school: str
    pupil_number: str = Field(description="The school's own leerlingnummer")
    display_name: str = Field(description="Roepnaam and achternaam, for screens")


class PupilSearchOut(BaseModel):
    school: str
    query: str
    pupils: list[PupilFoundOut]


@router.get(
    "/schools/{brin}/pupils",
    response_model=PupilSearchOut,
    tags=["pupils"],
    summary="Find pupils of your school by (part of) their name or leerlingnummer",
)
async def find_pupils(
    brin: BrinPath,
    principal: CurrentPrincipal,
    pool: Pool,
    access: AccessLogger,
    request: Request,
    q: Annotated[str, Query(max_length=100, description="At least 2 characters; fewer finds nobody")] = "",
) -> PupilSearchOut:
    principal.require_school(principal.tenant, brin)
    query = q.strip()
    rows = await readmodels.search_pupils(pool, principal.tenant, brin, query) if len(query) >= 2 else []
    await asyncio.gather(
        *(
            access.record(
                principal,
                request,
                action="pupil.search",
                tenant=r.tenant,
                school=r.school,
                pupil_id=r.pupil_id,
            )
            for r in rows
        )
    )
    return PupilSearchOut(
        school=brin,
        query=query,
        pupils=[
            PupilFoundOut(
                pupil_id=r.pupil_id, school=r.school, pupil_number=r.pupil_number, display_name=r.display_name
            )
            for r in rows
        ],
    )


class MySignalOut(BaseModel):
    signal_id: uuid.UUID
    pupil_id: uuid.UUID
    pupil_display_name: str | None
    observed_on: date | None
    recorded_at: datetime
    description: str
    categories: list[str]
    source_kind: str | None
    corrected: bool


class MySignalsOut(BaseModel):
    school: str
    signals: list[MySignalOut]


@router.get(
    "/schools/{brin}/my-signals",
    response_model=MySignalsOut,
    tags=["signals"],
    summary="The signals you recorded at a school of yours, newest first",
)
async def my_signals(
    brin: BrinPath, principal: CurrentPrincipal, pool: Pool, access: AccessLogger, request: Request
) -> MySignalsOut:
    principal.require_school(principal.tenant, brin)
    rows = await readmodels.signals_recorded_by(pool, principal.tenant, brin, principal.user_id)
    await asyncio.gather(
        *(
            access.record(
                principal, request, action="signal.list", tenant=principal.tenant, school=brin, pupil_id=p
            )
            for p in dict.fromkeys(r.pupil_id for r in rows)
        )
    )
    signals = []
    for r in rows:
        source = r.facts.get("source")
        categories = r.facts.get("categories")
        signals.append(
            MySignalOut(
                signal_id=r.signal_id,
                pupil_id=r.pupil_id,
                pupil_display_name=r.pupil_display_name,
                observed_on=r.observed_on,
                recorded_at=r.occurred_at,
                description=str(r.facts.get("description", "")),
                categories=[str(c) for c in categories] if isinstance(categories, list) else [],
                source_kind=str(source.get("kind")) if isinstance(source, dict) else None,
                corrected=r.corrections > 0,
            )
        )
    return MySignalsOut(school=brin, signals=signals)
