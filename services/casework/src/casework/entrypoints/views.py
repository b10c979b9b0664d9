"""What the casework API shows of a case: its step, what is still needed, and its history."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from fastapi import Request
from pydantic import BaseModel, Field

from meldcode_servicekit.clock import school_today

from ..adapters import signal_history
from ..domain.case import Case
from ..domain.obligations import Obligation


class ObligationOut(BaseModel):
    code: str = Field(description="Stable code, e.g. ouders_informeren")
    text: str = Field(description="What must happen, in Dutch")


class CaseOut(BaseModel):
    case_id: uuid.UUID
    pupil_id: uuid.UUID
    tenant: str
    school: str
    step: str = Field(description="Current step of the Meldcode")
    case_owner_id: str
    opened_by: str
    signal_ids: list[uuid.UUID]
    opened_at: datetime
    version: int = Field(description="Send it back as expected_version to avoid lost updates")
    open_obligations: list[ObligationOut] = Field(description="What must happen before the next step")
    missing_for_report: list[ObligationOut] = Field(
        description="What is still needed before a report to Veilig Thuis can be made (rule 8)"
    )


class HistoryEntryOut(BaseModel):
    version: int
    event_type: str
    occurred_at: datetime
    actor_id: str
    actor_role: str
    details: dict[str, Any] = Field(description="The event's own fields")


def _obligations(items: list[Obligation]) -> list[ObligationOut]:
    return [ObligationOut(code=o.code, text=o.text) for o in items]


async def case_view(case: Case, request: Request) -> CaseOut:
    born: date | None = await signal_history.date_of_birth(request.app.state.pool, case.pupil_id)
    today = school_today()
    return CaseOut(
        case_id=case.id,
        pupil_id=case.pupil_id,
        tenant=case.tenant,
        school=case.school,
        step=case.step.value,
        case_owner_id=case.case_owner_id,
        opened_by=case.opened_by,
        signal_ids=case.signal_ids,
        opened_at=case.created_on,
        version=case.version,
        open_obligations=_obligations(case.open_obligations(pupil_date_of_birth=born, on=today)),
        missing_for_report=_obligations(
            case.missing_for_report(pupil_date_of_birth=born, on=today) if not case.closed else []
        ),
    )


COMMON = {
    "originator_id",
    "originator_version",
    "timestamp",
    "originator_topic",
    "tenant",
    "school",
    "pupil_id",
}


def history_entry(domain_event: Any) -> HistoryEntryOut:
    details = {
        k: v
        for k, v in vars(domain_event).items()
        if k not in COMMON | {"actor_id", "actor_role", "correlation_id"}
    }
    return HistoryEntryOut(
        version=domain_event.originator_version,
        event_type="CaseOpened" if type(domain_event) is Case.Opened else type(domain_event).__name__,
        occurred_at=domain_event.timestamp,
        actor_id=domain_event.actor_id,
        actor_role=domain_event.actor_role,
        details=details,
    )
