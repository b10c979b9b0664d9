"""The Meldcode's words for a case: its steps, the outcomes of the afwegingskader and the
obligations casework publishes, with the Dutch every screen, document and e-mail shows.

One place for the platform (docs/adr/0018-casework-owns-the-rules.md,
docs/adr/0021-a-shared-vocabulary-kernel.md): casework decides the step and the open obligations
with their due days and publishes them (`CaseObligationsChanged`); the other services and the
portal show what was published, in these words, and derive none of it. Codes travel on the wire as
plain strings, so a reader shows a code this version does not know yet as it is instead of
refusing the event.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final


class CaseStep(StrEnum):
    """Where a case stands in the six steps of the Meldcode."""

    OPENED = "geopend"
    """Step 2 done: a case was opened from signals after consultation; the parents conversation is next."""
    PARENTS_CONVERSATION = "gesprek_ouders"
    """Step 3 done (conversation held or its skip recorded): the weighing is next."""
    WEIGHED = "weging"
    """Step 4 done: the decision is next."""
    DECIDED = "besluit"
    """Step 5 decided: help is organised and/or the report is prepared."""
    REPORTED = "melding"
    """Reported to Veilig Thuis (`AmkNotified`)."""
    FOLLOW_UP = "volgen"
    """Step 6: a care coordinator follows the help; evaluation."""
    CLOSED = "gesloten"


class Outcome(StrEnum):
    """The outcome of the afwegingskader (step 5)."""

    NO_SUSPICION_CLOSE = "no_suspicion_close"
    HELP = "help"
    REPORT = "report"
    REPORT_AND_HELP = "report_and_help"

    @property
    def reports(self) -> bool:
        return self in REPORTING_OUTCOMES

    @property
    def helps(self) -> bool:
        return self in (Outcome.HELP, Outcome.REPORT_AND_HELP)


REPORTING_OUTCOMES: Final = frozenset({Outcome.REPORT, Outcome.REPORT_AND_HELP})


class ObligationKind(StrEnum):
    """What must happen before a case can take its next step."""

    PARENTS_CONVERSATION = "gesprek_ouders"
    WEIGHING = "weging_zorgteam"
    DECISION = "besluit_afwegingskader"
    DECISION_AFTER_FAILED_EVALUATION = "besluit_opnieuw_melden"
    CLOSE_NO_SUSPICION = "zaak_sluiten_geen_vermoeden"
    INFORM_PARENTS = "ouders_informeren"
    INFORM_CHILD = "kind_informeren"
    INFORM_CHILD_IF_12 = "kind_informeren_vanaf_12"
    REPORT = "melden_veilig_thuis"
    ORGANISE_HELP = "hulp_organiseren"
    FEEDBACK = "terugkoppeling_veilig_thuis"
    CARE_COORDINATOR = "zorgcoordinator_aanwijzen"
    SCHEDULE_EVALUATION = "evaluatie_plannen"
    EVALUATE = "evaluatie_uitvoeren"
    CLOSE = "zaak_sluiten"
    HAND_OVER = "overdracht"


STEP_LABELS: Final[Mapping[str, str]] = {
    CaseStep.OPENED: "Stap 2: zaak geopend na collegiale consultatie",
    CaseStep.PARENTS_CONVERSATION: "Stap 3: gesprek met ouders gevoerd of overgeslagen; weging volgt",
    CaseStep.WEIGHED: "Stap 4: weging en risicotaxatie in het zorgteam; besluit volgt",
    CaseStep.DECIDED: "Stap 5: besluit volgens het afwegingskader genomen",
    CaseStep.REPORTED: "Stap 5: gemeld bij Veilig Thuis",
    CaseStep.FOLLOW_UP: "Stap 6: hulp volgen en evalueren met de zorgcoördinator",
    CaseStep.CLOSED: "Zaak gesloten",
}

OUTCOME_LABELS: Final[Mapping[str, str]] = {
    Outcome.NO_SUSPICION_CLOSE: "Geen vermoeden: zaak sluiten",
    Outcome.HELP: "Hulp bieden (niet melden)",
    Outcome.REPORT: "Melden bij Veilig Thuis",
    Outcome.REPORT_AND_HELP: "Melden bij Veilig Thuis én hulp bieden",
}

OBLIGATION_TEXTS: Final[Mapping[str, str]] = {
    ObligationKind.PARENTS_CONVERSATION: "Voer het gesprek met de ouders, of leg vast waarom dat niet kan "
    "(veiligheid of onttrekking).",
    ObligationKind.WEIGHING: "Weeg in het zorgteam, met minstens twee disciplines, de aard en ernst van de "
    "signalen en het risico (afwegingskader vraag 1 en 2).",
    ObligationKind.DECISION: "Neem een besluit volgens het afwegingskader (vragen 1-5) en leg de redenen "
    "vast, ook als er niet wordt gemeld.",
    ObligationKind.DECISION_AFTER_FAILED_EVALUATION: "De hulp leidt niet tot blijvende veiligheid: neem "
    "opnieuw een besluit; melden bij Veilig Thuis is nu verplicht.",
    ObligationKind.CLOSE_NO_SUSPICION: "Sluit de zaak en leg vast waarom er geen vermoeden is.",
    ObligationKind.INFORM_PARENTS: "Informeer de ouders over de voorgenomen melding bij Veilig Thuis, of leg "
    "de uitzondering met wettelijke grond vast.",
    ObligationKind.INFORM_CHILD: "Informeer de leerling (12 jaar of ouder op de meldingsdatum) over de "
    "melding, of leg de uitzondering vast.",
    ObligationKind.INFORM_CHILD_IF_12: "Is de leerling op de meldingsdatum 12 jaar of ouder? Informeer de "
    "leerling dan over de melding, of leg de uitzondering vast.",
    ObligationKind.REPORT: "Doe de melding bij Veilig Thuis zoals besloten, onderbouwd met vastgelegde "
    "signalen.",
    ObligationKind.ORGANISE_HELP: "Organiseer de besloten hulp en geef de leerkracht handelingsgerichte "
    "adviezen.",
    ObligationKind.FEEDBACK: "Leg de terugkoppeling van Veilig Thuis vast over de stappen die het heeft gezet.",
    ObligationKind.CARE_COORDINATOR: "Wijs een zorgcoördinator aan.",
    ObligationKind.SCHEDULE_EVALUATION: "Plan een evaluatiedatum voor de hulp en de aanpak.",
    ObligationKind.EVALUATE: "Evalueer of de hulp tot blijvende veiligheid leidt (afwegingskader vraag 5).",
    ObligationKind.CLOSE: "Sluit de zaak met een reden en afspraken over nazorg.",
    ObligationKind.HAND_OVER: "De leerling heeft de school verlaten: alarmeer het zorgteam en draag de zaak "
    "zo nodig over, met een vastgelegde wettelijke grondslag.",
}


def step_label(step: str) -> str:
    """The Dutch description of a step; a step this version does not know is shown as it is."""
    return STEP_LABELS.get(step, step)


def outcome_label(outcome: str) -> str:
    """The Dutch description of an outcome; one this version does not know is shown as it is."""
    return OUTCOME_LABELS.get(outcome, outcome)


def obligation_text(kind: str) -> str:
    """What the obligation asks, in Dutch; a kind this version does not know is shown as it is."""
    return OBLIGATION_TEXTS.get(kind, kind)
