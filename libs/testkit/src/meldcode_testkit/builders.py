"""Contract events for tests, with sensible defaults: one builder per event, used by every test
that needs one instead of a copy per module (tests never import other test modules)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from meldcode_contracts import Actor, CaseOpened, CaseOpenedPayload, Role


def case_opened(
    *, case_id: uuid.UUID | None = None, at: datetime | None = None, **changes: Any
) -> CaseOpened:
    """An IB'er of 12AB (swv-zuid) opened a case from one signal; `changes` replace envelope fields
    (also invalid ones, to test their refusal)."""
    case_id = case_id or uuid.uuid4()
    at = at or datetime.now(UTC)
    fields: dict[str, Any] = {
        "event_id": uuid.uuid4(),
        "occurred_at": at,
        "recorded_at": at,
        "tenant": "swv-zuid",
        "school": "12AB",
        "subject_id": case_id,
        "actor": Actor(user_id="ib-1", role=Role.INTERN_BEGELEIDER),
        "correlation_id": "c-1",
        "sequence": 1,
        "payload": CaseOpenedPayload(
            case_id=case_id,
            pupil_id=uuid.uuid4(),
            signal_ids=[uuid.uuid4()],
            case_owner_id="ib-1",
            opened_by="ib-1",
        ),
        **changes,
    }
    return CaseOpened(**fields)
