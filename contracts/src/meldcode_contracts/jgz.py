"""The JGZ integration messages (HTTP, not Kafka): see docs/integration/jgz.md.

Outbound (platform -> the samenwerkingsverband's JGZ partner, signed webhooks):
`jgz.consultation_request.v1` and `jgz.case_handover.v1`. Inbound (JGZ system -> casework):
`JgzConsultationResult`, posted to `/integrations/jgz/consultation-results`.

Versioning: `message_type` ends in `.v<major>`; fields are only added (optional) within a major.
A receiver ignores fields it does not know.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from meldcode_vocabulary.jgz import LEGAL_BASES as LEGAL_BASES  # the contracts keep naming it

from .envelope import Brin, TenantId, UtcDateTime
from .personal import Personal

CONSULTATION_REQUEST_V1 = "jgz.consultation_request.v1"
CASE_HANDOVER_V1 = "jgz.case_handover.v1"


class PupilReference(BaseModel):
    """What the JGZ organisation needs to find the child in its own file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pupil_id: uuid.UUID = Field(description="The platform's pseudonymous pupil id (stable, quote it back)")
    school: Brin = Field(description="BRIN of the school the pupil attends")
    given_name: Personal[str | None] = Field(default=None, description="Roepnaam, when known")
    family_name: Personal[str | None] = Field(default=None, description="Achternaam, when known")
    date_of_birth: Personal[date | None] = Field(default=None, description="Geboortedatum, when known")
    pupil_number: Personal[str | None] = Field(default=None, description="The school's leerlingnummer")


class JgzMessage(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    message_id: uuid.UUID = Field(
        description="Unique per message; equals the X-Meldcode-Delivery header. Receivers dedupe on it"
    )
    samenwerkingsverband: TenantId
    case_reference: uuid.UUID = Field(description="The case id; quote it in a consultation result")
    pupil: PupilReference
    sent_by_organisation: str = Field(default="Meldcode-platform")
    created_at: UtcDateTime = Field(description="When the school recorded the request or hand-over (UTC)")


class ConsultationRequestV1(JgzMessage):
    """The school asks the JGZ nurse or doctor for a consultation about the pupil."""

    message_type: Literal["jgz.consultation_request.v1"] = "jgz.consultation_request.v1"
    request_id: uuid.UUID = Field(description="Answer with this id as request_id in the result")
    requested_on: date
    requested_by: str = Field(description="User id of the IB'er / case owner who asked")
    jgz_organisation: str
    question: Personal[str] = Field(description="What the school asks")
    legal_basis: str = Field(
        default="wettelijke_taak_jgz",
        description="Consultation within the JGZ's legal task (Wet publieke gezondheid)",
    )


class CaseHandoverV1(JgzMessage):
    """The case is handed over to JGZ, with the recorded legal basis (never sent without one)."""

    message_type: Literal["jgz.case_handover.v1"] = "jgz.case_handover.v1"
    handover_id: uuid.UUID
    handed_over_on: date
    jgz_organisation: str
    legal_basis: str = Field(description="toestemming_ouders, wettelijke_taak_jgz or conflict_van_plichten")
    legal_basis_explanation: Personal[str]
    summary: Personal[str] = Field(description="The concerns and the help so far")


class JgzConsultationResult(BaseModel):
    """Inbound: a JGZ system's answer, POSTed signed to `{casework}/integrations/jgz/consultation-results`
    with header `X-Meldcode-Tenant: <samenwerkingsverband>`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    message_id: str = Field(min_length=1, max_length=128, description="The JGZ system's own id; dedupe key")
    case_id: uuid.UUID
    request_id: uuid.UUID | None = Field(default=None, description="The consultation request answered")
    jgz_organisation: str
    advice: Personal[str]
    professional: Personal[str] = Field(description="Name and discipline of the JGZ professional")
    sent_at: UtcDateTime
