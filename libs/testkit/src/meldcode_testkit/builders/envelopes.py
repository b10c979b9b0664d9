"""The envelope every contract event carries, with the demo school's defaults, and the clock the
builders share."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from meldcode_contracts import Actor, Role

TENANT = "swv-zuid"
SCHOOL = "12AB"
OTHER_SCHOOL = "34CD"
NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
"""The moment single events happen at unless a test says otherwise."""
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
"""The start of the case histories (`at(minutes)` counts from it)."""
IB_ACTOR = Actor(user_id="ib-1", role=Role.INTERN_BEGELEIDER)
ZORGTEAM_ACTOR = Actor(user_id="zt-1", role=Role.ZORGTEAM)
TEACHER_ACTOR = Actor(user_id="lk-1", role=Role.TEACHER)
NOTIFICATIONS_ACTOR = Actor(user_id="notifications", role=Role.SYSTEM)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def day(minutes: int) -> date:
    """The (UTC) day of `at(minutes)`, for the dates in case payloads."""
    return at(minutes).date()


def envelope(
    subject_id: uuid.UUID,
    *,
    at: datetime = NOW,
    tenant: str = TENANT,
    school: str = SCHOOL,
    actor: Actor = TEACHER_ACTOR,
    correlation_id: str | None = None,
    sequence: int = 1,
) -> dict[str, Any]:
    """The envelope fields of one event, to spread into a contract event with its payload."""
    return {
        "event_id": uuid.uuid4(),
        "occurred_at": at,
        "recorded_at": at,
        "tenant": tenant,
        "school": school,
        "subject_id": subject_id,
        "actor": actor,
        "correlation_id": correlation_id or f"corr-{uuid.uuid4().hex[:8]}",
        "sequence": sequence,
    }


def obligations(*listed: str | tuple[str, date | None]) -> list[dict[str, Any]]:
    """Open obligations as `CaseObligationsChanged` lists them: each a kind, or a (kind, due day)."""
    return [
        {"kind": o, "due_on": None} if isinstance(o, str) else {"kind": o[0], "due_on": o[1]} for o in listed
    ]
