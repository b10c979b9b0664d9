"""Dutch words for what the oversight screens show: steps, outcomes, event types, roles, findings
of the hash-chain check and access-log actions. The services answer with codes; the screens
show these words and keep the code beside them where an auditor may need it."""

from __future__ import annotations

STEPS: dict[str, str] = {
    "geopend": "Stap 2: zaak geopend",
    "gesprek_ouders": "Stap 3: gesprek met ouders",
    "weging": "Stap 4: weging in het zorgteam",
    "besluit": "Stap 5: besluit (afwegingskader)",
    "melding": "Stap 5: melding bij Veilig Thuis",
    "volgen": "Stap 6: hulp volgen en evalueren",
    "gesloten": "Zaak gesloten",
}

OPEN_STEPS: tuple[str, ...] = ("geopend", "gesprek_ouders", "weging", "besluit", "melding", "volgen")

OUTCOMES: dict[str, str] = {
    "no_suspicion_close": "Geen vermoeden, afsluiten",
    "help": "Hulp organiseren",
    "report": "Melden bij Veilig Thuis",
    "report_and_help": "Melden en hulp organiseren",
}

EVENTS: dict[str, str] = {
    "CaseOpened": "Zaak geopend",
    "CaseOwnerChanged": "Andere casushouder",
    "ZorgteamMemberInvited": "Zorgteamlid uitgenodigd",
    "ZorgteamInvitationWithdrawn": "Uitnodiging zorgteamlid ingetrokken",
    "ParentsConversationHeld": "Gesprek met ouders gevoerd",
    "ParentsConversationSkipped": "Gesprek met ouders overgeslagen",
    "RiskWeighed": "Weging in het zorgteam",
    "DecisionMade": "Besluit volgens het afwegingskader",
    "HelpOrganised": "Hulp georganiseerd",
    "ParentsInformed": "Ouders geïnformeerd over de melding",
    "ParentsInformingExceptionRecorded": "Uitzondering: ouders niet geïnformeerd",
    "ChildInformed": "Kind geïnformeerd",
    "ChildInformingExceptionRecorded": "Uitzondering: kind niet geïnformeerd",
    "ReporterAnonymityAgreed": "Anonimiteit melder afgesproken",
    "AmkNotified": "Melding bij Veilig Thuis",
    "VeiligThuisFeedbackReceived": "Terugkoppeling van Veilig Thuis",
    "CareCoordinatorAssigned": "Zorgcoördinator aangewezen",
    "FollowUpScheduled": "Evaluatie gepland",
    "FollowUpEvaluated": "Hulp geëvalueerd",
    "CaseClosed": "Zaak gesloten",
    "CaseReopened": "Zaak heropend",
    "PupilLeftSchool": "Leerling heeft de school verlaten",
    "CaseTransferred": "Zaak overgedragen aan een andere school",
    "JgzConsultationRequested": "Consultatie JGZ gevraagd",
    "JgzConsultationResultReceived": "Advies van de JGZ ontvangen",
    "CaseHandedOverToJgz": "Zaak overgedragen aan de JGZ",
    "PupilRegistered": "Leerling ingeschreven",
    "PupilDeregistered": "Leerling uitgeschreven",
    "SignalRecorded": "Signaal vastgelegd",
    "SignalCorrected": "Signaal gecorrigeerd",
    "ColleagueConsulted": "Collegiale consultatie",
    "VeiligThuisAdviceRequested": "Anonieme adviesvraag aan Veilig Thuis",
}

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
    "pupil.read": "Leerling gelezen",
    "pupil.signals": "Signalen van de leerling gelezen",
    "signal.read": "Signaal gelezen",
    "tasks.list": "Takenlijst gelezen",
    "melding_document.list": "Meldingsdocumenten van de zaak opgevraagd",
    "melding_document.read": "Meldingsdocument gelezen",
}


def label(table: dict[str, str], code: str | None, *, empty: str = "—") -> str:
    """The Dutch word for a code; an unknown code is shown as it is (never hidden)."""
    if not code:
        return empty
    return table.get(code, code)


def access_action(action: str | None) -> str:
    """An access-log action in Dutch; an action this list does not know keeps its code."""
    if not action:
        return "—"
    return ACCESS_ACTIONS.get(action, action)
