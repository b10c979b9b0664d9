"""Outbound JGZ webhooks from a persistent delivery outbox (see docs/integration/jgz.md).

The consumer enqueues one delivery per casework event (id = uuid5 of the event id; the body is
fixed then, so every retry sends the same bytes). The deliverer claims one due delivery at a time
(`for update skip locked`), POSTs it signed with the partner's current first secret, and on a 2xx
marks it delivered and enqueues `JgzWebhookDelivered` in the same transaction. Anything else is
retried with capped exponential backoff and jitter. The same window as for e-mail remains (a crash
between the receiver's 2xx and the commit): the delivery is sent again with the same
`X-Meldcode-Delivery`, which the receiver de-duplicates.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import cast

import asyncpg
import httpx

from meldcode_contracts import JgzWebhookDelivered
from meldcode_contracts.notices import JgzWebhookDeliveredPayload
from meldcode_servicekit.logging import get_logger
from meldcode_servicekit.settings import JgzPartner
from meldcode_servicekit.signing import DELIVERY_HEADER, sign

from ..domain.webhooks import Backoff
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


@dataclass
class WebhookDeliverer:
    pool: asyncpg.Pool
    partners: Mapping[str, JgzPartner]
    topic: str
    backoff: Backoff
    client: httpx.AsyncClient

    async def deliver_due(self, now: datetime, limit: int = 100) -> int:
        delivered = 0
        for _ in range(limit):
            outcome = await self._deliver_one(now)
            if outcome is None:
                break
            delivered += int(outcome)
        return delivered

    async def _deliver_one(self, now: datetime) -> bool | None:
        async with self.pool.acquire() as proxy, proxy.transaction():
            conn = cast(asyncpg.Connection, proxy)
            row = await conn.fetchrow(
                """select delivery_id, source_event_id, tenant, school, case_id, pupil_id, message_type,
                       organisation, body, attempts
                   from webhook_deliveries where status = 'pending' and next_attempt_at <= $1
                   order by next_attempt_at, delivery_id limit 1 for update skip locked""",
                now,
            )
            if row is None:
                return None
            attempts = row["attempts"] + 1
            delivery_id = row["delivery_id"]
            partner = self.partners.get(row["tenant"])
            status_code: int | None = None
            error: str | None = None
            if partner is None:
                error = "no JGZ partner configured for the samenwerkingsverband"
            else:
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
                    status_code = response.status_code
                    if not 200 <= status_code < 300:
                        error = f"HTTP {status_code}"
                except httpx.HTTPError as exc:
                    error = type(exc).__name__
            if error is not None:
                await conn.execute(
                    """update webhook_deliveries set attempts = $2, next_attempt_at = $3, last_error = $4,
                           status_code = $5 where delivery_id = $1""",
                    delivery_id,
                    attempts,
                    self.backoff.next_attempt(now, attempts),
                    error,
                    status_code,
                )
                log.warning(
                    "jgz_webhook_failed",
                    delivery_id=str(delivery_id),
                    attempts=attempts,
                    status_code=status_code,
                    error=error if status_code is None else None,
                )
                return False
            assert status_code is not None and partner is not None
            await conn.execute(
                """update webhook_deliveries set status = 'delivered', attempts = $2, delivered_at = $3,
                       status_code = $4, last_error = null where delivery_id = $1""",
                delivery_id,
                attempts,
                now,
                status_code,
            )
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
            return True
