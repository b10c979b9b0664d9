"""The JGZ simulator's HTTP side: receives the platform's signed webhooks.

- `POST /webhooks/meldcode`: verifies the signature (401 on a bad one), fails the first
  `fail_first` deliveries with 503, then accepts (200) and records each delivery id once (a repeat
  is answered 200 again with `duplicate: true`, and not recorded twice).
- `GET /received`: what was accepted, in order, with how many attempts each delivery took.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from meldcode_edge.signing import DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, verify


@dataclass
class Inbox:
    fail_first: int = 0
    requests: int = 0
    attempts: dict[str, int] = field(default_factory=dict)
    received: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def create_app(secrets: list[bytes], *, fail_first: int = 0) -> FastAPI:
    app = FastAPI(
        title="JGZ simulator", description="Receives signed Meldcode webhooks (for tests and the demo)"
    )
    inbox = Inbox(fail_first=fail_first)
    app.state.inbox = inbox

    @app.post("/webhooks/meldcode", summary="Receive a signed webhook")
    async def receive(request: Request) -> JSONResponse:
        body = await request.body()
        try:
            verify(
                secrets, body, request.headers.get(TIMESTAMP_HEADER), request.headers.get(SIGNATURE_HEADER)
            )
        except SignatureError as exc:
            return JSONResponse({"error": f"signature: {exc}"}, status_code=401)
        delivery = request.headers.get(DELIVERY_HEADER)
        if not delivery:
            return JSONResponse({"error": "X-Meldcode-Delivery missing"}, status_code=400)
        with inbox.lock:
            inbox.requests += 1
            inbox.attempts[delivery] = inbox.attempts.get(delivery, 0) + 1
            if inbox.requests <= inbox.fail_first:
                return JSONResponse({"error": "simulated outage"}, status_code=503)
            if any(r["delivery_id"] == delivery for r in inbox.received):
                return JSONResponse({"delivery_id": delivery, "duplicate": True})
            try:
                message = json.loads(body)
            except ValueError:
                return JSONResponse({"error": "body is not JSON"}, status_code=400)
            inbox.received.append(
                {
                    "delivery_id": delivery,
                    "message_type": message.get("message_type"),
                    "attempts": inbox.attempts[delivery],
                    "message": message,
                }
            )
        return JSONResponse({"delivery_id": delivery, "duplicate": False})

    @app.get("/received", summary="The accepted deliveries, each once, in order of arrival")
    async def received() -> dict[str, Any]:
        with inbox.lock:
            return {
                "received": list(inbox.received),
                "requests": inbox.requests,
                "attempts": dict(inbox.attempts),
            }

    @app.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "live"}

    return app
