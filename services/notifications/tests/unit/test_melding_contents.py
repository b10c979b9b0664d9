"""What the melding document says (no PDF, no I/O)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

from meldcode_contracts.vocabulary import outcome_label
from notifications.domain.melding import (
    ANONYMITY_NOTE,
    DecisionFact,
    InformingFact,
    MeldingFile,
    SignalFact,
    document_id_for,
    document_sections,
)

SIGNAL = SignalFact(uuid.uuid4(), date(2026, 9, 1), "third_party", "buurvrouw", "Hoorde geschreeuw.")
FILE = MeldingFile(
    document_id=document_id_for(uuid.uuid4()),
    report_event_id=uuid.uuid4(),
    tenant="swv-zuid",
    school="12AB",
    case_id=uuid.uuid4(),
    pupil_id=uuid.uuid4(),
    reported_at=datetime(2026, 10, 4, 13, tzinfo=UTC),
    reported_on=date(2026, 10, 4),
    veilig_thuis_organisation="Veilig Thuis Zuid",
    veilig_thuis_region="Zuid",
    reporter_id="ib-1",
    reporter_name="Bram Bakker",
    anonymous_to_family=False,
    anonymity_ground=None,
    pupil=None,
    pupil_age_on_report=9,
    signal_ids=(SIGNAL.signal_id, uuid.uuid4()),
    signals=(SIGNAL,),
    consultations=(),
    parents=InformingFact(date(2026, 10, 3), informed=False, ground="veiligheid_kind", explanation="Gevaar."),
    child=None,
    school_continues="Opvang.",
)


def text(file: MeldingFile) -> str:
    return "\n".join(line for s in document_sections(file) for line in (s.title, *s.lines))


def test_the_document_names_the_source_the_exception_and_a_signal_it_could_not_find() -> None:
    body = text(FILE)
    assert "01-09-2026 - bron: verteld door een derde (buurvrouw)" in body
    assert (
        "De ouders zijn niet geïnformeerd. Uitzondering vastgelegd op 03-10-2026, grond: de veiligheid van het kind."
        in body
    )
    assert f"Signaal {FILE.signal_ids[1]}: niet beschikbaar" in body
    assert "Niet van toepassing: de leerling was op de dag van de melding jonger dan 12 jaar." in body
    assert "Gemeld door: Bram Bakker" in body
    assert "ib-1" not in body


def test_people_are_named_by_the_directory_and_an_unknown_id_as_an_unknown_staff_member() -> None:
    informed = InformingFact(date(2026, 10, 3), informed=True, by="ib-2", by_name="Ans de Wit")
    body = text(replace(FILE, parents=informed, child=replace(informed, by="ib-9", by_name=None)))
    assert "De ouders zijn op 03-10-2026 door Ans de Wit geïnformeerd over de melding." in body
    assert "De leerling is op 03-10-2026 door Onbekende medewerker geïnformeerd over de melding." in body
    assert "Gemeld door: Onbekende medewerker" in text(replace(FILE, reporter_name=None))
    assert "ib-" not in body


def test_with_anonymity_the_reporter_is_replaced_by_the_note() -> None:
    body = text(replace(FILE, anonymous_to_family=True, anonymity_ground="verstoring_relatie_gezin"))
    assert ANONYMITY_NOTE in body
    assert "Bram" not in body and "ib-1" not in body


def test_the_decision_is_named_in_the_words_of_the_shared_vocabulary_and_a_newer_outcome_as_its_code() -> (
    None
):
    decided = replace(FILE, decision=DecisionFact(date(2026, 10, 1), "report_and_help"))
    assert f"Besluit van 01-10-2026: {outcome_label('report_and_help')}." in text(decided)
    assert outcome_label("report_and_help") == "Melden bij Veilig Thuis én hulp bieden"
    newer = replace(FILE, decision=DecisionFact(date(2026, 10, 1), "uitkomst_van_morgen"))
    assert "Besluit van 01-10-2026: uitkomst_van_morgen." in text(newer)
