"""The signals a case is built on, as the people working the case weigh them (rule 9).

Pure: decided from the pupil's chronology entries and the event ids the reader may see of it
(`reporting.domain.visibility`), so a reader gets no signal, and no correction of one, that their
chronology would not show them.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from .chronology import ChronologyEntry, EntryType, JsonValue
from .visibility import built_on


@dataclass(frozen=True)
class CaseSignal:
    """One signal of a case as it stands now: the facts of its newest correction, else as recorded.
    `facts` may hold personal data: it is kept out of `repr`."""

    signal_id: uuid.UUID
    observed_on: date | None
    recorded_at: datetime
    corrections: int
    facts: dict[str, JsonValue] = field(repr=False)

    @property
    def description(self) -> str:
        return str(self.facts.get("description") or "")

    @property
    def interpretation(self) -> str | None:
        value = self.facts.get("interpretation")
        return str(value) if value is not None else None

    @property
    def categories(self) -> list[str]:
        value = self.facts.get("categories")
        return [str(c) for c in value] if isinstance(value, list) else []

    @property
    def source_kind(self) -> str | None:
        source = self.facts.get("source")
        return str(source["kind"]) if isinstance(source, dict) and source.get("kind") else None


def cited_signals(entries: Sequence[ChronologyEntry], case_id: uuid.UUID) -> list[uuid.UUID]:
    """The signal ids the case's entries name, in the order they were first named: those it was
    opened from, then those added later (`CaseSignalsAdded`)."""
    order: dict[uuid.UUID, None] = {}
    for e in entries:
        if e.case_id != case_id:
            continue
        named = e.facts.get("signal_ids")
        for item in named if isinstance(named, list) else []:
            try:
                order.setdefault(uuid.UUID(str(item)))
            except ValueError:
                continue
    return list(order)


def case_signals(
    entries: Sequence[ChronologyEntry], case_id: uuid.UUID, visible: Collection[uuid.UUID]
) -> list[CaseSignal]:
    """The signals case `case_id` is built on that the reader sees (`visible`: event ids), each as
    its newest visible correction has it. A signal whose recording the reader does not see, or
    that is not projected yet, is left out."""
    shown = built_on(entries, {case_id}) & frozenset(visible)
    recorded: dict[uuid.UUID, ChronologyEntry] = {}
    corrections: dict[uuid.UUID, list[ChronologyEntry]] = {}
    for e in entries:
        if e.event_id not in shown or e.signal_id is None:
            continue
        if e.event_type == EntryType.SIGNAL_RECORDED:
            recorded[e.signal_id] = e
        elif e.event_type == EntryType.SIGNAL_CORRECTED:
            corrections.setdefault(e.signal_id, []).append(e)
    found = []
    for signal_id in cited_signals(entries, case_id):
        original = recorded.get(signal_id)
        if original is None:
            continue
        corrected = corrections.get(signal_id, [])
        current = max(corrected, key=lambda c: c.sequence) if corrected else original
        found.append(
            CaseSignal(
                signal_id=signal_id,
                observed_on=current.observed_on,
                recorded_at=original.occurred_at,
                corrections=len(corrected),
                facts=dict(current.facts),
            )
        )
    return found
