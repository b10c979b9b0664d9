"""Outbound JGZ webhooks from a persistent delivery outbox (see docs/integration/jgz.md).

The consumer enqueues one delivery per casework event (id = uuid5 of the event id; the body is
fixed then, so every retry sends the same bytes). Delivering is a kind of due work (`due_work`): a
claimed delivery is POSTed signed with the partner's current first secret, and on a 2xx marked
delivered with `JgzWebhookDelivered` enqueued in the same transaction. Anything else is retried
with capped exponential backoff and jitter. The same window as for e-mail remains (a crash
between the receiver's 2xx and the commit): the delivery is sent again with the same
`X-Meldcode-Delivery`, which the receiver de-duplicates.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import asyncpg
import httpx

from meldcode_contracts import JgzWebhookDelivered
from meldcode_contracts.notices import JgzWebhookDeliveredPayload
from meldcode_edge.logging import get_logger
from meldcode_edge.signing import DELIVERY_HEADER, sign
from meldcode_servicekit.settings import JgzPartner

from ..domain.webhooks import Backoff
from .due_work import Done, DueTable, DueWorkQueue, Failed
from .notices import enqueue_notice

log = get_logger(__name__)

TENANT_HEADER = "X-Meldcode-Tenant"
MESSAGE_TYPE_HEADER = "X-Meldcode-Message-Type"


async def enqueue_delivery(
    conn: asyncpg.Connection,
    *,
    delivery_id: uuid.UUID,
    source_event_id: uuid.UUID,
    tenant: str,
    school: str,
    case_id: uuid.UUID,
    pupil_id: uuid.UUID,
    message_type: str,
    organisation: str,
    body: bytes,
    now: datetime,
) -> bool:
    inserted = await conn.fetchval(
        """insert into webhook_deliveries (delivery_id, source_event_id, tenant, school, case_id, pupil_id,
               message_type, organisation, body, created_at, next_attempt_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) on conflict do nothing returning true""",
        delivery_id,
        source_event_id,
        tenant,
        school,
        case_id,
        pupil_id,
        message_type,
        organisation,
        body,
        now,
    )
    return bool(inserted)


WEBHOOK_DELIVERIES = DueTable(
    "webhook_deliveries", key="delivery_id", pending="status = 'pending'", failure_log="jgz_webhook_failed"
)
NO_STATUS = {"status_code": None}


@dataclass(frozen=True)
class DeliverWebhook:
    partners: Mapping[str, JgzPartner]
    topic: str
    client: httpx.AsyncClient

    async def __call__(
        self, conn: asyncpg.Connection, row: asyncpg.Record, attempts: int, now: datetime
    ) -> Done | Failed:
        partner = self.partners.get(row["tenant"])
        if partner is None:
            return Failed("no JGZ partner configured for the samenwerkingsverband", NO_STATUS)
        delivery_id = row["delivery_id"]
        body = bytes(row["body"])
        headers = {
            "Content-Type": "application/json",
            DELIVERY_HEADER: str(delivery_id),
            TENANT_HEADER: row["tenant"],
            MESSAGE_TYPE_HEADER: row["message_type"],
            **sign(partner.secret_bytes()[0], body),
        }
        try:
            response = await self.client.post(partner.webhook_url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return Failed(type(exc).__name__, NO_STATUS)
        status_code = response.status_code
        if not 200 <= status_code < 300:
            return Failed(f"HTTP {status_code}", {"status_code": status_code})
        await enqueue_notice(
            conn,
            self.topic,
            JgzWebhookDelivered,
            natural_key=delivery_id,
            at=now,
            tenant=row["tenant"],
            school=row["school"],
            subject_id=row["case_id"],
            causation_id=str(row["source_event_id"]),
            payload=JgzWebhookDeliveredPayload(
                case_id=row["case_id"],
                pupil_id=row["pupil_id"],
                delivery_id=delivery_id,
                message_type=row["message_type"],
                source_event_id=row["source_event_id"],
                jgz_organisation=row["organisation"],
                attempts=attempts,
                delivered_at=now,
                status_code=status_code,
            ),
        )
        log.info("jgz_webhook_delivered", delivery_id=str(delivery_id), attempts=attempts)
        return Done({"status": "delivered", "delivered_at": now, "status_code": status_code})


def webhook_deliverer(
    pool: asyncpg.Pool,
    partners: Mapping[str, JgzPartner],
    topic: str,
    backoff: Backoff,
    client: httpx.AsyncClient,
) -> DueWorkQueue:
    return DueWorkQueue(pool, WEBHOOK_DELIVERIES, DeliverWebhook(partners, topic, client), backoff)
