"""What must happen before a case can take its next step: codes for programs, Dutch texts for people."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Obligation:
    code: str
    text: str


PARENTS_CONVERSATION = Obligation(
    "gesprek_ouders",
    "Voer het gesprek met de ouders, of leg vast waarom dat niet kan (veiligheid of onttrekking).",
)
WEIGHING = Obligation(
    "weging_zorgteam",
    "Weeg in het zorgteam, met minstens twee disciplines, de aard en ernst van de signalen en het "
    "risico (afwegingskader vraag 1 en 2).",
)
DECISION = Obligation(
    "besluit_afwegingskader",
    "Neem een besluit volgens het afwegingskader (vragen 1-5) en leg de redenen vast, ook als er niet "
    "wordt gemeld.",
)
DECISION_AFTER_FAILED_EVALUATION = Obligation(
    "besluit_opnieuw_melden",
    "De hulp leidt niet tot blijvende veiligheid: neem opnieuw een besluit; melden bij Veilig Thuis is "
    "nu verplicht.",
)
CLOSE_NO_SUSPICION = Obligation(
    "zaak_sluiten_geen_vermoeden", "Sluit de zaak en leg vast waarom er geen vermoeden is."
)
INFORM_PARENTS = Obligation(
    "ouders_informeren",
    "Informeer de ouders over de voorgenomen melding bij Veilig Thuis, of leg de uitzondering met "
    "wettelijke grond vast.",
)
INFORM_CHILD = Obligation(
    "kind_informeren",
    "Informeer de leerling (12 jaar of ouder op de meldingsdatum) over de melding, of leg de "
    "uitzondering vast.",
)
INFORM_CHILD_IF_12 = Obligation(
    "kind_informeren_vanaf_12",
    "Is de leerling op de meldingsdatum 12 jaar of ouder? Informeer de leerling dan over de melding, "
    "of leg de uitzondering vast.",
)
REPORT = Obligation(
    "melden_veilig_thuis",
    "Doe de melding bij Veilig Thuis zoals besloten, onderbouwd met vastgelegde signalen.",
)
ORGANISE_HELP = Obligation(
    "hulp_organiseren",
    "Organiseer de besloten hulp en geef de leerkracht handelingsgerichte adviezen.",
)
FEEDBACK = Obligation(
    "terugkoppeling_veilig_thuis",
    "Leg de terugkoppeling van Veilig Thuis vast over de stappen die het heeft gezet.",
)
CARE_COORDINATOR = Obligation("zorgcoordinator_aanwijzen", "Wijs een zorgcoördinator aan.")
SCHEDULE_EVALUATION = Obligation("evaluatie_plannen", "Plan een evaluatiedatum voor de hulp en de aanpak.")
EVALUATE = Obligation(
    "evaluatie_uitvoeren",
    "Evalueer of de hulp tot blijvende veiligheid leidt (afwegingskader vraag 5).",
)
CLOSE = Obligation("zaak_sluiten", "Sluit de zaak met een reden en afspraken over nazorg.")
HAND_OVER = Obligation(
    "overdracht",
    "De leerling heeft de school verlaten: alarmeer het zorgteam en draag de zaak zo nodig over, "
    "met een vastgelegde wettelijke grondslag.",
)
