"""Sending a consultation result to the platform's inbound endpoint, signed like the webhooks."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx

from meldcode_contracts.jgz import JgzConsultationResult
from meldcode_edge.signing import DELIVERY_HEADER, sign

RESULTS_PATH = "/integrations/jgz/consultation-results"
TENANT_HEADER = "X-Meldcode-Tenant"


def consultation_result(
    *,
    case_id: uuid.UUID,
    jgz_organisation: str,
    advice: str,
    professional: str,
    request_id: uuid.UUID | None = None,
    message_id: str | None = None,
    sent_at: datetime | None = None,
) -> JgzConsultationResult:
    return JgzConsultationResult(
        message_id=message_id or f"jgz-{uuid.uuid4()}",
        case_id=case_id,
        request_id=request_id,
        jgz_organisation=jgz_organisation,
        advice=advice,
        professional=professional,
        sent_at=sent_at or datetime.now(UTC),
    )


def signed_request(result: JgzConsultationResult, secret: bytes, tenant: str) -> tuple[bytes, dict[str, str]]:
    body = result.model_dump_json().encode()
    headers = {
        "Content-Type": "application/json",
        TENANT_HEADER: tenant,
        DELIVERY_HEADER: result.message_id,
        **sign(secret, body),
    }
    return body, headers


def send_result(
    casework_url: str, result: JgzConsultationResult, secret: bytes, tenant: str
) -> httpx.Response:
    body, headers = signed_request(result, secret, tenant)
    return httpx.post(f"{casework_url.rstrip('/')}{RESULTS_PATH}", content=body, headers=headers, timeout=10)
