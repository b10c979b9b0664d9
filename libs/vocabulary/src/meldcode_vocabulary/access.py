"""The purposes a read of pupil or case data is logged under (NEN 7513 access log), with the Dutch
every oversight screen shows. Services log a read with one of these codes (`DataAccessed.action`);
the auditor reads the Dutch description, never the code or the route behind it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

ACCESS_PURPOSES: Final[Mapping[str, str]] = {
    "pupil.read": "Leerling gelezen",
    "pupil.search": "Leerling gezocht (zoekresultaat)",
    "pupil.signals": "Signalen van de leerling gelezen",
    "pupil.chronology": "Chronologie van de leerling gelezen",
    "pupil.parents_export": "Inzage-export voor de ouders gemaakt",
    "signal.read": "Signaal gelezen",
    "signal.attachments": "Bijlagen van het signaal opgevraagd",
    "signal.attachment.read": "Bijlage van het signaal geopend",
    "signal.list": "Eigen signalen gelezen (leerkracht)",
    "school.cases": "Zakenlijst van de school gelezen",
    "case.read": "Zaak gelezen",
    "case.signals": "Signalen van de zaak gelezen",
    "case.history": "Geschiedenis van de zaak gelezen",
    "case.file": "Dossier van de zaak afgedrukt (PDF)",
    "case.command": "Stap in de zaak gezet (zaak getoond)",
    "tasks.list": "Takenlijst gelezen",
    "melding_document.list": "Meldingsdocumenten van de zaak opgevraagd",
    "melding_document.read": "Meldingsdocument gelezen",
    "access_log.read": "Toegangslogboek gelezen",
    "audit.history": "Geschiedenis van de zaak gelezen (audit)",
    "audit.export": "Auditexport gemaakt",
    "audit.as_of": "Stand op een moment gelezen (audit)",
}
UNKNOWN_PURPOSE: Final = "Gegevens ingezien (doel onbekend in deze versie)"


def access_purpose_label(purpose: str | None) -> str:
    """The Dutch description of an access-log purpose; a code this version does not know yet is
    described in general terms (the code itself stays in the audit export)."""
    if not purpose:
        return "—"
    return ACCESS_PURPOSES.get(purpose, UNKNOWN_PURPOSE)
