"""The printable case file: what it says (pure, from chronology entries) and the PDF it becomes."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, datetime

from pypdf import PdfReader

from meldcode_contracts import Envelope, ZorgteamInvitationWithdrawn
from meldcode_testkit.builders import CaseFile as CaseEvents
from meldcode_testkit.builders import Events, at
from meldcode_vocabulary import EVENT_LABELS, UNKNOWN_STAFF_MEMBER
from reporting.adapters import case_file_pdf
from reporting.domain.case_file import CaseFile, case_entries, case_file, people_in
from reporting.domain.cases import CaseRow, case_row
from reporting.domain.chronology import ChronologyEntry
from reporting.domain.pupils import PupilRow
from reporting.translation import project

NAMES = {"ib-1": "Ineke Bakker", "zt-1": "Joke de Wit", "zt-2": "Piet Pols"}
PRINTED = datetime(2026, 12, 1, 9, tzinfo=UTC)


def a_walked_case(events: Events) -> tuple[CaseRow, PupilRow, list[ChronologyEntry], list[Envelope]]:
    registered = events.pupil()
    pupil_id = registered.payload.pupil_id
    signal = events.signal(pupil_id, when=at(1))
    other_signal = events.signal(pupil_id, when=at(2), description="Niet in deze zaak.")
    opened = events.case(pupil_id, [signal.payload.signal_id], when=at(3))
    case = CaseEvents(events, opened)
    stream: list[Envelope] = [
        signal,
        other_signal,
        opened,
        case.invited(at(4)),
        case.invited(at(5), member_id="zt-2"),
        case.conversation_held(at(6)),
        case.risk_weighed(at(7)),
        case.decision(at(8)),
        case.published(at(8), "besluit", ("ouders_informeren", at(12).date()), "melden_veilig_thuis"),
        case.parents_informed(at(9)),
    ]
    stream.append(
        case._event(ZorgteamInvitationWithdrawn, at(10), member_id="zt-2", withdrawn_on=at(10).date())
    )
    projections = [project(e) for e in [registered, *stream]]
    row = case_row(p.case_change for p in projections if p.case_change is not None)
    assert row is not None
    pupil = projections[0].pupil
    assert pupil is not None
    entries = [p.entry for p in projections if p.entry is not None]
    return row, pupil, entries, stream


def file_of(
    events: Events, names: dict[str, str] = NAMES, school_name: str | None = "De Regenboog"
) -> CaseFile:
    row, pupil, entries, _ = a_walked_case(events)
    history = case_entries(row, entries)
    return case_file(row, pupil, school_name, history, names, printed_at=PRINTED)


def test_the_case_file_names_the_pupil_the_school_and_every_person_by_name(events: Events) -> None:
    text = file_of(events).text
    assert "Dossier van Sanne Jansen" in text
    assert "Geboortedatum: 02-03-2014" in text and "Leerlingnummer: L-" in text
    assert "School: De Regenboog (12AB)" in text
    assert "Casushouder: Ineke Bakker" in text
    assert "Zorgteam: Joke de Wit\n" in text, "a withdrawn invitation leaves the zorgteam"
    assert "Zorgteamlid: Piet Pols" in text, "and stays named in the history"
    assert "door Joke de Wit (zorgteam)" in text and "door Ineke Bakker (IB'er)" in text
    assert "Wie meldt: Ineke Bakker" in text and "Wie informeert de ouders: Ineke Bakker" in text
    assert not re.search(r"\b(ib|zt|lk)-\d\b", text), "no user id in the file"


def test_the_steps_the_decision_with_the_afwegingskader_and_what_is_still_open(events: Events) -> None:
    text = file_of(events).text
    assert "Stap 1: signaleren: 01-11-2026" in text, "the day of the observation"
    assert "Stap 2: collegiale consultatie: niet vastgelegd" in text
    assert f"Stap 3: gesprek met ouders: {at(6).strftime('%d-%m-%Y')}" in text
    assert f"Stap 5: beslissen: hulp en/of melden: {at(8).strftime('%d-%m-%Y')}" in text
    assert "Stap 6: volgen: niet vastgelegd" in text
    assert "Melden bij Veilig Thuis én hulp bieden" in text
    assert "Vraag 1: vermoeden: ja" in text and "Vraag 3: voldoende hulp mogelijk: niet beantwoord" in text
    assert "Informeer de ouders over de voorgenomen melding" in text
    assert f"(uiterlijk {at(12).strftime('%d-%m-%Y')})" in text


def test_the_history_is_in_order_with_the_dutch_labels_and_only_this_cases_signals(events: Events) -> None:
    file = file_of(events)
    history = next(s for s in file.sections if s.title == "Verloop van de zaak")
    labels = [line.split("  ", 1)[1].split(", door")[0] for line in history.lines if not line.startswith(" ")]
    assert labels[:4] == [
        EVENT_LABELS["SignalRecorded"],
        EVENT_LABELS["CaseOpened"],
        EVENT_LABELS["ZorgteamMemberInvited"],
        EVENT_LABELS["ZorgteamMemberInvited"],
    ]
    assert labels[-1] == EVENT_LABELS["ZorgteamInvitationWithdrawn"]
    assert "Niet in deze zaak." not in file.text
    for event_type in EVENT_LABELS:
        assert not re.search(rf"\b{event_type}\b", file.text), f"English event type {event_type} shown"


def test_a_person_the_directory_does_not_know_is_an_unknown_staff_member_and_no_register_shows_the_brin(
    events: Events,
) -> None:
    text = file_of(events, names={}, school_name=None).text
    assert f"Casushouder: {UNKNOWN_STAFF_MEMBER}" in text
    assert "School: BRIN 12AB" in text
    assert "ib-1" not in text


def test_the_people_asked_for_are_the_owner_the_actors_and_the_person_facts(events: Events) -> None:
    row, _, entries, _ = a_walked_case(events)
    assert people_in(row, case_entries(row, entries)) == {"ib-1", "zt-1", "zt-2", "lk-1"}


def test_a_closed_case_has_nothing_open(events: Events) -> None:
    row, pupil, entries, _ = a_walked_case(events)
    closed = replace(row, step="gesloten", obligations=())
    text = case_file(closed, pupil, None, case_entries(closed, entries), NAMES, printed_at=PRINTED).text
    assert "Niets: de zaak is gesloten." in text


def test_the_pdf_holds_the_text_of_the_file(events: Events) -> None:
    file = file_of(events)
    pdf = case_file_pdf.render(file)
    text = " ".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Dossier van Sanne Jansen" in text
    assert "Casushouder: Ineke Bakker" in text
    assert "Zorgteam: Joke de Wit" in text and "Zorgteamlid: Piet Pols" in text
    assert EVENT_LABELS["DecisionMade"] in text
    assert "CaseOpened" not in text and "ib-1" not in text
