"""Rule 9: signals added to an open case (from `CaseSignalsAdded`) are covered by it, as those it
was opened from: their new-signal tasks are done."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from .decisions import Decision, signals_covered


@dataclass(frozen=True)
class SignalsAddedNoticed:
    """Signals recorded after opening were added to a case (from `CaseSignalsAdded`)."""

    event_id: uuid.UUID
    occurred_at: datetime
    tenant: str
    case_id: uuid.UUID
    signal_ids: tuple[uuid.UUID, ...]


def on_signals_added(fact: SignalsAddedNoticed) -> Decision:
    """The case now covers these signals, as those it was opened from."""
    return signals_covered(
        tenant=fact.tenant,
        case_id=fact.case_id,
        event_id=fact.event_id,
        at=fact.occurred_at,
        signal_ids=fact.signal_ids,
    )
