"""Dutch words for what the oversight screens show: steps, outcomes, event types, roles, findings
of the hash-chain check and the platform as an actor. The services answer with codes; the screens
show these words and keep the code beside them where an auditor may need it."""

from __future__ import annotations

from collections.abc import Mapping

from meldcode_contracts.labels import EVENT_LABELS
from meldcode_contracts.vocabulary import (
    OUTCOME_LABELS,
    ROLE_LABELS,
    STEP_LABELS,
    SYSTEM_ACTOR_NAME,
    CaseStep,
    access_purpose_label,
)

STEPS: Mapping[str, str] = STEP_LABELS
"""The steps in the shared vocabulary's words (one truth for every screen)."""

OPEN_STEPS: tuple[str, ...] = tuple(step for step in CaseStep if step is not CaseStep.CLOSED)

OUTCOMES: Mapping[str, str] = OUTCOME_LABELS

EVENTS = EVENT_LABELS

ROLES: Mapping[str, str] = {role.value: text for role, text in ROLE_LABELS.items()}

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

SYSTEM_ACTOR = SYSTEM_ACTOR_NAME


def actor_text(actor_id: str | None, role: str | None, names: Mapping[str, str] | None = None) -> str:
    """Who did it, as the oversight screens name them: a person by name with their user id (the
    auditor traces ids), the platform itself as one actor."""
    if role == "system":
        return SYSTEM_ACTOR
    if not actor_id:
        return "—"
    name = (names or {}).get(actor_id)
    return f"{name} ({actor_id})" if name else actor_id


def label(table: Mapping[str, str], code: str | None, *, empty: str = "—") -> str:
    """The Dutch word for a code; an unknown code is shown as it is (never hidden)."""
    if not code:
        return empty
    return table.get(code, code)


def access_action(action: str | None) -> str:
    """An access-log purpose in Dutch, from the one table beside the purposes (the shared vocabulary)."""
    return access_purpose_label(action)
