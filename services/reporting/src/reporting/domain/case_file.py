"""The printable case file (dossier) of one case, for the casushouder, the IB'er of the school and
the auditor: what the case is, where it stands and everything that happened in it, in Dutch, with
every person named by the staff directory (never a user id) and every event by its label of the
shared vocabulary (never a contract event type).

Pure: built from the case row, the pupil, the school's name and the entries of the pupil's
chronology the reader may see; `reporting.adapters.case_file_pdf` lays the sections out as a PDF.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from meldcode_vocabulary import ERASED, field_label, obligation_text, outcome_label, value_label
from meldcode_vocabulary.dutch_days import DUTCH_TIME

from .cases import CaseRow, shown_step_label
from .chronology import ChronologyEntry, EntryType, JsonValue
from .parents_export import DAY_KEYS, STAFF_ID_KEYS
from .pupils import PupilRow
from .staff import StaffNames, role_label, staff_name

PERSON_KEYS: Final = STAFF_ID_KEYS | {"member_id"}
"""Fact keys that hold a staff member's user id: shown as the person's name."""


STEPS: Final[tuple[tuple[str, frozenset[str]], ...]] = (
    ("Stap 1: signaleren", frozenset({EntryType.SIGNAL_RECORDED})),
    (
        "Stap 2: collegiale consultatie",
        frozenset(
            {
                EntryType.COLLEAGUE_CONSULTED,
                EntryType.JGZ_CONSULTATION_REQUESTED,
                EntryType.JGZ_CONSULTATION_RESULT_RECEIVED,
            }
        ),
    ),
    (
        "Stap 3: gesprek met ouders",
        frozenset({EntryType.PARENTS_CONVERSATION_HELD, EntryType.PARENTS_CONVERSATION_SKIPPED}),
    ),
    ("Stap 4: weging en risicotaxatie", frozenset({EntryType.RISK_WEIGHED})),
    (
        "Stap 5: beslissen: hulp en/of melden",
        frozenset({EntryType.DECISION_MADE, EntryType.AMK_NOTIFIED, EntryType.HELP_ORGANISED}),
    ),
    (
        "Stap 6: volgen",
        frozenset(
            {
                EntryType.CARE_COORDINATOR_ASSIGNED,
                EntryType.FOLLOW_UP_SCHEDULED,
                EntryType.FOLLOW_UP_EVALUATED,
            }
        ),
    ),
    ("Zaak gesloten", frozenset({EntryType.CASE_CLOSED})),
)
"""The six steps of the Meldcode and the records that show a step was taken."""

AFWEGINGSKADER: Final = (
    "q1_suspicion",
    "q2_acute_or_structural_unsafety",
    "q3_sufficient_help_possible",
    "q4_help_accepted",
    "q5_lasting_safety",
)

MORE_DAY_KEYS: Final = (
    "weighed_on",
    "organised_on",
    "evaluated_on",
    "closed_on",
    "left_on",
    "transferred_on",
)

HIDDEN_FACTS: Final = frozenset({"signal_ids", "signal_id", "case_id", "consultation_id", "document_id"})
"""Technical ids: the file names signals, cases and documents by their place in it instead."""


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class CaseFile:
    title: str
    sections: tuple[Section, ...]

    @property
    def text(self) -> str:
        """Everything the file says, in reading order (what the PDF shows)."""
        return "\n".join([self.title, *(line for s in self.sections for line in (s.title, *s.lines))])


def dutch(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def dutch_moment(at: datetime) -> str:
    return at.astimezone(DUTCH_TIME).strftime("%d-%m-%Y %H:%M")


def case_entries(case: CaseRow, entries: Iterable[ChronologyEntry]) -> list[ChronologyEntry]:
    """The entries of the case's history, in time order: its own events and the signals it is built on
    (the ones it was opened from and those added later)."""
    listed = list(entries)
    signals = set(case.signal_ids)
    for e in listed:
        if e.case_id == case.case_id and e.event_type == EntryType.CASE_SIGNALS_ADDED:
            signals.update(_uuids(e.facts.get("signal_ids")))
    kept = [
        e
        for e in listed
        if e.case_id == case.case_id
        or (
            e.event_type in (EntryType.SIGNAL_RECORDED, EntryType.SIGNAL_CORRECTED) and e.signal_id in signals
        )
    ]
    return sorted(kept, key=lambda e: (e.occurred_at, e.sequence, str(e.event_id)))


def people_in(case: CaseRow, entries: Iterable[ChronologyEntry]) -> frozenset[str]:
    """Every staff user id the file names: the casushouder, actors and the person facts."""
    ids = {case.case_owner_id}
    for e in entries:
        ids.add(e.actor_id)
        for key in PERSON_KEYS:
            ids.update(v for v in _strings(e.facts.get(key)) if v)
    return frozenset(i for i in ids if i)


def case_file(
    case: CaseRow,
    pupil: PupilRow | None,
    school_name: str | None,
    entries: Sequence[ChronologyEntry],
    names: StaffNames,
    *,
    printed_at: datetime,
) -> CaseFile:
    """The case file of `case`; `entries` are the case's history (`case_entries`), in time order."""
    pupil_name = pupil.display_name if pupil is not None else "onbekende leerling"
    return CaseFile(
        title=f"Dossier van {pupil_name}",
        sections=(
            Section(
                "Vertrouwelijk",
                (
                    f"Afgedrukt op {dutch_moment(printed_at)} uit het Meldcode-platform. Dit dossier bevat "
                    "bijzondere persoonsgegevens: alleen voor de casushouder, de IB'er van de school "
                    "en de auditor; niet aan de ouders geven (daarvoor is het inzage-overzicht).",
                ),
            ),
            Section("Leerling", _pupil_lines(pupil)),
            Section("Zaak", _case_lines(case, school_name, entries, names)),
            Section("Stappen van de Meldcode", _step_lines(entries)),
            Section("Besluit volgens het afwegingskader", _decision_lines(entries, names)),
            Section("Wat nog moet gebeuren", _obligation_lines(case)),
            Section("Verloop van de zaak", _history_lines(entries, names)),
        ),
    )


def _pupil_lines(pupil: PupilRow | None) -> tuple[str, ...]:
    if pupil is None:
        return ("De gegevens van de leerling zijn niet beschikbaar.",)
    born = dutch(pupil.date_of_birth) if pupil.date_of_birth is not None else ERASED
    return (
        f"Naam: {pupil.display_name}",
        f"Leerlingnummer: {pupil.pupil_number}",
        f"Geboortedatum: {born}",
    )


def _case_lines(
    case: CaseRow, school_name: str | None, entries: Sequence[ChronologyEntry], names: StaffNames
) -> tuple[str, ...]:
    school = f"{school_name} ({case.school})" if school_name else f"BRIN {case.school}"
    lines = [
        f"School: {school}",
        f"Zaaknummer: {case.case_id}",
        f"Geopend op: {dutch_moment(case.opened_at)}",
        f"Huidige stap: {shown_step_label(case.step)}",
        f"Casushouder: {staff_name(names, case.case_owner_id)}",
        f"Zorgteam: {', '.join(staff_name(names, m) for m in _zorgteam(case, entries)) or 'niemand uitgenodigd'}",
    ]
    if case.transferred_from is not None:
        on = f" op {dutch(case.transferred_on)}" if case.transferred_on else ""
        lines.append(f"Overgedragen van school {case.transferred_from}{on}")
    if case.reports:
        lines.append(f"Meldingen bij Veilig Thuis: {case.reports}")
    return tuple(lines)


def _zorgteam(case: CaseRow, entries: Sequence[ChronologyEntry]) -> list[str]:
    """The members invited into the case and not withdrawn, in the order they were invited."""
    members: dict[str, None] = {}
    for e in entries:
        member = e.facts.get("member_id")
        if e.case_id != case.case_id or not isinstance(member, str):
            continue
        if e.event_type == EntryType.ZORGTEAM_MEMBER_INVITED:
            members[member] = None
        elif e.event_type == EntryType.ZORGTEAM_INVITATION_WITHDRAWN:
            members.pop(member, None)
    return list(members)


def _step_lines(entries: Sequence[ChronologyEntry]) -> tuple[str, ...]:
    lines = []
    for name, types in STEPS:
        days = sorted(_day(e) for e in entries if e.event_type in types)
        lines.append(f"{name}: {dutch(days[0])}" if days else f"{name}: niet vastgelegd")
    return tuple(lines)


def _decision_lines(entries: Sequence[ChronologyEntry], names: StaffNames) -> tuple[str, ...]:
    decisions = [e for e in entries if e.event_type == EntryType.DECISION_MADE]
    if not decisions:
        return ("Er is (nog) geen besluit genomen.",)
    lines: list[str] = []
    for e in decisions:
        outcome = e.facts.get("outcome")
        lines.append(
            f"Besluit van {dutch(_day(e))}: {outcome_label(outcome) if isinstance(outcome, str) else '-'}"
        )
        for key in AFWEGINGSKADER:
            lines.append(f"    {field_label(key)}: {_answer(e.facts.get(key))}")
        for key in ("reasons", "who_reports", "who_informs_parents"):
            if e.facts.get(key) is not None:
                lines.append(f"    {field_label(key)}: {_shown(key, e.facts[key], names)}")
    return tuple(lines)


def _obligation_lines(case: CaseRow) -> tuple[str, ...]:
    if not case.is_open:
        return ("Niets: de zaak is gesloten.",)
    if not case.obligations:
        return ("Geen openstaande verplichtingen bekend.",)
    return tuple(
        f"{obligation_text(o.kind)}" + (f" (uiterlijk {dutch(o.due_on)})" if o.due_on else "")
        for o in case.obligations
    )


def _history_lines(entries: Sequence[ChronologyEntry], names: StaffNames) -> tuple[str, ...]:
    if not entries:
        return ("Er is niets vastgelegd.",)
    lines: list[str] = []
    for e in entries:
        role = role_label(e.actor_role)
        who = (
            "het platform (automatisch)"
            if e.actor_role == "system"
            else f"{staff_name(names, e.actor_id)} ({role})"
        )
        lines.append(f"{dutch_moment(e.occurred_at)}  {e.label}, door {who}")
        for key, value in e.facts.items():
            if key in HIDDEN_FACTS or value is None or value == [] or value == "":
                continue
            lines.append(f"    {field_label(key)}: {_shown(key, value, names)}")
    return tuple(lines)


def _shown(key: str, value: JsonValue, names: StaffNames) -> str:
    """A fact in Dutch: a person by name, a fixed value by its label, yes/no for a truth value."""
    if key in PERSON_KEYS:
        return ", ".join(staff_name(names, v) for v in _strings(value)) or "-"
    return _value(value)


def _value(value: JsonValue) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value) or "-"
    if isinstance(value, dict):
        return "; ".join(f"{field_label(k)}: {_value(v)}" for k, v in value.items())
    if isinstance(value, str):
        return _maybe_day(value) or value_label(value)
    return str(value)


def _maybe_day(value: str) -> str | None:
    if len(value) != 10:
        return None
    try:
        return dutch(date.fromisoformat(value))
    except ValueError:
        return None


def _answer(value: JsonValue) -> str:
    return "niet beantwoord" if value is None else _value(value)


def _day(entry: ChronologyEntry) -> date:
    """The day the entry is about (observation, decision, ...), else the Dutch day it was recorded."""
    if entry.observed_on is not None:
        return entry.observed_on
    for key in (*DAY_KEYS, *MORE_DAY_KEYS):
        value = entry.facts.get(key)
        if isinstance(value, str) and _maybe_day(value) is not None:
            return date.fromisoformat(value)
    return entry.occurred_at.astimezone(DUTCH_TIME).date()


def _strings(value: JsonValue) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _uuids(value: JsonValue) -> Iterable[uuid.UUID]:
    for s in _strings(value):
        try:
            yield uuid.UUID(s)
        except ValueError:
            continue
