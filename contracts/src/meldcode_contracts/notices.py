"""Events of the notifications service: what it sent to people and to JGZ systems, and when.

Key = subject_id (the case, or the pupil for a task without a case). `sequence` is the position of
the event in the notifications service's own outbox (monotonic per service, not per subject).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .envelope import Envelope, UtcDateTime


class NoticePayload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    case_id: uuid.UUID | None = Field(default=None, description="The case it is about, if any")
    pupil_id: uuid.UUID | None = Field(default=None, description="The pupil it is about, if any")


class ReminderSentPayload(NoticePayload):
    task_id: uuid.UUID
    task_kind: str = Field(description="The kind of task, e.g. terugkoppeling_veilig_thuis, gesprek_ouders")
    recipient_user_id: str = Field(description="User id the content-free e-mail went to")
    due_at: UtcDateTime = Field(description="The deadline that fired (UTC)")


class ReminderSent(Envelope):
    """A deadline passed and its reminder e-mail was sent (exactly once)."""

    event_type: Literal["ReminderSent"] = "ReminderSent"
    payload: ReminderSentPayload


class MeldingDocumentIssuedPayload(NoticePayload):
    document_id: uuid.UUID
    report_event_id: uuid.UUID = Field(description="The AmkNotified event the document records")
    reported_on: date
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="Hash of the PDF as kept by the school")
    pages: int = Field(ge=1)


class MeldingDocumentIssued(Envelope):
    """The melding document (the report to Veilig Thuis as the school keeps it) was produced as a PDF."""

    event_type: Literal["MeldingDocumentIssued"] = "MeldingDocumentIssued"
    payload: MeldingDocumentIssuedPayload


class JgzWebhookDeliveredPayload(NoticePayload):
    delivery_id: uuid.UUID = Field(
        description="Also the X-Meldcode-Delivery header the JGZ system dedupes on"
    )
    message_type: str = Field(description="jgz.consultation_request.v1 or jgz.case_handover.v1")
    source_event_id: uuid.UUID = Field(description="The casework event the webhook carries")
    jgz_organisation: str
    attempts: int = Field(ge=1, description="How many attempts it took")
    delivered_at: UtcDateTime
    status_code: int = Field(description="The receiver's HTTP status")


class JgzWebhookDelivered(Envelope):
    """A signed webhook to the JGZ system was accepted by the receiver."""

    event_type: Literal["JgzWebhookDelivered"] = "JgzWebhookDelivered"
    payload: JgzWebhookDeliveredPayload


NOTICE_EVENTS: tuple[type[Envelope], ...] = (ReminderSent, MeldingDocumentIssued, JgzWebhookDelivered)
