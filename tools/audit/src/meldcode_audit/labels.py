"""Dutch words for what the auditor reads: event types, roles, steps, fields, findings."""

from __future__ import annotations

from typing import Any

from meldcode_contracts.labels import EVENT_LABELS

EVENTS = EVENT_LABELS

ROLES = {
    "leerkracht": "leerkracht",
    "intern_begeleider": "intern begeleider",
    "zorgteam": "zorgteam",
    "auditor": "auditor",
    "beheerder": "beheerder",
}

STEPS = {
    "geopend": "Zaak geopend",
    "gesprek_ouders": "Gesprek met de ouders",
    "weging": "Weging en risicotaxatie",
    "besluit": "Beslissen",
    "melding": "Melding bij Veilig Thuis",
    "volgen": "Volgen",
    "gesloten": "Gesloten",
}

FINDINGS = {
    "altered": "gewijzigd",
    "removed": "verwijderd",
    "reordered": "verplaatst",
    "unchained": "niet geketend",
    "head_missing": "ketenkop ontbreekt",
    "bad_signature": "handtekening ongeldig",
}

FIELDS = {
    "reporter_id": "Melder",
    "reporter_anonymous_to_family": "Anoniem tegenover het gezin",
    "description": "Beschrijving",
    "observed_on": "Waargenomen op",
    "source_kind": "Bron",
    "source_name": "Naam van de bron",
    "categories": "Categorieën",
    "interpretation": "Interpretatie (los van de feiten)",
    "reason": "Reden",
    "summary": "Samenvatting",
    "participants": "Deelnemers",
    "held_on": "Gevoerd op",
    "nature": "Aard",
    "severity": "Ernst",
    "risk_level": "Risico",
    "suspicion": "Vermoeden",
    "acute_unsafety": "Acute onveiligheid",
    "structural_unsafety": "Structurele onveiligheid",
    "approach": "Aanpak",
    "q1_suspicion": "Vraag 1: vermoeden",
    "q2_acute_or_structural_unsafety": "Vraag 2: acute of structurele onveiligheid",
    "outcome": "Uitkomst",
    "reasons": "Redenen",
    "who_reports": "Wie meldt",
    "who_informs_parents": "Wie informeert de ouders",
    "informed_on": "Geïnformeerd op",
    "informed_by": "Geïnformeerd door",
    "veilig_thuis_region": "Regio Veilig Thuis",
    "veilig_thuis_organisation": "Veilig Thuis-organisatie",
    "reported_on": "Gemeld op",
    "signal_ids": "Signalen",
    "school_continues": "Wat de school blijft doen",
    "parents_informed": "Ouders geïnformeerd",
    "child_informed": "Leerling geïnformeerd",
    "pupil_age_on_report": "Leeftijd bij melding",
    "received_on": "Ontvangen op",
    "steps_taken": "Genomen stappen",
    "help_description": "Hulp",
    "providers": "Hulpverleners",
    "teacher_advice": "Advies aan de leerkracht",
    "coordinator_id": "Zorgcoördinator",
    "organisation": "Organisatie",
    "evaluation_on": "Evaluatie op",
    "agreements": "Afspraken",
    "lasting_safety": "Blijvende veiligheid",
    "findings": "Bevindingen",
    "aftercare": "Nazorg",
    "case_owner_id": "Casushouder",
    "previous_owner_id": "Vorige casushouder",
    "new_owner_id": "Nieuwe casushouder",
    "advice": "Advies",
    "question": "Vraag",
    "consulted_name": "Geconsulteerd",
    "consulted_role": "Functie",
    "consulted_on": "Geconsulteerd op",
    "requested_on": "Gevraagd op",
    "given_name": "Voornaam",
    "family_name": "Achternaam",
    "date_of_birth": "Geboortedatum",
    "pupil_number": "Leerlingnummer",
    "ground": "Grond",
    "argument": "Onderbouwing",
    "legal_basis": "Wettelijke grondslag",
}

# Envelope fields that every event repeats: shown once in the header, not per event.
NOT_FACTS = {"tenant", "school", "actor_id", "actor_role", "correlation_id"}


def event_label(event_type: str) -> str:
    return EVENTS.get(event_type, event_type)


def role_label(role: str | None) -> str:
    return ROLES.get(role or "", role or "onbekend")


def value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if value is None:
        return "-"
    if isinstance(value, list):
        return "; ".join(value_text(v) for v in value) or "-"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {value_text(v)}" for k, v in value.items())
    return str(value)


def facts(payload: dict[str, Any]) -> list[tuple[str, str]]:
    return [(FIELDS.get(k, k), value_text(v)) for k, v in payload.items() if k not in NOT_FACTS]
