"""Rule 9: signals added to an open case (from `CaseSignalsAdded`) are covered by it, as those it
was opened from: their new-signal tasks are done."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from .decisions import Coverage, Decision, SystemCompletion
from .tasks import SYSTEM, Completion, TaskKind


@dataclass(frozen=True)
class SignalsAddedNoticed:
    """Signals recorded after opening were added to a case (from `CaseSignalsAdded`)."""

    event_id: uuid.UUID
    occurred_at: datetime
    tenant: str
    case_id: uuid.UUID
    signal_ids: tuple[uuid.UUID, ...]


def on_signals_added(fact: SignalsAddedNoticed) -> Decision:
    """The case now covers these signals: their open new-signal tasks are done, and a signal whose
    `SignalRecorded` arrives later (topics are not ordered among each other) gets a task born done."""
    signal_ids = tuple(dict.fromkeys(fact.signal_ids))
    completion = Completion(
        completed_at=fact.occurred_at, completed_by=SYSTEM, fulfilled_by_event_id=fact.event_id
    )
    return Decision(
        coverages=tuple(
            Coverage(
                tenant=fact.tenant,
                signal_id=signal_id,
                case_id=fact.case_id,
                event_id=fact.event_id,
                covered_at=fact.occurred_at,
            )
            for signal_id in signal_ids
        ),
        completions=(SystemCompletion(fact.tenant, TaskKind.NEW_SIGNAL, signal_ids, completion),),
    )
