"""The melding document: the report to Veilig Thuis as the school keeps it (rules 8, 9, 10).

Built from the facts of the events notifications consumes (signals and their corrections,
consultations, the informing of parents and pupil or the recorded exceptions, the anonymity
agreement, help and decision) when `AmkNotified` arrives. This module decides *what* the document
says, in Dutch, as sections of lines; `adapters.melding_pdf` lays it out as a PDF.

When anonymity toward the family was agreed (rule 10), the reporter does not appear at all: the
document is one the family can obtain, so it carries the note instead.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from meldcode_vocabulary import UNKNOWN_STAFF_MEMBER, outcome_label

from .tasks import must_be_utc

DOCUMENT_NAMESPACE = uuid.UUID("9a8b7c6d-5e4f-5a3b-8c2d-1e0f9a8b7c6d")


def document_id_for(report_event_id: uuid.UUID) -> uuid.UUID:
    """One document per report event: a redelivered `AmkNotified` is the same document."""
    return uuid.uuid5(DOCUMENT_NAMESPACE, str(report_event_id))


SOURCE_LABELS = {
    "own_observation": "eigen waarneming",
    "pupil_said": "verteld door de leerling",
    "parent_said": "verteld door een ouder",
    "third_party": "verteld door een derde",
}
CATEGORY_LABELS = {
    "physical": "lichamelijk",
    "emotional": "emotioneel",
    "behavioural": "gedrag",
    "neglect": "verwaarlozing",
    "sexual": "seksueel",
    "domestic_violence": "huiselijk geweld",
    "honour_related": "eergerelateerd",
    "other": "overig",
}
GROUND_LABELS = {
    "veiligheid_kind": "de veiligheid van het kind",
    "veiligheid_anderen": "de veiligheid van anderen",
    "veiligheid_melder": "de veiligheid van de melder",
    "ouders_onttrekken_kind": "de vrees dat de ouders het kind aan het contact onttrekken",
    "ontwikkelingsniveau": "het ontwikkelingsniveau van de leerling",
    "bedreiging_kind_of_gezinsleden": "bedreiging van het kind of gezinsleden",
    "bedreiging_melder_of_collegas": "bedreiging van de melder of collega's",
    "verstoring_relatie_gezin": "verstoring van de relatie met het gezin",
}


def label(labels: dict[str, str], value: str) -> str:
    return labels.get(value, value.replace("_", " "))


def dutch(day: date) -> str:
    return day.strftime("%d-%m-%Y")


@dataclass(frozen=True)
class SignalFact:
    """A recorded signal as it stands now (the latest correction wins; the date says so)."""

    signal_id: uuid.UUID
    observed_on: date
    source_kind: str
    source_name: str | None
    description: str
    categories: tuple[str, ...] = ()
    interpretation: str | None = None
    corrected_on: date | None = None


@dataclass(frozen=True)
class ConsultationFact:
    consulted_on: date
    consulted_name: str
    consulted_role: str
    organisation: str
    advice: str


@dataclass(frozen=True)
class InformingFact:
    """Parents or pupil informed of the report, or an exception recorded with its legal ground."""

    on: date
    informed: bool
    by: str | None = None
    """User id of who informed them."""
    by_name: str | None = None
    """Their name in the staff directory, if it knows them."""
    ground: str | None = None
    explanation: str | None = None


@dataclass(frozen=True)
class PupilIdentity:
    given_name: str
    family_name: str
    date_of_birth: date | None
    pupil_number: str


@dataclass(frozen=True)
class HelpFact:
    organised_on: date
    description: str
    providers: tuple[str, ...]


@dataclass(frozen=True)
class DecisionFact:
    decided_on: date
    outcome: str


@dataclass(frozen=True)
class MeldingFile:
    """Everything the document shows, gathered from the consumed events."""

    document_id: uuid.UUID
    report_event_id: uuid.UUID
    tenant: str
    school: str
    case_id: uuid.UUID
    pupil_id: uuid.UUID
    reported_at: datetime
    reported_on: date
    veilig_thuis_organisation: str
    veilig_thuis_region: str
    reporter_id: str
    reporter_name: str | None
    """The reporter's name in the staff directory; None when it does not know them."""
    anonymous_to_family: bool
    anonymity_ground: str | None
    pupil: PupilIdentity | None
    pupil_age_on_report: int
    signal_ids: tuple[uuid.UUID, ...]
    signals: tuple[SignalFact, ...]
    consultations: tuple[ConsultationFact, ...]
    parents: InformingFact | None
    child: InformingFact | None
    school_continues: str
    help: tuple[HelpFact, ...] = ()
    decision: DecisionFact | None = None

    def __post_init__(self) -> None:
        must_be_utc(self.reported_at, "reported_at")

    @property
    def reporter_hidden(self) -> bool:
        """Rule 10: anonymity toward the family was agreed (the event, or the report's own flag)."""
        return self.anonymous_to_family or self.anonymity_ground is not None

    @property
    def missing_signal_ids(self) -> tuple[uuid.UUID, ...]:
        known = {s.signal_id for s in self.signals}
        return tuple(s for s in self.signal_ids if s not in known)


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[str, ...]


TITLE = "Melding aan Veilig Thuis"
SUBTITLE = (
    "Verslag van de melding zoals de school die bewaart (Meldcode huiselijk geweld en kindermishandeling)"
)
ANONYMITY_NOTE = (
    "De melder blijft anoniem tegenover het gezin. De identiteit van de melder staat daarom niet in "
    "dit document; zij is vastgelegd in het dossier en alleen zichtbaar voor bevoegden."
)


def document_sections(file: MeldingFile) -> list[Section]:
    """The document's contents in reading order."""
    return [
        Section(
            "Gegevens van de melding",
            (
                f"Datum van de melding: {dutch(file.reported_on)}",
                f"Gemeld bij: {file.veilig_thuis_organisation} (regio {file.veilig_thuis_region})",
                f"School (BRIN): {file.school}",
                f"Zaaknummer: {file.case_id}",
            ),
        ),
        Section("Leerling", _pupil_lines(file)),
        Section("Feiten: de signalen waarop de melding rust", _signal_lines(file)),
        Section("Collegiale consultatie", _consultation_lines(file)),
        Section(
            "Ouders geïnformeerd", _informing_lines(file.parents, "De ouders", "zijn", file.reporter_hidden)
        ),
        Section("Leerling geïnformeerd", _child_lines(file)),
        Section("Melder", _reporter_lines(file)),
        Section("Wat de school blijft doen", _continuation_lines(file)),
    ]


def _pupil_lines(file: MeldingFile) -> tuple[str, ...]:
    age = f"Leeftijd op de dag van de melding: {file.pupil_age_on_report} jaar"
    if file.pupil is None:
        return (f"Leerling-id: {file.pupil_id} (gegevens niet beschikbaar)", age)
    p = file.pupil
    return (
        f"Naam: {p.given_name} {p.family_name}",
        f"Geboortedatum: {dutch(p.date_of_birth) if p.date_of_birth else '[gewist]'}",
        f"Leerlingnummer: {p.pupil_number}",
        age,
    )


def _signal_lines(file: MeldingFile) -> tuple[str, ...]:
    lines: list[str] = []
    for signal in sorted(file.signals, key=lambda s: (s.observed_on, str(s.signal_id))):
        source = label(SOURCE_LABELS, signal.source_kind)
        if signal.source_name:
            source = f"{source} ({signal.source_name})"
        lines.append(f"{dutch(signal.observed_on)} - bron: {source}")
        lines.append(f"    {signal.description}")
        if signal.categories:
            lines.append("    Categorie: " + ", ".join(label(CATEGORY_LABELS, c) for c in signal.categories))
        if signal.interpretation:
            lines.append(f"    Interpretatie (apart van de feiten): {signal.interpretation}")
        if signal.corrected_on:
            lines.append(
                f"    Gecorrigeerd op {dutch(signal.corrected_on)}; hierboven staat de gecorrigeerde versie."
            )
    for missing in file.missing_signal_ids:
        lines.append(f"Signaal {missing}: niet beschikbaar in de meldingsadministratie.")
    return tuple(lines)


def _consultation_lines(file: MeldingFile) -> tuple[str, ...]:
    if not file.consultations:
        return ("Geen consultatie vastgelegd.",)
    lines: list[str] = []
    for c in sorted(file.consultations, key=lambda c: c.consulted_on):
        lines.append(f"{dutch(c.consulted_on)} - {c.consulted_name}, {c.consulted_role} ({c.organisation})")
        lines.append(f"    Advies: {c.advice}")
    return tuple(lines)


def _informing_lines(fact: InformingFact | None, who: str, verb: str, hide_by: bool) -> tuple[str, ...]:
    """`hide_by`: with anonymity agreed, no staff member is named (the informer may be the reporter)."""
    if fact is None:
        return (f"{who}: niet vastgelegd.",)
    if fact.informed:
        by = f" door {fact.by_name or UNKNOWN_STAFF_MEMBER}" if fact.by and not hide_by else ""
        return (f"{who} {verb} op {dutch(fact.on)}{by} geïnformeerd over de melding.",)
    lines = [
        f"{who} {verb} niet geïnformeerd. Uitzondering vastgelegd op {dutch(fact.on)}, "
        f"grond: {label(GROUND_LABELS, fact.ground or '')}."
    ]
    if fact.explanation:
        lines.append(f"    Toelichting: {fact.explanation}")
    return tuple(lines)


def _child_lines(file: MeldingFile) -> tuple[str, ...]:
    if file.child is None and file.pupil_age_on_report < 12:
        return ("Niet van toepassing: de leerling was op de dag van de melding jonger dan 12 jaar.",)
    return _informing_lines(file.child, "De leerling", "is", file.reporter_hidden)


def _reporter_lines(file: MeldingFile) -> tuple[str, ...]:
    if file.reporter_hidden:
        lines = [ANONYMITY_NOTE]
        if file.anonymity_ground:
            lines.append(f"Grond: {label(GROUND_LABELS, file.anonymity_ground)}.")
        return tuple(lines)
    return (f"Gemeld door: {file.reporter_name or UNKNOWN_STAFF_MEMBER}",)


def _continuation_lines(file: MeldingFile) -> tuple[str, ...]:
    lines = [file.school_continues]
    if file.decision is not None:
        lines.append(
            f"Besluit van {dutch(file.decision.decided_on)}: {outcome_label(file.decision.outcome)}."
        )
    for help_ in file.help:
        providers = f" ({', '.join(help_.providers)})" if help_.providers else ""
        lines.append(f"Hulp georganiseerd op {dutch(help_.organised_on)}{providers}: {help_.description}")
    return tuple(lines)
