"""The pupil's chronology (rule 2, accumulation): every signal and case event, over time.

One entry per event. A correction is an entry of its own that refers to the signal it corrects;
the corrected signal's entry is only *marked* as corrected, its facts are never overwritten
(rule 1).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Final, TypeAlias

from meldcode_contracts import CaseOpened, Envelope, SignalCorrected, SignalRecorded

JsonValue: TypeAlias = str | int | float | bool | list["JsonValue"] | dict[str, "JsonValue"] | None
Facts: TypeAlias = Mapping[str, JsonValue]


class EntryType(StrEnum):
    """The contract events that make up a chronology entry."""

    SIGNAL_RECORDED = "SignalRecorded"
    SIGNAL_CORRECTED = "SignalCorrected"
    CASE_OPENED = "CaseOpened"


LABELS: Final[Mapping[str, str]] = {
    EntryType.SIGNAL_RECORDED: "Signaal vastgelegd",
    EntryType.SIGNAL_CORRECTED: "Signaal gecorrigeerd",
    EntryType.CASE_OPENED: "Zaak geopend",
}
FALLBACK_LABEL: Final = "Gebeurtenis"


def label_for(event_type: str) -> str:
    """The short Dutch label a screen shows for an entry of this type."""
    return LABELS.get(event_type, FALLBACK_LABEL)


@dataclass(frozen=True)
class ChronologyEntry:
    """One event in a pupil's chronology. `facts` may hold personal data: it is kept out of `repr`."""

    event_id: uuid.UUID
    tenant: str
    school: str
    pupil_id: uuid.UUID
    event_type: str
    occurred_at: datetime
    sequence: int
    actor_id: str
    actor_role: str
    facts: Facts = field(repr=False)
    observed_on: date | None = None
    signal_id: uuid.UUID | None = None
    """The signal this entry records or corrects."""
    case_id: uuid.UUID | None = None

    @property
    def label(self) -> str:
        return label_for(self.event_type)


def _facts(event: SignalRecorded | SignalCorrected | CaseOpened) -> dict[str, JsonValue]:
    facts: dict[str, JsonValue] = event.payload.model_dump(mode="json", exclude={"pupil_id"})
    return facts


def chronology_entry(event: Envelope) -> ChronologyEntry | None:
    """The entry an event adds to its pupil's chronology, or None for events that add none."""
    if isinstance(event, SignalRecorded):
        p = event.payload
        return ChronologyEntry(
            event_id=event.event_id,
            tenant=event.tenant,
            school=event.school,
            pupil_id=p.pupil_id,
            event_type=EntryType.SIGNAL_RECORDED,
            occurred_at=event.occurred_at,
            sequence=event.sequence,
            actor_id=event.actor.user_id,
            actor_role=event.actor.role.value,
            facts=_facts(event),
            observed_on=p.observed_on,
            signal_id=p.signal_id,
        )
    if isinstance(event, SignalCorrected):
        c = event.payload
        return ChronologyEntry(
            event_id=event.event_id,
            tenant=event.tenant,
            school=event.school,
            pupil_id=c.pupil_id,
            event_type=EntryType.SIGNAL_CORRECTED,
            occurred_at=event.occurred_at,
            sequence=event.sequence,
            actor_id=event.actor.user_id,
            actor_role=event.actor.role.value,
            facts=_facts(event),
            observed_on=c.observed_on,
            signal_id=c.signal_id,
        )
    if isinstance(event, CaseOpened):
        o = event.payload
        return ChronologyEntry(
            event_id=event.event_id,
            tenant=event.tenant,
            school=event.school,
            pupil_id=o.pupil_id,
            event_type=EntryType.CASE_OPENED,
            occurred_at=event.occurred_at,
            sequence=event.sequence,
            actor_id=event.actor.user_id,
            actor_role=event.actor.role.value,
            facts=_facts(event),
            case_id=o.case_id,
        )
    return None
