"""Server spans for HTTP requests: OpenTelemetry's ASGI middleware, with nothing personal in them.

Apart from `tracing` (spans across the outbox and Kafka) so that the application layers, which use the
event store and its trace context, import no web framework.
"""

from __future__ import annotations

from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.trace import Span
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_REDACTED_ATTRIBUTES = (
    "http.target",
    "http.url",
    "url.full",
    "url.path",
    "url.query",
    "http.client_ip",
    "net.peer.ip",
    "client.address",
    "net.sock.peer.addr",
    "http.user_agent",
    "user_agent.original",
)
_PATH_ATTRIBUTES = ("http.target", "url.path")


def _redact(span: Span, scope: dict[str, Any]) -> None:
    """At the start of the server span: no path, query string, client address or user agent (a
    search query or a pupil's id has no place in a trace); the route template comes after routing."""
    present = getattr(span, "attributes", None) or {}
    for name in _REDACTED_ATTRIBUTES:
        if name in present:
            span.set_attribute(name, "")


class _NameSpanByRoute:
    """Inside the server span: once the app has routed the request (`scope["route"]`), names the
    span by the route template, as `http.route` and in place of the path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        span = trace.get_current_span()

        async def send_naming_the_span(message: Message) -> None:
            # Before the response starts: the span may end with its last byte.
            template = getattr(scope.get("route"), "path_format", None)
            if message["type"] == "http.response.start" and template and span.is_recording():
                span.update_name(f"{scope.get('method', 'HTTP')} {template}")
                span.set_attribute("http.route", template)
                present = getattr(span, "attributes", None) or {}
                for name in _PATH_ATTRIBUTES:
                    if name in present:
                        span.set_attribute(name, template)
            await send(message)

        await self.app(scope, receive, send_naming_the_span)


_TRACE_HEADERS = (b"traceparent", b"tracestate")


class _ContinueTraceContext:
    """Without an SDK (no OTLP endpoint) a server span records nothing, and the API's no-op tracer
    makes the caller's span the current one: all that is left of a span is the caller's trace
    context, made current here for the request (so its events carry it on), at a fraction of the
    ASGI middleware's CPU (ADR 25, part L)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        carrier = {
            name.decode("latin-1"): value.decode("latin-1")
            for name, value in scope.get("headers", ())
            if name in _TRACE_HEADERS
        }
        if scope["type"] != "http" or not carrier:
            return await self.app(scope, receive, send)
        token = otel_context.attach(propagate.extract(carrier))
        try:
            await self.app(scope, receive, send)
        finally:
            otel_context.detach(token)


def _records_spans() -> bool:
    """Whether a tracer provider that records (an SDK's, `tracing.configure_tracing`) is installed."""
    provider = trace.get_tracer_provider()
    return not isinstance(provider, trace.ProxyTracerProvider | trace.NoOpTracerProvider)


def traced(app: ASGIApp) -> ASGIApp:
    """`app` inside a server span per request (OpenTelemetry's ASGI middleware) when spans are
    recorded; else only the caller's trace context continued (`_ContinueTraceContext`)."""
    if not _records_spans():
        return _ContinueTraceContext(app)
    return OpenTelemetryMiddleware(
        _NameSpanByRoute(app),
        excluded_urls="health/.*,metrics",
        default_span_details=lambda scope: (scope.get("method", "HTTP"), {}),
        server_request_hook=_redact,
        exclude_spans=["receive", "send"],
    )
