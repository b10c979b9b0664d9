"""The FastAPI app every service starts from: problem bodies, correlation ids, health endpoints,
metrics and traces (`metrics`, `tracing`), and the hardened edge (body size limit, write rate
limit, security headers; see `hardening`)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, cast

import anyio
import structlog
import typer
import uvicorn
from fastapi import APIRouter, Depends, FastAPI, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from meldcode_edge.auth import TokenVerifier
from meldcode_edge.hardening import RequestSizeLimit, SecurityHeaders, WriteRateLimit
from meldcode_edge.inputs import refuse_control_characters
from meldcode_edge.problems import install_problem_handlers
from meldcode_edge.ratelimit import TokenBuckets
from meldcode_edge.roles import role_of

from .deadletters import dead_letters_cli
from .keystore import keystore_reachable
from .metrics import ServiceMetrics, instrument_http
from .outage_problems import outage_handlers
from .permissions import ServicePolicy, enforce_route_policy
from .reconcile_cli import TargetsFactory, add_reconcile_command
from .service_migration import Migration, migrate
from .settings import ServiceSettings
from .tracing import configure_tracing
from .tracing_http import traced

CORRELATION_HEADER = "X-Correlation-ID"
ReadinessCheck = Callable[[FastAPI], Awaitable[bool]]
READINESS_CHECK_SECONDS = 2.0


async def key_store_reachable(app: FastAPI) -> bool:
    """The shared key store answers (true for a service that runs without one, e.g. in tests)."""
    store = getattr(app.state, "keystore", None)
    return store is None or await anyio.to_thread.run_sync(keystore_reachable, store)


def _correlation_id(incoming: str) -> str:
    return incoming if 0 < len(incoming) <= 128 and incoming.isprintable() else str(uuid.uuid4())


class CorrelationIdMiddleware:
    """The request's correlation id (the caller's `X-Correlation-ID` if it is sane, else a new
    one): in `request.state.correlation_id`, in every log line of the request, and on the answer.
    Plain ASGI, not BaseHTTPMiddleware: that one runs the app in a task of its own behind memory
    streams, a third of a request's CPU in the profile of issue 18."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        correlation_id = _correlation_id(Headers(scope=scope).get(CORRELATION_HEADER, ""))
        scope.setdefault("state", {})["correlation_id"] = correlation_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[CORRELATION_HEADER] = correlation_id
            await send(message)

        structlog.contextvars.bind_contextvars(correlation_id=correlation_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            structlog.contextvars.unbind_contextvars("correlation_id")


class _HardenedFastAPI(FastAPI):
    """Security headers wrap the whole stack, so even the 500 that Starlette's outermost error
    middleware writes for an unexpected exception carries them; the request's trace span is just
    inside them, around everything else. With `trusted_proxies` set, uvicorn's proxy-headers
    middleware is just inside the headers: from those addresses only, X-Forwarded-For becomes the
    client address everything else sees (rate limit, access log)."""

    def build_middleware_stack(self) -> ASGIApp:
        settings: ServiceSettings = self.state.settings
        docs = {self.docs_url, self.redoc_url, self.swagger_ui_oauth2_redirect_url}
        stack = traced(super().build_middleware_stack())
        if settings.trusted_proxies:
            proxied = ProxyHeadersMiddleware(stack, trusted_hosts=list(settings.trusted_proxies))  # type: ignore[arg-type]
            stack = cast(ASGIApp, proxied)  # uvicorn types its ASGI callables more narrowly
        return SecurityHeaders(
            stack,
            behind_tls=settings.behind_tls,
            docs_paths=frozenset(p for p in docs if p),
        )


def create_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[Any]],
    routers: Sequence[APIRouter],
    readiness_checks: Sequence[ReadinessCheck],
    policy: ServicePolicy,
    domain_error: type[Exception] | None = None,
    reported_checks: Sequence[ReadinessCheck] = (),
) -> FastAPI:
    """Every route passes the door of the service's route `policy` (`permissions.py`; a route it
    does not name is refused), then the check for control characters in its input (`inputs.py`)."""
    app = _HardenedFastAPI(
        title=title,
        description=description,
        version="1.0.0",
        lifespan=lifespan,
        dependencies=[Depends(enforce_route_policy), Depends(refuse_control_characters)],
    )
    app.state.settings = settings
    app.state.permissions = policy
    app.state.token_verifier = verifier = TokenVerifier(settings)
    app.state.metrics = metrics = ServiceMetrics()
    configure_tracing(settings)
    # add_middleware puts each one outside the ones before: correlation id, then size, then rate.
    if settings.write_rate_per_minute > 0:
        buckets = TokenBuckets(rate_per_minute=settings.write_rate_per_minute, burst=settings.write_burst)
        app.add_middleware(WriteRateLimit, buckets=buckets, verifier=verifier)
    app.add_middleware(RequestSizeLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(CorrelationIdMiddleware)
    instrument_http(app, metrics)  # outside the others: refused requests are counted too
    install_problem_handlers(app, domain_error, more_handlers=outage_handlers())
    for router in routers:
        app.include_router(router)

    @app.get("/health/live", tags=["health"], summary="The process is up")
    async def live() -> dict[str, str]:
        return {"status": "live"}

    async def outcome(check: ReadinessCheck) -> bool:
        try:
            return await asyncio.wait_for(check(app), READINESS_CHECK_SECONDS)
        except Exception:
            return False

    @app.get(
        "/health/ready",
        tags=["health"],
        summary="What a request needs (database, key store) is reachable; Kafka is reported beside it",
    )
    async def ready() -> JSONResponse:
        """Ready while what a request needs answers. `reported_checks` (Kafka) are in the body but
        do not decide: writes go on without Kafka (the event store is the outbox), and in
        Kubernetes a red probe takes the pods out of their Service, so a Kafka outage would refuse
        at the ingress the writes the service accepts (ADR 13)."""
        results = {check.__name__: await outcome(check) for check in [*readiness_checks, key_store_reachable]}
        reported = {check.__name__: await outcome(check) for check in reported_checks}
        ok = all(results.values())
        body = {"status": "ready" if ok else "not ready", "checks": results, "reported": reported}
        return JSONResponse(body, 200 if ok else 503)

    @app.get("/metrics", tags=["health"], summary="Prometheus metrics (no personal data)")
    async def prometheus_metrics() -> Response:
        return Response(await metrics.render(), media_type=CONTENT_TYPE_LATEST)

    return app


def server_config(app: FastAPI, settings: ServiceSettings) -> uvicorn.Config:
    """How `serve` runs the app. uvicorn's own proxy-headers handling is off: it would believe
    X-Forwarded-For from 127.0.0.1, i.e. from anyone on the host; `create_app` believes it only
    from `trusted_proxies`. uvloop and httptools (C) in place of asyncio's loop and h11 (pure
    Python): less CPU per request at the edge (ADR 25, part L)."""
    return uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        loop="uvloop",
        http="httptools",
        log_config=None,
        access_log=False,
        proxy_headers=False,
        timeout_graceful_shutdown=20,
    )


def serve(app: FastAPI, settings: ServiceSettings) -> None:
    """Run the service until SIGTERM/Ctrl-C; shutdown lets in-flight requests and messages finish."""
    uvicorn.Server(server_config(app, settings)).run()


def service_cli(
    name: str,
    description: str,
    build_app: Callable[[Any], FastAPI],
    settings_type: Callable[[], ServiceSettings],
    *,
    reconcile: TargetsFactory | None = None,
    migration: Migration | None = None,
) -> typer.Typer:
    """The command line every service has: `meldcode-<name> serve`, `meldcode-<name> migrate` and
    `meldcode-<name> dead-letters`; with `reconcile` (what the service stores, publishes and
    consumes) also `meldcode-<name> reconcile`."""
    cli = typer.Typer(
        add_completion=False, help=f"The Meldcode {name} service: {description}", no_args_is_help=True
    )

    @cli.command("serve")
    def serve_command() -> None:
        """Run the service (HTTP API and its Kafka work) until SIGTERM/Ctrl-C, then shut down gracefully."""
        settings = settings_type()
        serve(build_app(settings), settings)

    @cli.command("migrate")
    def migrate_command() -> None:
        """Create or update the service's tables as the owner role (<SERVICE>_MIGRATION_DATABASE_URL,
        MELDCODE_KEYSTORE_MIGRATION_URL) and grant the service's role (the user of
        <SERVICE>_DATABASE_URL) what it needs; run before `serve` (ADR 16)."""
        settings = settings_type()
        keystore_owner = settings.keystore_migration_url or settings.keystore_url
        append_only = asyncio.run(
            migrate(
                migration or Migration(),
                owner_url=settings.migration_database_url or settings.database_url,
                role=role_of(settings.database_url),
                keystore_owner_url=keystore_owner,
            )
        )
        role = role_of(settings.database_url)
        if role == role_of(settings.migration_database_url or settings.database_url):
            typer.echo(f"{name}: migrated; no separate service role, so nothing granted (ADR 16)")
        else:
            typer.echo(f"{name}: migrated; {role} may only read and append to {append_only}")

    @cli.callback()
    def _service() -> None:
        """A Meldcode service."""

    cli.add_typer(dead_letters_cli(name, settings_type), name="dead-letters")
    if reconcile is not None:
        add_reconcile_command(cli, name, settings_type, reconcile)
    return cli
