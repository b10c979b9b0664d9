"""Our own events (`ReminderSent`, `MeldingDocumentIssued`, `JgzWebhookDelivered`), written into the
transactional outbox table in the same transaction as the change they report (servicekit
`table_outbox`). Their ids are uuid5 of the natural key (reminder, document, delivery), so a second
enqueue is a no-op and a republish is recognised downstream."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import asyncpg

from meldcode_contracts import Actor, Envelope, Role
from meldcode_servicekit.table_outbox import enqueue_event

NOTICE_NAMESPACE = uuid.UUID("7c8d9e0f-1a2b-5c3d-8e4f-5a6b7c8d9e0f")
SYSTEM_ACTOR = Actor(user_id="notifications", role=Role.SYSTEM)


def notice_event_id(event_type: str, natural_key: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(NOTICE_NAMESPACE, f"{event_type}:{natural_key}")


async def enqueue_notice(
    conn: asyncpg.Connection,
    topic: str,
    event_type: type[Envelope],
    *,
    natural_key: uuid.UUID,
    at: datetime,
    tenant: str,
    school: str,
    subject_id: uuid.UUID,
    causation_id: str | None,
    payload: Any,
) -> Envelope | None:
    name = event_type.model_fields["event_type"].default
    build: Callable[[int], Envelope] = lambda sequence: event_type(  # type: ignore[call-arg]  # noqa: E731
        event_id=notice_event_id(name, natural_key),
        occurred_at=at,
        recorded_at=at,
        tenant=tenant,
        school=school,
        subject_id=subject_id,
        actor=SYSTEM_ACTOR,
        correlation_id=f"notifications-{natural_key}",
        causation_id=causation_id,
        sequence=sequence,
        payload=payload,
    )
    return await enqueue_event(conn, topic, build)
