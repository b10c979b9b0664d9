"""Which entries of a pupil's chronology a reader sees (docs/security.md, "A pupil's chronology").

Pure: decided from the pupil's chronology entries alone.

- **A school sees its own time with the pupil**: every entry recorded at that school. The entry's
  `school` is the envelope's: the pupil's school for signals, consultations and the pupil's own
  events, the case's school *at the time* for case events (a `CaseTransferred` is still the old
  school's) and for what notifications sent about the case.
- **A transfer hands over the case and what it is built on**: the school a case is transferred to
  also sees the case's entries up to and including that transfer, and what the case is built on.
  Nothing else of the old school's time: not its other cases, not its other signals.
- **What a case is built on**: the signals it was opened from or cites (the `signal_ids` of its
  entries), their corrections, and the colleague consultations that discussed one of those signals.
- **A zorgteam member** sees, of what their school sees, only the cases they are invited into and
  what those cases are built on.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence

from .chronology import ChronologyEntry, EntryType

NOTICE_TYPES = frozenset(
    {EntryType.MELDING_DOCUMENT_ISSUED, EntryType.JGZ_WEBHOOK_DELIVERED, EntryType.REMINDER_SENT}
)
"""Entries of the notifications service: they name a case but are not in the case's own sequence."""


def _ids(value: object) -> set[uuid.UUID]:
    if not isinstance(value, list):
        return set()
    found: set[uuid.UUID] = set()
    for item in value:
        try:
            found.add(uuid.UUID(str(item)))
        except ValueError:
            continue
    return found


def transfers(entries: Iterable[ChronologyEntry]) -> list[ChronologyEntry]:
    """The `CaseTransferred` entries: each hands its case over to `facts["to_school"]`."""
    return [e for e in entries if e.event_type == EntryType.CASE_TRANSFERRED and e.case_id is not None]


def schools_of_pupil(home_school: str, entries: Iterable[ChronologyEntry]) -> frozenset[str]:
    """Every school that had time with the pupil: the school the pupil is registered at, every
    school something about the pupil was recorded at, and every school a case was transferred to."""
    listed = list(entries)
    schools = {home_school, *(e.school for e in listed)}
    schools.update(str(t.facts.get("to_school")) for t in transfers(listed) if t.facts.get("to_school"))
    return frozenset(schools)


def built_on(entries: Sequence[ChronologyEntry], case_ids: Collection[uuid.UUID]) -> frozenset[uuid.UUID]:
    """The event ids of what the cases are built on: the signals their entries cite, those signals'
    corrections, and the colleague consultations that discussed one of them."""
    cited: set[uuid.UUID] = set()
    for e in entries:
        if e.case_id is not None and e.case_id in case_ids:
            cited |= _ids(e.facts.get("signal_ids"))
    found: set[uuid.UUID] = set()
    for e in entries:
        if e.case_id is not None:
            continue
        if e.signal_id is not None and e.signal_id in cited:
            found.add(e.event_id)  # the signal and its corrections
        elif e.event_type == EntryType.COLLEAGUE_CONSULTED and cited & _ids(e.facts.get("signal_ids")):
            found.add(e.event_id)
    return frozenset(found)


def _up_to(entry: ChronologyEntry, transfer: ChronologyEntry) -> bool:
    """The case entry happened before the transfer, or is the transfer."""
    if entry.event_type in NOTICE_TYPES:
        return entry.occurred_at <= transfer.occurred_at
    return entry.sequence <= transfer.sequence  # the case's own events: their order in the case


def handed_over(entries: Sequence[ChronologyEntry], schools: Collection[str]) -> frozenset[uuid.UUID]:
    """The event ids that transfers of the pupil's cases to one of `schools` handed over."""
    found: set[uuid.UUID] = set()
    received: set[uuid.UUID] = set()
    for transfer in transfers(entries):
        if transfer.case_id is None or transfer.facts.get("to_school") not in schools:
            continue
        received.add(transfer.case_id)
        found.update(e.event_id for e in entries if e.case_id == transfer.case_id and _up_to(e, transfer))
    return frozenset(found | built_on(entries, received))


def seen_by_schools(entries: Sequence[ChronologyEntry], schools: Collection[str]) -> frozenset[uuid.UUID]:
    """The event ids the staff of `schools` see: their own time with the pupil and what transfers
    to them handed over."""
    own = {e.event_id for e in entries if e.school in schools}
    return frozenset(own | handed_over(entries, schools))


def seen_through_cases(
    entries: Sequence[ChronologyEntry], case_ids: Collection[uuid.UUID]
) -> frozenset[uuid.UUID]:
    """The event ids of the cases and of what they are built on."""
    own = {e.event_id for e in entries if e.case_id is not None and e.case_id in case_ids}
    return frozenset(own | built_on(entries, case_ids))


def seen_by_zorgteam_member(
    entries: Sequence[ChronologyEntry], schools: Collection[str], invited: Collection[uuid.UUID]
) -> frozenset[uuid.UUID]:
    """What a zorgteam member of `schools`, invited into the cases `invited`, sees."""
    return seen_by_schools(entries, schools) & seen_through_cases(entries, invited)
