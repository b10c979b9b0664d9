"""Inbound JGZ integration: a JGZ system posts a consultation result to the case it concerns.

No bearer token: the JGZ system authenticates with the webhook signature of its samenwerkingsverband
(`X-Meldcode-Tenant` names it; `meldcode_edge.signing` over the raw body with that partner's
secrets). A missing or unknown samenwerkingsverband, or a bad or stale signature, is a 401 and
changes nothing. The same message (by `message_id`) is recorded once; sending it again gets the
same answer. Answers never echo the advice or the professional's name.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from meldcode_contracts import Role
from meldcode_contracts.envelope import UtcDateTime
from meldcode_contracts.jgz import JgzConsultationResult
from meldcode_contracts.personal import Personal
from meldcode_edge.acting import Acting
from meldcode_edge.logging import get_logger
from meldcode_edge.problems import Problem, Unauthorized, Unprocessable
from meldcode_edge.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, verify
from meldcode_servicekit.settings import JgzPartner

from ..application import CaseworkApplication
from ..commands import RecordJgzConsultationResult

log = get_logger(__name__)
router = APIRouter(tags=["JGZ integration"])

TENANT_HEADER = "X-Meldcode-Tenant"
MAX_BODY_BYTES = 256 * 1024
ACTOR_ID_MAX = 128


class ConsultationResultIn(JgzConsultationResult):
    """What a JGZ system sends when a consultation is answered: `meldcode_contracts.jgz.JgzConsultationResult`,
    read leniently as its versioning asks (unknown fields ignored) and with bounded texts."""

    model_config = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=True)

    message_id: str = Field(
        min_length=1,
        max_length=128,
        description="The JGZ system's own id of this message; a message sent again is recorded once",
    )
    case_id: uuid.UUID = Field(description="The case the consultation was asked for (case_reference)")
    request_id: uuid.UUID | None = Field(
        default=None, description="The request_id of the consultation request it answers"
    )
    jgz_organisation: str = Field(
        min_length=1,
        max_length=200,
        description="The JGZ organisation, as configured for the samenwerkingsverband",
    )
    advice: Personal[str] = Field(
        min_length=1, max_length=20_000, description="The JGZ professional's advice or findings"
    )
    professional: Personal[str] = Field(
        min_length=1, max_length=500, description="Name and discipline of the JGZ professional"
    )
    sent_at: UtcDateTime = Field(description="When the JGZ system sent the message (UTC)")


class ResultReceipt(BaseModel):
    message_id: str
    case_id: uuid.UUID
    status: Literal["ontvangen"] = Field(
        default="ontvangen", description="The message is recorded on the case (now or earlier)"
    )


class BodyTooLarge(Problem):
    status = 413
    title = "Bericht te groot"


def _not_authenticated(reason: str, tenant: str) -> Unauthorized:
    log.warning("jgz_message_refused", reason=reason, tenant=tenant[:64] or None)
    return Unauthorized(
        "Het bericht is niet geauthenticeerd: onbekend samenwerkingsverband of ongeldige ondertekening.",
        rule="jgz-signature",
    )


def _authenticated_partner(request: Request, raw: bytes) -> tuple[str, JgzPartner]:
    tenant = request.headers.get(TENANT_HEADER, "")
    partner: JgzPartner | None = request.app.state.settings.jgz_partners.get(tenant)
    if partner is None:
        raise _not_authenticated("unknown samenwerkingsverband", tenant)
    try:
        verify(
            partner.secret_bytes(),
            raw,
            request.headers.get(TIMESTAMP_HEADER),
            request.headers.get(SIGNATURE_HEADER),
        )
    except SignatureError as exc:
        raise _not_authenticated(str(exc), tenant) from None
    return tenant, partner


def _parsed(raw: bytes) -> ConsultationResultIn:
    try:
        return ConsultationResultIn.model_validate_json(raw)
    except ValidationError as exc:
        # The standard 422 problem (fields and error types, never the values sent).
        errors = exc.errors(include_input=False, include_url=False, include_context=False)
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in errors]) from None


@router.post(
    "/integrations/jgz/consultation-results",
    response_model=ResultReceipt,
    summary="A JGZ system delivers a consultation result (signed webhook; idempotent by message_id)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": ConsultationResultIn.model_json_schema()}},
        },
        "parameters": [
            {"name": TENANT_HEADER, "in": "header", "required": True, "schema": {"type": "string"}},
            {"name": TIMESTAMP_HEADER, "in": "header", "required": True, "schema": {"type": "string"}},
            {"name": SIGNATURE_HEADER, "in": "header", "required": True, "schema": {"type": "string"}},
        ],
    },
    responses={401: {"description": "Unknown samenwerkingsverband, or a bad or stale signature"}},
)
async def receive_consultation_result(request: Request) -> ResultReceipt:
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise BodyTooLarge(f"Een bericht is hoogstens {MAX_BODY_BYTES // 1024} kB.")
    tenant, partner = _authenticated_partner(request, raw)
    message = _parsed(raw)
    if message.jgz_organisation != partner.organisation:
        raise Unprocessable(
            "Het bericht komt niet van de JGZ-organisatie van dit samenwerkingsverband.",
            rule="jgz-organisation-of-the-samenwerkingsverband",
        )
    app: CaseworkApplication = request.app.state.casework
    recorded = await app.record_jgz_consultation_result(
        RecordJgzConsultationResult(
            case_id=message.case_id,
            message_id=message.message_id,
            request_id=message.request_id,
            jgz_organisation=partner.organisation,
            advice=message.advice,
            professional=message.professional,
            received_at=datetime.now(UTC),
        ),
        Acting(
            user_id=f"jgz:{partner.organisation}"[:ACTOR_ID_MAX],
            role=Role.SYSTEM.value,
            tenant=tenant,
            correlation_id=request.state.correlation_id,
        ),
    )
    log.info(
        "jgz_result_received",
        case_id=str(message.case_id),
        message_id=message.message_id,
        recorded=recorded,
    )
    return ResultReceipt(message_id=message.message_id, case_id=message.case_id)
