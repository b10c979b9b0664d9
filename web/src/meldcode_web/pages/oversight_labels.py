"""Dutch words for what the oversight screens show: steps, outcomes, event types, roles, findings
of the hash-chain check and access-log actions. The services answer with codes; the screens
show these words and keep the code beside them where an auditor may need it."""

from __future__ import annotations

from collections.abc import Mapping

from meldcode_contracts.labels import EVENT_LABELS
from meldcode_contracts.vocabulary import OUTCOME_LABELS, STEP_LABELS, CaseStep

STEPS: Mapping[str, str] = STEP_LABELS
"""The steps in the shared vocabulary's words (one truth for every screen)."""

OPEN_STEPS: tuple[str, ...] = tuple(step for step in CaseStep if step is not CaseStep.CLOSED)

OUTCOMES: Mapping[str, str] = OUTCOME_LABELS

EVENTS = EVENT_LABELS

ROLES: dict[str, str] = {
    "leerkracht": "leerkracht",
    "intern_begeleider": "IB'er / aandachtsfunctionaris",
    "zorgteam": "zorgteam",
    "auditor": "auditor",
    "beheerder": "beheerder",
    "system": "systeem",
}

FINDINGS: dict[str, str] = {
    "altered": "Gewijzigd na vastleggen",
    "removed": "Verwijderd",
    "reordered": "Volgorde veranderd",
    "unchained": "Niet in de keten opgenomen",
    "head_missing": "Eerder vastgelegde ketenkop ontbreekt",
}

SERVICES: dict[str, str] = {
    "signals": "Signalering (signalen en leerlingen)",
    "casework": "Zaken (stappen van de Meldcode)",
    "notifications": "Taken en berichten",
    "reporting": "Overzichten",
}

ACCESS_ACTIONS: dict[str, str] = {
    "pupil.chronology": "Chronologie van de leerling gelezen",
    "pupil.parents_export": "Inzage-export voor de ouders gemaakt",
    "school.cases": "Zakenlijst van de school gelezen",
    "access_log.read": "Toegangslogboek gelezen",
    "audit.history": "Geschiedenis van de zaak gelezen (audit)",
    "audit.export": "Auditexport gemaakt",
    "audit.as_of": "Stand op een moment gelezen (audit)",
    "case.read": "Zaak gelezen",
    "case.history": "Geschiedenis van de zaak gelezen",
    "case.command": "Stap in de zaak gezet (zaak getoond)",
    "pupil.read": "Leerling gelezen",
    "pupil.signals": "Signalen van de leerling gelezen",
    "signal.read": "Signaal gelezen",
    "tasks.list": "Takenlijst gelezen",
    "melding_document.list": "Meldingsdocumenten van de zaak opgevraagd",
    "melding_document.read": "Meldingsdocument gelezen",
}


def label(table: Mapping[str, str], code: str | None, *, empty: str = "—") -> str:
    """The Dutch word for a code; an unknown code is shown as it is (never hidden)."""
    if not code:
        return empty
    return table.get(code, code)


def access_action(action: str | None) -> str:
    """An access-log action in Dutch; an action this list does not know keeps its code."""
    if not action:
        return "—"
    return ACCESS_ACTIONS.get(action, action)
