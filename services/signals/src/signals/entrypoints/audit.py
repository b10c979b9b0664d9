"""The auditor's view of signals: every stored event about a pupil (registration, signals,
corrections, consultations, advice requests), so a case's export includes the facts it was opened
from, and the verification of the hash-chained event store (ADR 7). Auditors only."""

from __future__ import annotations

import uuid
from typing import Any

import anyio
import asyncpg
from fastapi import APIRouter, Request
from pydantic import BaseModel

from meldcode_edge.auth import CurrentPrincipal
from meldcode_servicekit.access import AccessLogger
from meldcode_servicekit.audit import AuditEventOut, verification_router
from meldcode_servicekit.hashchain import (
    ChainedEvent,
    events_table,
    stored_events,
    to_stored_event,
)

from ..application import SignalsApplication
from ..domain.pupil import Pupil
from ..translation import to_contract_event
from .http import SignalsApp, signals_of

router = APIRouter(prefix="/audit", tags=["audit"])


class PupilEventsOut(BaseModel):
    pupil_id: uuid.UUID
    tenant: str
    school: str
    events: list[AuditEventOut]


async def _aggregates_of_pupil(
    pool: asyncpg.Pool, app: SignalsApplication, table: str, pupil_id: uuid.UUID
) -> list[uuid.UUID]:
    """The pupil and every aggregate created about it. With plain JSON state the candidates are found
    by the id's text in the stored state; every candidate is then decoded and checked exactly."""
    plain = getattr(app.mapper, "cipher", None) is None and getattr(app.mapper, "compressor", None) is None
    rows = await pool.fetch(
        f"select originator_id, originator_version, topic, state, notification_id from {table} "  # noqa: S608 - the recorder's table
        "where originator_version = 1 and (originator_id = $1 or not $4 "
        "or position($2::bytea in state) > 0 or position($3::bytea in state) > 0)",
        pupil_id,
        pupil_id.hex.encode(),
        str(pupil_id).encode(),
        plain,
    )
    found = []
    for row in rows:
        created = app.mapper.to_domain_event(
            to_stored_event(
                ChainedEvent(row["originator_id"], 1, row["topic"], bytes(row["state"]), 0, None, None)
            )
        )
        if row["originator_id"] == pupil_id or getattr(created, "pupil_id", None) == pupil_id:
            found.append(row["originator_id"])
    return found


def audit_event(row: ChainedEvent, domain_event: Any) -> AuditEventOut | None:
    """None for internal events (the pupil-number index): they are no facts about the pupil."""
    contract = to_contract_event(domain_event)
    if contract is None:
        return None
    return AuditEventOut.of(row, domain_event, str(contract.event_type))


@router.get(
    "/pupils/{pupil_id}/events",
    response_model=PupilEventsOut,
    summary="Every stored event of the pupil, its signals, corrections and consultations, in order (auditor)",
)
async def pupil_events(
    pupil_id: uuid.UUID, principal: CurrentPrincipal, app: SignalsApp, access: AccessLogger, request: Request
) -> PupilEventsOut:
    pupil: Pupil = await anyio.to_thread.run_sync(app.get_pupil, pupil_id)
    principal.require_school(pupil.tenant, pupil.school)
    pool: asyncpg.Pool = request.app.state.pool
    table = events_table(app)
    rows = await stored_events(pool, table, await _aggregates_of_pupil(pool, app, table, pupil_id))
    events = [audit_event(row, app.mapper.to_domain_event(to_stored_event(row))) for row in rows]
    await access.record(
        principal, request, action="audit.export", tenant=pupil.tenant, school=pupil.school, pupil_id=pupil.id
    )
    return PupilEventsOut(
        pupil_id=pupil.id,
        tenant=pupil.tenant,
        school=pupil.school,
        events=[e for e in events if e is not None],
    )


verify_router = verification_router(signals_of)
