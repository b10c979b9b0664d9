"""Dutch names the casework screens show for the codes the services answer with.

The services decide; these tables only translate their codes (steps, event types, obligation
codes, fixed choices) into the Meldcode's own Dutch words. An unknown code is shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from meldcode_contracts.labels import EVENT_LABELS
from meldcode_contracts.vocabulary import FIELD_LABELS, VALUE_LABELS, CaseStep, step_label

from ..templating import format_date

MELDCODE_STEPS: tuple[tuple[int, str], ...] = (
    (1, "Signaleren"),
    (2, "Collegiale consultatie"),
    (3, "Gesprek met ouders"),
    (4, "Weging en risicotaxatie"),
    (5, "Beslissen: hulp en/of melden"),
    (6, "Volgen"),
)
"""The six steps of the Meldcode (source text)."""


@dataclass(frozen=True)
class StepView:
    code: str
    number: int | None
    """The Meldcode step the case has reached (None: closed)."""
    label: str
    next_label: str


NEXT: dict[str, tuple[int | None, str]] = {
    CaseStep.OPENED: (2, "Gesprek met de ouders (stap 3)"),
    CaseStep.PARENTS_CONVERSATION: (3, "Weging en risicotaxatie in het zorgteam (stap 4)"),
    CaseStep.WEIGHED: (4, "Besluit volgens het afwegingskader (stap 5)"),
    CaseStep.DECIDED: (5, "Hulp organiseren en/of melden bij Veilig Thuis (stap 5)"),
    CaseStep.REPORTED: (5, "Terugkoppeling, hulp en volgen (stap 6)"),
    CaseStep.FOLLOW_UP: (6, "Evalueren en afsluiten"),
    CaseStep.CLOSED: (None, "Heropenen als dat nodig is"),
}
"""Per step: the Meldcode step it has reached and what comes next (the portal's guidance)."""

CASE_STEPS: dict[str, StepView] = {
    code: StepView(code, number, step_label(code), next_label) for code, (number, next_label) in NEXT.items()
}
"""The steps with their Dutch label from the shared vocabulary (meldcode_contracts.vocabulary)."""


def step_view(code: str) -> StepView:
    return CASE_STEPS.get(code, StepView(code, None, code, ""))


def event_label(event_type: str) -> str:
    return EVENT_LABELS.get(event_type, event_type)


FACT_LABELS: dict[str, str] = {
    key: FIELD_LABELS[key]
    for key in (
        "description",
        "interpretation",
        "reason",
        "explanation",
        "summary",
        "held_on",
        "participants",
        "nature",
        "severity",
        "risk_level",
        "q1_suspicion",
        "q2_acute_unsafety",
        "q2_structural_unsafety",
        "q2_acute_or_structural_unsafety",
        "q3_sufficient_help_possible",
        "q4_help_accepted",
        "q5_lasting_safety",
        "approach",
        "outcome",
        "reasons",
        "who_reports",
        "who_informs_parents",
        "help_description",
        "providers",
        "teacher_advice",
        "informed_on",
        "informed_by",
        "ground",
        "argument",
        "veilig_thuis_organisation",
        "veilig_thuis_region",
        "school_continues",
        "reporter_id",
        "received_on",
        "steps_taken",
        "coordinator_id",
        "organisation",
        "evaluation_on",
        "agreements",
        "lasting_safety",
        "findings",
        "aftercare",
        "new_owner_id",
        "member_id",
        "case_owner_id",
        "consulted_name",
        "consulted_role",
        "advice",
        "question",
        "legal_basis",
        "legal_basis_explanation",
        "to_school",
        "left_on",
    )
}
"""The facts worth showing in a history or chronology entry, in this order."""

CHOICE_LABELS: Mapping[str, str] = VALUE_LABELS
"""The fixed choices in the shared vocabulary's words (one truth for every screen)."""


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def choice_label(value: object) -> str:
    """A fixed choice, yes/no or day in Dutch; any other text as it is."""
    if value is True:
        return "ja"
    if value is False:
        return "nee"
    text = str(value)
    if ISO_DATE.match(text):
        return format_date(text)
    return CHOICE_LABELS.get(text, text)


PERSON_FACTS = frozenset(
    {
        "who_reports",
        "who_informs_parents",
        "informed_by",
        "reporter_id",
        "coordinator_id",
        "new_owner_id",
        "member_id",
        "case_owner_id",
        "requested_by",
    }
)
"""Facts that name a person by user id: shown by name (the staff directory)."""


def fact_lines(facts: dict[str, object], names: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """The facts of an event as (Dutch label, text) pairs, in a fixed order; ids are left out, and a
    person is shown by name when `names` knows the id."""
    lines: list[tuple[str, str]] = []
    for key, label in FACT_LABELS.items():
        value = facts.get(key)
        if value is None or value == "" or value == []:
            continue
        if key in PERSON_FACTS and names is not None:
            lines.append((label, names.get(str(value), str(value))))
        elif key == "participants" and isinstance(value, list):
            shown = [
                " — ".join(str(p.get(k, "")) for k in ("name", "role") if p.get(k))
                + (f" ({choice_label(p['discipline'])})" if p.get("discipline") else "")
                if isinstance(p, dict)
                else str(p)
                for p in value
            ]
            lines.append((label, "; ".join(shown)))
        elif isinstance(value, list):
            lines.append((label, ", ".join(choice_label(v) for v in value)))
        else:
            lines.append((label, choice_label(value)))
    return lines


@dataclass(frozen=True)
class ChecklistItem:
    question: str
    form: str | None
    """The slug of the form that does it (None: no form for it)."""


CHECKLIST: dict[str, ChecklistItem] = {
    "gesprek_ouders": ChecklistItem("Gesprek met de ouders gevoerd?", "gesprek-ouders"),
    "weging_zorgteam": ChecklistItem("Weging door twee disciplines in het zorgteam?", "weging"),
    "besluit_afwegingskader": ChecklistItem(
        "Besluit volgens het afwegingskader vastgelegd?", "afwegingskader"
    ),
    "besluit_opnieuw_melden": ChecklistItem("Opnieuw besloten na de evaluatie?", "afwegingskader"),
    "zaak_sluiten_geen_vermoeden": ChecklistItem("Zaak gesloten met de reden?", "afsluiten"),
    "ouders_informeren": ChecklistItem("Ouders geïnformeerd?", "ouders-geinformeerd"),
    "kind_informeren": ChecklistItem("Kind (12+) geïnformeerd?", "kind-geinformeerd"),
    "kind_informeren_vanaf_12": ChecklistItem("Kind (12+) geïnformeerd?", "kind-geinformeerd"),
    "melden_veilig_thuis": ChecklistItem("Melding bij Veilig Thuis gedaan?", "melding-veilig-thuis"),
    "hulp_organiseren": ChecklistItem("Hulp georganiseerd?", "hulp"),
    "terugkoppeling_veilig_thuis": ChecklistItem(
        "Terugkoppeling van Veilig Thuis ontvangen?", "terugkoppeling-veilig-thuis"
    ),
    "zorgcoordinator_aanwijzen": ChecklistItem("Zorgcoördinator aangewezen?", "zorgcoordinator"),
    "evaluatie_plannen": ChecklistItem("Evaluatie gepland?", "evaluatie-plannen"),
    "evaluatie_uitvoeren": ChecklistItem("Hulp geëvalueerd?", "evaluatie"),
    "zaak_sluiten": ChecklistItem("Zaak gesloten met nazorg?", "afsluiten"),
    "overdracht": ChecklistItem("Zaak overgedragen na vertrek van de leerling?", "overdracht"),
}


def checklist_item(code: str) -> ChecklistItem:
    return CHECKLIST.get(code, ChecklistItem(code, None))
