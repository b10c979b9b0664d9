"""The short Dutch label of every contract event, as screens, exports and the chronology show it.

One table for the whole platform (reporting's chronology, the portal, the auditor's command line),
in the Meldcode's own words, so the same event is never called two things.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

EVENT_LABELS: Final[Mapping[str, str]] = {
    "PupilRegistered": "Leerling ingeschreven",
    "PupilDeregistered": "Leerling uitgeschreven",
    "ErasureRequested": "Verzoek om persoonsgegevens te wissen",
    "ErasureApproved": "Wissen goedgekeurd (vier ogen)",
    "PersonalDataErased": "Persoonsgegevens gewist",
    "SignalRecorded": "Signaal vastgelegd",
    "SignalCorrected": "Signaal gecorrigeerd",
    "ColleagueConsulted": "Collegiale consultatie",
    "VeiligThuisAdviceRequested": "Anonieme adviesvraag aan Veilig Thuis",
    "StaffMemberListed": "Medewerker opgenomen in het personeelsoverzicht",
    "StaffMemberDelisted": "Medewerker uit het personeelsoverzicht gehaald",
    "CaseOpened": "Zaak geopend",
    "CaseSignalsAdded": "Signalen aan de zaak toegevoegd",
    "CaseOwnerChanged": "Andere casushouder",
    "ZorgteamMemberInvited": "Zorgteamlid uitgenodigd",
    "ZorgteamInvitationWithdrawn": "Uitnodiging zorgteamlid ingetrokken",
    "ParentsConversationHeld": "Gesprek met ouders gevoerd",
    "ParentsConversationSkipped": "Gesprek met ouders overgeslagen (met reden)",
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
    "CaseTransferred": "Zaak overgedragen",
    "JgzConsultationRequested": "Consultatie JGZ gevraagd",
    "JgzConsultationResultReceived": "Advies van de JGZ ontvangen",
    "CaseHandedOverToJgz": "Zaak overgedragen aan de JGZ",
    "CaseObligationsChanged": "Stap of openstaande verplichtingen gewijzigd",
    "ReminderSent": "Herinnering verstuurd",
    "MeldingDocumentIssued": "Meldingsdocument opgesteld",
    "JgzWebhookDelivered": "Bericht aan de JGZ afgeleverd",
    "DataAccessed": "Gegevens ingezien",
}
FALLBACK_LABEL: Final = "Gebeurtenis"


def event_label(event_type: str) -> str:
    """The Dutch label of an event type; a type this version does not know yet reads "Gebeurtenis"."""
    return EVENT_LABELS.get(event_type, FALLBACK_LABEL)
