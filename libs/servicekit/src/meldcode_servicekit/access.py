"""The access log (NEN 7513): every read of pupil or case data is published as `DataAccessed`.

A read endpoint calls `await access.record(...)` after it has loaded the data and checked the
reader's rights, and before it returns anything: the event is on the topic (acks=all) before the
data leaves the service. When Kafka cannot take it, the read is refused with 503 — an unlogged
read of a child's file is worse than a failed one.

A write that answers with the data it changed (a case command answers the case) must not depend
on Kafka: writes are accepted while the broker is away (ADR 13). Such an answer is logged with
`in_outbox=True`: the `DataAccessed` is committed to the service's own `event_outbox` (durable
before the data leaves) and the table-outbox relay publishes it (ADR 8, amended).

    @router.get("/cases/{case_id}")
    async def get_case(case_id: UUID, principal: CurrentPrincipal, access: AccessLogger, request: Request):
        case = ...  # load and authorise
        await access.record(principal, request, action="case.read", tenant=case.tenant,
                            school=case.school, case_id=case_id, pupil_id=case.pupil_id)
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, cast

import asyncpg
from aiokafka import AIOKafkaProducer
from fastapi import Depends, FastAPI, Request

from meldcode_contracts import ACCESS_LOG_EVENTS, DataAccessed, DataAccessedPayload, serialize_event
from meldcode_edge.auth import Principal
from meldcode_edge.logging import get_logger
from meldcode_edge.problems import ServiceUnavailable

from .kafka import ensure_topics, idempotent_producer
from .settings import ServiceSettings
from .table_outbox import enqueue_event

log = get_logger(__name__)

SEND_TIMEOUT_SECONDS = 1.5  # an outage of Kafka refuses the read within two seconds (ADR 13)


class AccessLog:
    """Publishes `DataAccessed` events for one service."""

    def __init__(
        self, *, service: str, producer: AIOKafkaProducer, topic: str, pool: asyncpg.Pool | None = None
    ) -> None:
        self.service = service
        self._producer = producer
        self._topic = topic
        self._pool = pool

    async def record(
        self,
        principal: Principal,
        request: Request | None,
        *,
        action: str,
        tenant: str,
        school: str,
        pupil_id: uuid.UUID | None = None,
        case_id: uuid.UUID | None = None,
        resource: str | None = None,
        client_application: str | None = None,
        in_outbox: bool = False,
    ) -> DataAccessed:
        """Log one read; raises ServiceUnavailable (503) when the log cannot be written. With
        `in_outbox` the entry is committed to the service's `event_outbox` instead of sent now."""
        subject = pupil_id or case_id
        if subject is None:
            raise ValueError("an access is about a pupil or a case")
        now = datetime.now(UTC)
        correlation_id = getattr(request.state, "correlation_id", None) if request else None
        event = DataAccessed(
            event_id=uuid.uuid4(),
            occurred_at=now,
            recorded_at=now,
            tenant=tenant,
            school=school,
            subject_id=subject,
            actor=principal.actor,
            correlation_id=correlation_id or f"access-{uuid.uuid4()}",
            sequence=1,
            payload=DataAccessedPayload(
                access_id=uuid.uuid4(),
                service=self.service,
                action=action,
                resource=resource or _route_of(request),
                pupil_id=pupil_id,
                case_id=case_id,
                on_behalf_of=principal.on_behalf_of,
                client_address=(request.client.host if request and request.client else None),
                client_application=client_application or _user_agent(request),
            ),
        )
        if in_outbox:
            if self._pool is None:
                raise RuntimeError("in_outbox needs the service's database (runtime.database first)")
            async with self._pool.acquire() as conn, conn.transaction():
                await enqueue_event(cast(asyncpg.Connection, conn), self._topic, lambda _position: event)
            return event
        try:
            await asyncio.wait_for(
                self._producer.send_and_wait(self._topic, serialize_event(event), key=str(subject).encode()),
                SEND_TIMEOUT_SECONDS,
            )
        except Exception as exc:
            log.error("access_log_unavailable", error=type(exc).__name__, action=action)
            raise ServiceUnavailable(
                "De inzage kan nu niet worden vastgelegd in het toegangslogboek; probeer het zo opnieuw.",
                rule="access-log",
            ) from exc
        return event


def _route_of(request: Request | None) -> str:
    if request is None:
        return "cli"
    route = request.scope.get("route")
    path = getattr(route, "path", None) or request.url.path
    return f"{request.method} {path}"


def _user_agent(request: Request | None) -> str | None:
    if request is None:
        return None
    agent = request.headers.get("user-agent")
    return agent[:256] if agent else None


@asynccontextmanager
async def access_log(app: FastAPI, settings: ServiceSettings, *, service: str) -> AsyncIterator[AccessLog]:
    """`app.state.access_log`: the service's access-log publisher, for the lifetime of the app."""
    topic = settings.topic(ACCESS_LOG_EVENTS)
    await ensure_topics(settings.kafka, [topic])
    producer = idempotent_producer(settings.kafka, f"meldcode-{service}-access")
    await producer.start()
    try:
        app.state.access_log = AccessLog(
            service=service, producer=producer, topic=topic, pool=getattr(app.state, "pool", None)
        )
        yield app.state.access_log
    finally:
        await producer.stop()


async def current_access_log(request: Request) -> AccessLog:
    log_: AccessLog = request.app.state.access_log
    return log_


AccessLogger = Annotated[AccessLog, Depends(current_access_log)]
