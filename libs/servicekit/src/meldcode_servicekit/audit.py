"""What the auditor endpoints of every event-sourced service share: a stored event as the auditor
sees it, `GET /audit/verify` over the service's hash-chained store, checked against the chain heads
it recorded, and `GET /audit/chain-heads` with the key that signs them (ADR 7)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

import anyio
from eventsourcing.application import Application
from fastapi import APIRouter, Query, Request
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, Field

from meldcode_contracts import Role
from meldcode_edge.auth import CurrentPrincipal
from meldcode_edge.problems import Unprocessable

from .chainheads import ChainHeadRecorder, key_id
from .hashchain import Anchor, ChainedEvent, Verification, events_table, verify
from .permissions import Outside, RoutePolicy, Scope

META = {"originator_id", "originator_version", "timestamp", "originator_topic"}
"""Attributes every stored event has; the rest is its payload."""


class AuditEventOut(BaseModel):
    notification_id: int = Field(description="Position in the service's event log")
    aggregate_id: uuid.UUID = Field(
        description="The aggregate (pupil, signal, case, ...) the event belongs to"
    )
    version: int
    event_type: str
    occurred_at: datetime = Field(description="When the event happened and was stored (UTC)")
    recorded_at: datetime = Field(description="When it was stored (UTC): events are stored as they happen")
    actor_id: str | None
    actor_role: str | None
    payload: dict[str, Any] = Field(
        description="Every field of the stored event, the reporter's identity included"
    )
    event_hash: str | None = Field(description="sha256 of the event and its predecessor (hex)")
    log_hash: str | None = Field(description="sha256 chain over the whole store (hex)")

    @classmethod
    def of(cls, row: ChainedEvent, domain_event: Any, event_type: str) -> AuditEventOut:
        payload = {k: v for k, v in vars(domain_event).items() if k not in META}
        return cls(
            notification_id=row.notification_id,
            aggregate_id=row.originator_id,
            version=row.originator_version,
            event_type=event_type,
            occurred_at=domain_event.timestamp,
            recorded_at=domain_event.timestamp,
            actor_id=payload.get("actor_id"),
            actor_role=payload.get("actor_role"),
            payload=jsonable_encoder(payload),
            event_hash=row.event_hash,
            log_hash=row.log_hash,
        )


class ChainHeadsOut(BaseModel):
    recording: bool = Field(description="False: MELDCODE_CHAIN_HEADS_DIR is not set, nothing is recorded")
    table: str | None = None
    public_key: str | None = Field(
        default=None, description="Base64 of the Ed25519 public key that signs the records"
    )
    key_id: str | None = Field(default=None, description="First 16 hex digits of sha256 of the public key")
    file_name: str | None = None
    records_total: int = 0
    records: list[dict[str, Any]] = Field(
        default_factory=list, description="The newest records, as they lie in the file"
    )


VERIFICATION_ROUTES = (
    RoutePolicy(
        "GET",
        "/audit/verify",
        {Role.AUDITOR: Scope.WHOLE_SERVICE},
        "Recompute the hash chains of the event store (ADR 7)",
        other_school=Outside.NOT_APPLICABLE,
        other_tenant=Outside.NOT_APPLICABLE,
    ),
    RoutePolicy(
        "GET",
        "/audit/chain-heads",
        {Role.AUDITOR: Scope.WHOLE_SERVICE},
        "The public key that signs the recorded chain heads, and the newest records (ADR 7)",
        other_school=Outside.NOT_APPLICABLE,
        other_tenant=Outside.NOT_APPLICABLE,
    ),
)
"""The policy of `verification_router`'s routes: a service that includes the router lists these
in its own policy."""


def verification_router(application_of: Callable[[Request], Application[Any]]) -> APIRouter:
    """`GET /audit/verify` for the application that `application_of` finds on the app state."""
    router = APIRouter(prefix="/audit", tags=["audit"])

    @router.get(
        "/verify",
        response_model=Verification,
        summary="Recompute the hash chains of the whole event store and name every problem (auditor)",
    )
    async def verify_store(
        principal: CurrentPrincipal,
        request: Request,
        anchor: Annotated[
            list[str] | None,
            Query(
                description="Chain heads recorded earlier, `<notification_id>:<log_hash>`; each must still be there"
            ),
        ] = None,
        recorded_heads: Annotated[
            bool,
            Query(description="Also check every chain head this service recorded (signed) in its heads file"),
        ] = True,
    ) -> Verification:
        try:
            anchors = [Anchor.parse(a) for a in anchor or []]
        except ValueError:
            raise Unprocessable(
                "Een ketenkop is <notificatienummer>:<64 hexadecimale tekens>.", rule="audit-anchor"
            ) from None
        recorder: ChainHeadRecorder | None = getattr(request.app.state, "chain_heads", None)
        recorded = await recorder.recorded() if recorder is not None and recorded_heads else None
        if recorded is not None:
            anchors += [a for a in recorded.anchors if a not in anchors]
        result = await verify(request.app.state.pool, events_table(application_of(request)), anchors=anchors)
        if recorded is not None:
            result.recorded_heads_checked = recorded.records
            for finding in recorded.findings:
                result.add(finding)
        return result

    @router.get(
        "/chain-heads",
        response_model=ChainHeadsOut,
        summary="The key that signs the recorded chain heads, and the newest records (auditor)",
    )
    async def chain_heads(
        principal: CurrentPrincipal,
        request: Request,
        limit: Annotated[int, Query(ge=0, le=1000, description="How many of the newest records")] = 24,
    ) -> ChainHeadsOut:
        recorder: ChainHeadRecorder | None = getattr(request.app.state, "chain_heads", None)
        if recorder is None:
            return ChainHeadsOut(recording=False)
        lines = [line for line in await anyio.to_thread.run_sync(recorder.lines) if line.strip()]
        return ChainHeadsOut(
            recording=True,
            table=recorder.table,
            public_key=recorder.public_key,
            key_id=key_id(recorder.public_key),
            file_name=recorder.path.name,
            records_total=len(lines),
            records=[json.loads(line) for line in lines[len(lines) - limit :]] if limit else [],
        )

    return router
