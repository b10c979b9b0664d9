"""The auditor's view of casework: a case's stored events, the case as it stood at any instant, and
the verification of the hash-chained event store (ADR 7). Auditors of the samenwerkingsverband only;
every read is in the access log before the data leaves."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

import anyio
import asyncpg
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from meldcode_edge.auth import CurrentPrincipal
from meldcode_edge.inputs import Instant
from meldcode_edge.problems import NotFound, Unprocessable
from meldcode_servicekit.access import AccessLogger
from meldcode_servicekit.audit import AuditEventOut, verification_router
from meldcode_servicekit.hashchain import (
    ChainedEvent,
    events_table,
    stored_events,
    to_stored_event,
)
from meldcode_vocabulary.dutch_days import dutch_today

from ..adapters import signal_history
from ..application import CaseworkApplication
from ..domain.case import Case
from ..translation import to_contract_event
from .http import CaseworkApp, casework_app
from .views import (
    JgzConsultationOut,
    JgzHandoverOut,
    JgzResultOut,
    ObligationOut,
    jgz_view,
    obligations_out,
)

router = APIRouter(prefix="/audit", tags=["audit"])


class CaseEventsOut(BaseModel):
    case_id: uuid.UUID
    pupil_id: uuid.UUID
    tenant: str
    school: str
    events: list[AuditEventOut]


class KnownSignalAsOf(BaseModel):
    signal_id: uuid.UUID
    observed_on: date
    recorded_at: datetime


class CaseAsOfOut(BaseModel):
    as_of: datetime
    version: int = Field(description="The last event at or before `as_of`")
    case_id: uuid.UUID
    pupil_id: uuid.UUID
    tenant: str
    school: str
    step: str
    case_owner_id: str
    opened_by: str
    signal_ids: list[uuid.UUID]
    opened_at: datetime
    last_event_type: str
    last_event_at: datetime
    open_obligations: list[ObligationOut]
    missing_for_report: list[ObligationOut]
    known_signals: list[KnownSignalAsOf] = Field(
        description="The pupil's signals known to casework at that instant"
    )
    jgz_consultations: list[JgzConsultationOut] = Field(description="JGZ consultations asked by then")
    jgz_results: list[JgzResultOut] = Field(description="JGZ results received by then")
    jgz_handovers: list[JgzHandoverOut] = Field(description="Hand-overs to JGZ by then")


def event_type_of(domain_event: Any) -> str:
    """The contract name (e.g. `AmkNotified`), or the class name for an event that stays inside."""
    try:
        contract = to_contract_event(domain_event)
    except Exception:
        contract = None
    if contract is not None:
        return str(contract.event_type)
    return "CaseOpened" if isinstance(domain_event, Case.Opened) else type(domain_event).__name__


def audit_event(row: ChainedEvent, domain_event: Any) -> AuditEventOut:
    return AuditEventOut.of(row, domain_event, event_type_of(domain_event))


async def _readable_case(
    app: CaseworkApplication, case_id: uuid.UUID, principal: CurrentPrincipal, pool: asyncpg.Pool
) -> tuple[Case, list[tuple[ChainedEvent, Any]]]:
    case: Case = await anyio.to_thread.run_sync(app.get_case, case_id)
    principal.require_school(case.tenant, case.school)
    rows = await stored_events(pool, events_table(app), [case_id])
    return case, [(row, app.mapper.to_domain_event(to_stored_event(row))) for row in rows]


@router.get(
    "/cases/{case_id}/events",
    response_model=CaseEventsOut,
    summary="Every stored event of the case in order, with actor, full payload and hash (auditor)",
)
async def case_events(
    case_id: uuid.UUID,
    principal: CurrentPrincipal,
    app: CaseworkApp,
    access: AccessLogger,
    request: Request,
    purpose: Annotated[
        Literal["history", "export"], Query(description="Logged as audit.history or audit.export")
    ] = "history",
) -> CaseEventsOut:
    case, events = await _readable_case(app, case_id, principal, request.app.state.pool)
    await access.record(
        principal,
        request,
        action=f"audit.{purpose}",
        tenant=case.tenant,
        school=case.school,
        case_id=case.id,
        pupil_id=case.pupil_id,
    )
    return CaseEventsOut(
        case_id=case.id,
        pupil_id=case.pupil_id,
        tenant=case.tenant,
        school=case.school,
        events=[audit_event(row, e) for row, e in events],
    )


@router.get(
    "/cases/{case_id}/as-of",
    response_model=CaseAsOfOut,
    summary="The case as it stood at an instant, rebuilt from its events (auditor)",
)
async def case_as_of(
    case_id: uuid.UUID,
    at: Annotated[Instant, Query(description="ISO 8601 instant with time zone, e.g. 2026-11-29T10:00:00Z")],
    principal: CurrentPrincipal,
    app: CaseworkApp,
    access: AccessLogger,
    request: Request,
) -> CaseAsOfOut:
    if at.tzinfo is None:
        raise Unprocessable(
            "Geef het tijdstip met tijdzone, bijvoorbeeld 2026-11-29T10:00:00Z.", rule="as-of-timezone"
        )
    pool: asyncpg.Pool = request.app.state.pool
    current, events = await _readable_case(app, case_id, principal, pool)
    before = [(row, e) for row, e in events if e.timestamp <= at]
    if not before:
        raise NotFound("Deze zaak bestond op dat moment nog niet.", rule="case-not-yet-opened")
    last_row, last_event = before[-1]
    version = last_row.originator_version
    case: Case = await anyio.to_thread.run_sync(lambda: app.repository.get(case_id, version=version))
    born = await signal_history.date_of_birth(pool, case.pupil_id)
    known = [r for r in await signal_history.signals_of_pupil(pool, case.pupil_id) if r["recorded_at"] <= at]
    on = dutch_today(at)
    await access.record(
        principal,
        request,
        action="audit.as_of",
        tenant=current.tenant,
        school=current.school,
        case_id=case.id,
        pupil_id=case.pupil_id,
    )
    return CaseAsOfOut(
        as_of=at,
        version=case.version,
        case_id=case.id,
        pupil_id=case.pupil_id,
        tenant=case.tenant,
        school=case.school,
        step=case.step.value,
        case_owner_id=case.case_owner_id,
        opened_by=case.opened_by,
        signal_ids=case.signal_ids,
        opened_at=case.created_on,
        last_event_type=event_type_of(last_event),
        last_event_at=last_event.timestamp,
        open_obligations=obligations_out(case.published_obligations(pupil_date_of_birth=born, on=on)),
        missing_for_report=obligations_out(
            case.missing_for_report(pupil_date_of_birth=born, on=on) if not case.closed else []
        ),
        known_signals=[
            KnownSignalAsOf(
                signal_id=r["signal_id"], observed_on=r["observed_on"], recorded_at=r["recorded_at"]
            )
            for r in known
        ],
        **jgz_view(case),
    )


verify_router = verification_router(casework_app)
