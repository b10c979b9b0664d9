"""The HTTP edge every service shares: body size limit, write rate limit, security headers.

All three are plain ASGI middleware (not BaseHTTPMiddleware): the size limit must see a streamed
body chunk by chunk, and the headers must also land on responses other middleware produce.
"""

from __future__ import annotations

import anyio.to_thread
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .auth import VERIFIED_BEARER, TokenVerifier
from .problems import Problem, problem_response
from .ratelimit import TokenBuckets

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# FastAPI's /docs and /redoc pages load Swagger UI / ReDoc from jsDelivr, run one inline script
# and (ReDoc) fonts from Google and a web worker from a blob: URL.
DOCS_CSP = (
    "default-src 'none'; "
    "script-src 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src https://fonts.gstatic.com; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "connect-src 'self'; "
    "worker-src blob:; "
    "frame-ancestors 'none'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'"
HSTS = "max-age=31536000; includeSubDomains"


class _BodyTooLarge(Exception):
    """Raised from `receive` once a streamed body passes the limit."""


DRAIN_LIMIT_BYTES = 16 * 1024 * 1024


class RequestSizeLimit:
    """Refuses bodies over `max_bytes` with 413: at once on Content-Length, and while streaming
    (a chunked body, or one longer than it said) by counting what the app receives."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            if not declared.isdigit():
                await problem_response(
                    400, "Ongeldig verzoek", "De Content-Length is ongeldig.", rule="content-length"
                )(scope, receive, send)
                return
            if int(declared) > self.max_bytes:
                await self._drain(receive)
                await self._respond_413(scope, receive, send)
                return

        received = 0
        exceeded = False
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    exceeded = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if exceeded and not response_started:
                return  # whatever the app made of the failed read: the 413 below replaces it
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not exceeded or response_started:
                raise
        if exceeded and not response_started:
            await self._drain(receive)
            await self._respond_413(scope, receive, send)

    async def _drain(self, receive: Receive) -> None:
        """Read (and drop) the rest of a refused body before answering. A server that closes its
        connection with unread data in its receive buffer sends a TCP reset instead of a FIN, and
        the reset can destroy the 413 before the client read it: the client then sees a broken
        connection instead of the answer, depending on timing. Bodies beyond a bound are not read
        (that would invite abuse); such a client may see the reset."""
        drained = 0
        while drained <= DRAIN_LIMIT_BYTES:
            message = await receive()
            if message["type"] != "http.request":
                return
            drained += len(message.get("body", b""))
            if not message.get("more_body", False):
                return

    async def _respond_413(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            413,
            "Verzoek te groot",
            f"Het verzoek is te groot: de grens is {self.max_bytes} bytes.",
            rule="request-size",
        )
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


class WriteRateLimit:
    """A token bucket per user for POST/PUT/PATCH/DELETE; 429 with Retry-After when it is empty.

    The user is the subject of a valid bearer token (verified here, and handed on to
    `current_principal` so it is not verified twice); without one, the client address.
    """

    def __init__(self, app: ASGIApp, *, buckets: TokenBuckets, verifier: TokenVerifier) -> None:
        self.app = app
        self.buckets = buckets
        self.verifier = verifier

    async def _key(self, scope: Scope) -> str:
        authorization = Headers(scope=scope).get("authorization", "")
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() == "bearer" and token:
            try:
                if self.verifier.may_block:  # a JWKS fetch; a signature check alone stays here
                    principal = await anyio.to_thread.run_sync(self.verifier.verify, token)
                else:
                    principal = self.verifier.verify(token)
            except Problem:
                pass
            else:
                scope.setdefault("state", {})[VERIFIED_BEARER] = (token, principal)
                return f"user:{principal.tenant}/{principal.user_id}"
        client = scope.get("client")
        return f"address:{client[0] if client else 'unknown'}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITE_METHODS:
            await self.app(scope, receive, send)
            return
        decision = self.buckets.take(await self._key(scope))
        if decision.allowed:
            await self.app(scope, receive, send)
            return
        response = problem_response(
            429,
            "Te veel verzoeken",
            f"U doet te veel wijzigingen achter elkaar; probeer het over {decision.retry_after_seconds} "
            "seconden opnieuw.",
            rule="rate-limit",
        )
        response.headers["Retry-After"] = str(decision.retry_after_seconds)
        await response(scope, receive, send)


class SecurityHeaders:
    """nosniff, no referrer, no framing, no caching (except health), a CSP, and HSTS behind TLS.

    Headers the app set itself are kept."""

    def __init__(self, app: ASGIApp, *, behind_tls: bool, docs_paths: frozenset[str]) -> None:
        self.app = app
        self.behind_tls = behind_tls
        self.docs_paths = docs_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        is_docs = path in self.docs_paths
        is_health = path.startswith("/health/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Content-Security-Policy", DOCS_CSP if is_docs else API_CSP)
                if not is_health:
                    headers.setdefault("Cache-Control", "no-store")
                if self.behind_tls:
                    headers.setdefault("Strict-Transport-Security", HSTS)
            await send(message)

        await self.app(scope, receive, send_with_headers)
