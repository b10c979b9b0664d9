"""The parents' inspection export (AVG inzage): the pupil's data as the school may give it to parents.

Built from the pupil's chronology entries, pure. The rules (rule 10 in docs/domain/rules.md, the reporting README
"Parents' export"):

- Every entry keeps its Dutch label, its date and its facts, minus what is not the pupil's data:
  the identity of every third party (`THIRD_PARTIES`: who told a signal, the consulted person,
  who sat at the conversation with the parents, the names of the weighing's participants, the JGZ
  professional; their kind, role, discipline and organisation stay) and the content of
  notifications (reminders and deliveries are the school's own bookkeeping: label and date only).
  The export is decided on staff user ids (the PDF shows the people it names by the staff
  directory's names); names typed into free texts cannot be recognised here (the school checks
  those texts before it hands the export over).
- Outside anonymity parents may know which staff acted: each entry names its actor (user id and
  role) and the facts keep the staff user ids (observer, case owner, reporter, ...).
- As soon as one case of the pupil holds `ReporterAnonymityAgreed` the export is *anonymous* for
  the whole pupil: no staff user id or role anywhere (no actors, no staff id facts), because the
  reporter may also have observed a signal, informed the parents or owned the case, and any staff
  id could single them out; nor the names and roles of who took part (conversation, weighing). The `ReporterAnonymityAgreed` entry keeps only its label and date.
  Every text that contains a known staff user id (the reporter's above all) is withheld whole.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final

from .chronology import ChronologyEntry, EntryType, JsonValue

WITHHELD: Final = "[weggelaten: kan de melder herkenbaar maken]"

STAFF_ID_KEYS: Final = frozenset(
    {
        "observer_id",
        "reporter_id",
        "case_owner_id",
        "opened_by",
        "previous_owner_id",
        "new_owner_id",
        "new_case_owner_id",
        "informed_by",
        "coordinator_id",
        "requested_by",
        "recipient_user_id",
        "who_reports",
        "who_informs_parents",
    }
)
"""Fact keys that hold a staff member's user id."""

STAFF_NAME_KEYS: Final = frozenset({"participants"})
"""Fact keys that name staff (names and roles of who took part): left out of an anonymous export."""

ANONYMOUS_DROPPED: Final = STAFF_ID_KEYS | STAFF_NAME_KEYS

THIRD_PARTIES: Final[Mapping[str, frozenset[str]]] = {
    EntryType.SIGNAL_RECORDED: frozenset({"source.name"}),
    EntryType.SIGNAL_CORRECTED: frozenset({"source.name"}),
    EntryType.COLLEAGUE_CONSULTED: frozenset({"consulted_name"}),
    # A free list of "names or roles": who in it is staff, family or someone else cannot be told.
    EntryType.PARENTS_CONVERSATION_HELD: frozenset({"participants"}),
    EntryType.RISK_WEIGHED: frozenset({"participants.name"}),
    EntryType.JGZ_CONSULTATION_RESULT_RECEIVED: frozenset({"professional"}),
}
"""Per entry type, the facts (dotted paths, through lists) that identify a third party: someone
other than the pupil, the parents and the school's staff acting in their role. Never given to the
parents (AVG art. 15 lid 4); the auditor's chronology and exports keep them. Every personal field
of the contracts is either here, a staff id (`STAFF_ID_KEYS`) or data about the pupil
(`tests/unit/test_parents_export.py` checks that none is left unclassified)."""

FACTLESS_TYPES: Final = frozenset(
    {EntryType.REMINDER_SENT, EntryType.JGZ_WEBHOOK_DELIVERED, EntryType.MELDING_DOCUMENT_ISSUED}
)
"""Entries shown with label and date only: the school's bookkeeping, not facts about the pupil."""


@dataclass(frozen=True)
class ExportPupil:
    pupil_id: uuid.UUID
    school: str
    pupil_number: str = field(repr=False)
    display_name: str = field(repr=False)
    date_of_birth: date | None = field(repr=False)


@dataclass(frozen=True)
class ExportEntry:
    label: str
    occurred_at: datetime
    day: date | None
    """The day the facts are about (observation, consultation, decision, report, ...), if any."""
    case_id: uuid.UUID | None
    signal_id: uuid.UUID | None
    corrected: bool
    actor_id: str | None
    actor_role: str | None
    facts: Mapping[str, JsonValue] = field(repr=False)


@dataclass(frozen=True)
class ParentsExport:
    pupil: ExportPupil
    reporter_anonymous: bool
    entries: Sequence[ExportEntry]

    def staff_ids(self) -> frozenset[str]:
        """The staff user ids the export shows (actors and staff id facts): none when anonymous."""
        ids = {e.actor_id for e in self.entries if e.actor_id}
        for e in self.entries:
            for key in STAFF_ID_KEYS:
                ids.update(s for s in _strings(e.facts.get(key)) if s)
        return frozenset(ids)

    def as_json(self) -> dict[str, JsonValue]:
        return {
            "pupil": {
                "pupil_id": str(self.pupil.pupil_id),
                "school": self.pupil.school,
                "pupil_number": self.pupil.pupil_number,
                "display_name": self.pupil.display_name,
                "date_of_birth": self.pupil.date_of_birth.isoformat() if self.pupil.date_of_birth else None,
            },
            "reporter_anonymous": self.reporter_anonymous,
            "entries": [
                {
                    "label": e.label,
                    "occurred_at": e.occurred_at.isoformat(),
                    "day": e.day.isoformat() if e.day else None,
                    "case_id": str(e.case_id) if e.case_id else None,
                    "signal_id": str(e.signal_id) if e.signal_id else None,
                    "corrected": e.corrected,
                    "actor": (
                        {"user_id": e.actor_id, "role": e.actor_role} if e.actor_id is not None else None
                    ),
                    "facts": dict(e.facts),
                }
                for e in self.entries
            ],
        }


DAY_KEYS: Final = (
    "observed_on",
    "consulted_on",
    "agreed_on",
    "reported_on",
    "decided_on",
    "informed_on",
    "recorded_on",
    "held_on",
    "received_on",
    "assigned_on",
)


def _day(entry: ChronologyEntry) -> date | None:
    if entry.observed_on is not None:
        return entry.observed_on
    for key in DAY_KEYS:
        value = entry.facts.get(key)
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                continue
    return None


def anonymous_cases(entries: Iterable[ChronologyEntry]) -> frozenset[uuid.UUID]:
    """The cases in which the reporter's anonymity toward the family was agreed (rule 10)."""
    return frozenset(
        e.case_id
        for e in entries
        if e.event_type == EntryType.REPORTER_ANONYMITY_AGREED and e.case_id is not None
    )


def _strings(value: JsonValue) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def staff_ids(entries: Iterable[ChronologyEntry]) -> frozenset[str]:
    """Every staff user id the chronology knows: actors and the staff id facts (reporters too)."""
    ids: set[str] = set()
    for e in entries:
        ids.add(e.actor_id)
        for key in STAFF_ID_KEYS:
            ids.update(s for s in _strings(e.facts.get(key)) if s)
    return frozenset(i for i in ids if i)


def _scrubbed(value: JsonValue, hidden: frozenset[str]) -> JsonValue:
    if isinstance(value, str):
        return WITHHELD if any(h in value for h in hidden) else value
    if isinstance(value, list):
        return [_scrubbed(v, hidden) for v in value]
    if isinstance(value, dict):
        return {k: _scrubbed(v, hidden) for k, v in value.items() if k not in ANONYMOUS_DROPPED}
    return value


def _without_path(value: JsonValue, path: Sequence[str]) -> JsonValue:
    if isinstance(value, list):
        return [_without_path(item, path) for item in value]
    if not isinstance(value, dict):
        return value
    head, *rest = path
    if not rest:
        return {k: v for k, v in value.items() if k != head}
    return {k: (_without_path(v, rest) if k == head else v) for k, v in value.items()}


def _without(facts: Mapping[str, JsonValue], paths: Iterable[str]) -> dict[str, JsonValue]:
    """`facts` without the values at the dotted `paths` (a list on the way: in each of its items)."""
    kept = dict(facts)
    for path in paths:
        head, *rest = path.split(".")
        if head in kept and rest:
            kept[head] = _without_path(kept[head], rest)
        else:
            kept.pop(head, None)
    return kept


def _facts(entry: ChronologyEntry, anonymous: bool, hidden: frozenset[str]) -> dict[str, JsonValue]:
    if entry.event_type in FACTLESS_TYPES:
        return {}
    if anonymous and entry.event_type == EntryType.REPORTER_ANONYMITY_AGREED:
        return {}
    facts = _without(entry.facts, THIRD_PARTIES.get(entry.event_type, frozenset()))
    if not anonymous:
        return facts
    return {k: _scrubbed(v, hidden) for k, v in facts.items() if k not in ANONYMOUS_DROPPED}


def parents_export(
    pupil: ExportPupil,
    entries: Sequence[ChronologyEntry],
    corrected_signals: frozenset[uuid.UUID] = frozenset(),
    whole_chronology: Sequence[ChronologyEntry] | None = None,
) -> ParentsExport:
    """The export of `entries` (what the exporting school sees of the pupil's chronology, in time
    order) for the pupil's parents. Whether the reporter is anonymous, and which staff ids that
    hides, is decided on the pupil's `whole_chronology` (default: `entries`): another school's
    anonymous case still hides its reporter wherever they appear in this school's part."""
    whole = entries if whole_chronology is None else whole_chronology
    anonymous = bool(anonymous_cases(whole))
    hidden = staff_ids(whole) if anonymous else frozenset()
    return ParentsExport(
        pupil=pupil,
        reporter_anonymous=anonymous,
        entries=[
            ExportEntry(
                label=e.label,
                occurred_at=e.occurred_at,
                day=_day(e),
                case_id=e.case_id,
                signal_id=e.signal_id,
                corrected=(
                    e.event_type == EntryType.SIGNAL_RECORDED
                    and e.signal_id is not None
                    and e.signal_id in corrected_signals
                ),
                actor_id=None if anonymous else e.actor_id,
                actor_role=None if anonymous else e.actor_role,
                facts=_facts(e, anonymous, hidden),
            )
            for e in entries
        ],
    )
