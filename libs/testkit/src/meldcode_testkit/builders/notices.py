"""Events of the notifications service and of the access log, as they are published."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from meldcode_contracts import (
    Actor,
    DataAccessed,
    JgzWebhookDelivered,
    MeldingDocumentIssued,
    ReminderSent,
    Role,
)

from .envelopes import NOTIFICATIONS_ACTOR, SCHOOL, TENANT, envelope


class Notices:
    """Events of the notifications service and of the access log, as they are published."""

    def __init__(self, tenant: str = TENANT, school: str = SCHOOL) -> None:
        self.tenant = tenant
        self.school = school
        self.sequence = 0

    def _envelope(self, subject_id: uuid.UUID, when: datetime, actor: Actor) -> dict[str, Any]:
        self.sequence += 1
        return envelope(
            subject_id, at=when, tenant=self.tenant, school=self.school, actor=actor, sequence=self.sequence
        )

    def document(
        self, case_id: uuid.UUID, pupil_id: uuid.UUID | None, *, when: datetime
    ) -> MeldingDocumentIssued:
        return MeldingDocumentIssued(
            **self._envelope(case_id, when, NOTIFICATIONS_ACTOR),
            payload={
                "case_id": case_id,
                "pupil_id": pupil_id,
                "document_id": uuid.uuid4(),
                "report_event_id": uuid.uuid4(),
                "reported_on": when.date(),
                "sha256": "0" * 64,
                "pages": 2,
            },
        )

    def webhook(self, case_id: uuid.UUID, *, when: datetime) -> JgzWebhookDelivered:
        return JgzWebhookDelivered(
            **self._envelope(case_id, when, NOTIFICATIONS_ACTOR),
            payload={
                "case_id": case_id,
                "delivery_id": uuid.uuid4(),
                "message_type": "jgz.consultation_request.v1",
                "source_event_id": uuid.uuid4(),
                "jgz_organisation": "GGD Zuid JGZ",
                "attempts": 1,
                "delivered_at": when,
                "status_code": 202,
            },
        )

    def reminder(
        self, case_id: uuid.UUID | None, pupil_id: uuid.UUID | None, *, when: datetime
    ) -> ReminderSent:
        return ReminderSent(
            **self._envelope(case_id or pupil_id or uuid.uuid4(), when, NOTIFICATIONS_ACTOR),
            payload={
                "case_id": case_id,
                "pupil_id": pupil_id,
                "task_id": uuid.uuid4(),
                "task_kind": "terugkoppeling_veilig_thuis",
                "recipient_user_id": "ib-1",
                "due_at": when,
            },
        )

    def access(
        self,
        *,
        when: datetime,
        user_id: str = "ib-1",
        role: Role = Role.INTERN_BEGELEIDER,
        pupil_id: uuid.UUID | None = None,
        case_id: uuid.UUID | None = None,
        action: str = "case.read",
    ) -> DataAccessed:
        return DataAccessed(
            **self._envelope(pupil_id or case_id or uuid.uuid4(), when, Actor(user_id=user_id, role=role)),
            payload={
                "access_id": uuid.uuid4(),
                "service": "casework",
                "action": action,
                "resource": "GET /cases/{case_id}",
                "pupil_id": pupil_id,
                "case_id": case_id,
                "client_address": "127.0.0.1",
                "client_application": "pytest",
            },
        )
