"""The OpenAPI document of the JGZ integration, both directions, generated from the pydantic models
(`meldcode_contracts.jgz`): the receiver a JGZ system implements, and the platform's inbound
endpoint. Only for documentation (docs/integration/jgz-openapi.json); nothing serves it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, FastAPI, Header

from meldcode_contracts.jgz import CaseHandoverV1, ConsultationRequestV1, JgzConsultationResult

SIGNATURE_DOC = (
    "HMAC-SHA256 over '<X-Meldcode-Timestamp>.<raw body>' with the shared secret, hex, as 'v1=<hex>'; "
    "several comma-separated v1= values are accepted (secret rotation)"
)


def integration_spec() -> dict[str, Any]:
    app = FastAPI(
        title="Meldcode - JGZ integration",
        version="1.0.0",
        description=(
            "Outbound: the platform POSTs signed webhooks to the JGZ partner's webhook_url. "
            "Inbound: a JGZ system POSTs a signed consultation result to casework. See docs/integration/jgz.md."
        ),
    )

    @app.post(
        "/webhooks/meldcode",
        tags=["outbound: implemented by the JGZ system"],
        summary="Receive a consultation request or a case hand-over",
        responses={
            200: {
                "description": "Accepted (also for a delivery id seen before: dedupe, do not process twice)"
            },
            401: {"description": "Signature missing, stale or wrong: the platform retries, fix the secret"},
            503: {"description": "Any non-2xx: the platform retries with capped exponential backoff"},
        },
    )
    def receive(
        message: Annotated[ConsultationRequestV1 | CaseHandoverV1, Body(discriminator="message_type")],
        x_meldcode_delivery: Annotated[str, Header(description="Delivery id = message_id; dedupe on it")],
        x_meldcode_timestamp: Annotated[str, Header(description="Unix seconds; refuse if > 300 s away")],
        x_meldcode_signature: Annotated[str, Header(description=SIGNATURE_DOC)],
        x_meldcode_tenant: Annotated[str, Header(description="The samenwerkingsverband")],
        x_meldcode_message_type: Annotated[str, Header(description="Equals message_type in the body")],
    ) -> None:
        """A signed JSON message; the same delivery may arrive more than once."""

    @app.post(
        "/integrations/jgz/consultation-results",
        tags=["inbound: implemented by casework"],
        summary="Send a consultation result to the platform",
        responses={
            401: {"description": "Signature missing, stale or wrong"},
            404: {"description": "Unknown case for this samenwerkingsverband"},
        },
    )
    def consultation_result(
        result: JgzConsultationResult,
        x_meldcode_tenant: Annotated[str, Header(description="The samenwerkingsverband")],
        x_meldcode_timestamp: Annotated[str, Header(description="Unix seconds")],
        x_meldcode_signature: Annotated[str, Header(description=SIGNATURE_DOC)],
        x_meldcode_delivery: Annotated[
            str | None, Header(description="Optional; message_id is the dedupe key")
        ] = None,
    ) -> None:
        """Recorded once per message_id (a repeat is answered as a success)."""

    return app.openapi()
