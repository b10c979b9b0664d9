"""Working with jeugdgezondheidszorg (JGZ): consultations asked and answered, and hand-overs.

The samenwerkingsverband's JGZ partner is configured outside the domain; commands receive its
organisation name (or None when there is none). What the case remembers is plain value objects,
so a snapshot stores and restores them exactly.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class JgzLegalBasis(StrEnum):
    """The recorded legal basis on which the school shares the case file with JGZ."""

    PARENTS_CONSENT = "toestemming_ouders"
    JGZ_STATUTORY_TASK = "wettelijke_taak_jgz"
    """JGZ's own statutory task (Wet publieke gezondheid) for this pupil."""
    CONFLICT_OF_DUTIES = "conflict_van_plichten"
    """The child's safety outweighs confidentiality."""


@dataclass(frozen=True)
class JgzConsultation:
    """A consultation the school asked of its JGZ partner (rule 3)."""

    request_id: uuid.UUID
    requested_on: date
    jgz_organisation: str
    question: str
    requested_by: str


@dataclass(frozen=True)
class JgzResult:
    """A consultation result that arrived over the signed inbound endpoint."""

    message_id: str
    request_id: uuid.UUID | None
    jgz_organisation: str
    received_at: datetime
    advice: str
    professional: str


@dataclass(frozen=True)
class JgzHandover:
    """The case handed over to JGZ on a recorded legal basis."""

    handover_id: uuid.UUID
    handed_over_on: date
    jgz_organisation: str
    legal_basis: JgzLegalBasis
    legal_basis_explanation: str
    summary: str
