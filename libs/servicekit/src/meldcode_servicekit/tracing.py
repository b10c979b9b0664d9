"""OpenTelemetry traces from the HTTP request, through the store and the relay, to each consumer.

- HTTP: `traced` (OpenTelemetry's ASGI middleware, outside the app's own middlewares) continues
  the caller's W3C `traceparent` or starts a trace.
- Store: the relay publishes later than the request (and maybe in another replica), so the
  request's trace context is stored beside its events: `event_trace_context`, keyed by the
  event's aggregate id and version, written by the events' own insert statement
  (`eventstore.FailFastRecorder.insert_events`) so a relay that sees the event always finds it; the relay reads it,
  publishes inside a producer span of that trace with `traceparent` in the Kafka headers, and
  deletes the rows it relayed. The table outbox keeps the context in a column of its row.
- Consumers: FastStream's `KafkaTelemetryMiddleware` spans the batch; `consuming_span` continues
  each message's own trace from its headers while the event is handled.

Spans are exported over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set. Without it no SDK is
installed: the API's no-op tracer still passes an incoming trace context on unchanged (requests
with a `traceparent` keep it all the way to the consumers), and records nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.trace import Span, SpanKind

from .settings import ServiceSettings

TRACE_HEADERS = ("traceparent", "tracestate")

TRACE_CONTEXT_SCHEMA = [
    """create table if not exists event_trace_context (
        originator_id uuid not null,
        originator_version bigint not null,
        traceparent text not null,
        tracestate text,
        created_at timestamptz not null default now(),
        primary key (originator_id, originator_version)
    )""",
]

_installed: trace.TracerProvider | None = None


def configure_tracing(settings: ServiceSettings) -> trace.TracerProvider | None:
    """Install the SDK with an OTLP/HTTP exporter once per process when an endpoint is set."""
    global _installed
    if _installed is not None or not settings.otlp_endpoint:
        return _installed
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": f"meldcode-{settings.service_name}"}))
    endpoint = settings.otlp_endpoint.rstrip("/") + "/v1/traces"
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    trace.set_tracer_provider(provider)
    _installed = provider
    return provider


def tracer() -> trace.Tracer:
    return trace.get_tracer("meldcode_servicekit")


def current_carrier() -> dict[str, str]:
    """The current trace context as W3C headers; empty when there is none."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return {k: v for k, v in carrier.items() if k in TRACE_HEADERS}


def carrier_from_headers(headers: Sequence[tuple[str, bytes | None]] | None) -> dict[str, str]:
    return {
        name: (value or b"").decode("ascii", "replace")
        for name, value in headers or ()
        if name in TRACE_HEADERS and value
    }


@contextmanager
def publishing_span(topic: str, carrier: dict[str, str]) -> Iterator[list[tuple[str, bytes]]]:
    """A producer span in the trace of `carrier` (the stored context of the event); yields the
    Kafka headers that carry it on to the consumers."""
    parent = propagate.extract(carrier) if carrier else otel_context.Context()
    with tracer().start_as_current_span(
        f"{topic} publish",
        context=parent,
        kind=SpanKind.PRODUCER,
        attributes={"messaging.system": "kafka", "messaging.destination.name": topic},
    ):
        yield [(name, value.encode()) for name, value in current_carrier().items()]


@contextmanager
def consuming_span(record: Any, event_id: uuid.UUID | None = None) -> Iterator[Span]:
    """While one message is handled: a consumer span continuing the trace in its headers."""
    parent = propagate.extract(carrier_from_headers(record.headers))
    attributes: dict[str, Any] = {
        "messaging.system": "kafka",
        "messaging.destination.name": record.topic,
        "messaging.destination.partition.id": str(record.partition),
        "messaging.kafka.offset": record.offset,
    }
    if event_id is not None:
        attributes["messaging.message.id"] = str(event_id)
    with tracer().start_as_current_span(
        f"{record.topic} process", context=parent, kind=SpanKind.CONSUMER, attributes=attributes
    ) as span:
        yield span
