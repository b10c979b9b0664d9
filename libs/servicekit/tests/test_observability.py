"""A real service process (signals, with its relay and its consumer) as an operator sees it: the
metrics at /metrics, the trace context from an HTTP request in the Kafka headers of the event it
produced, spans exported over OTLP, and a log file of JSON lines only."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import asyncpg
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from meldcode_contracts import CASEWORK_EVENTS, SIGNALS_EVENTS
from meldcode_testkit import ServiceProcess, Suite, eventually, publish_raw, read_topic

pytestmark = pytest.mark.infra


def _staff(suite: Suite) -> tuple[dict[str, str], dict[str, str]]:
    def bearer(sub: str, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {suite.infra.token(sub=sub, role=role)}"}

    return bearer("ib-bram", "intern_begeleider"), bearer("leerkracht-anna", "leerkracht")


async def _register_pupil(http: httpx.AsyncClient, url: str, headers: dict[str, str]) -> str:
    response = await http.post(
        f"{url}/pupils",
        headers=headers,
        json={
            "school": "12AB",
            "pupil_number": uuid.uuid4().hex[:8],
            "given_name": "Sanne",
            "family_name": "Jansen",
            "date_of_birth": "2013-05-14",
        },
    )
    assert response.status_code == 201, response.text
    return str(response.json()["pupil_id"])


async def _record_signal(http: httpx.AsyncClient, url: str, headers: dict[str, str], pupil_id: str) -> None:
    response = await http.post(
        f"{url}/pupils/{pupil_id}/signals",
        headers=headers,
        json={
            "observed_on": (datetime.now(UTC) - timedelta(days=1)).date().isoformat(),
            "description": "Blauwe plek op de bovenarm.",
            "source": {"kind": "own_observation"},
            "categories": ["physical"],
        },
    )
    assert response.status_code == 201, response.text


def _samples(text: str, name: str) -> list[tuple[dict[str, str], float]]:
    return [
        (sample.labels, sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    ]


def _assert_json_lines(service: ServiceProcess) -> list[dict[str, object]]:
    lines = service.log_path.read_text().splitlines()
    assert lines, "the service wrote nothing"
    parsed = []
    for number, line in enumerate(lines, 1):
        try:
            parsed.append(json.loads(line))
        except ValueError:
            pytest.fail(f"line {number} of {service.log_path} is not JSON: {line[:300]}")
    return parsed


async def test_metrics_show_requests_by_route_consumer_lag_and_the_relay_catching_up(suite: Suite) -> None:
    signals = await suite.service("signals")
    ib, teacher = _staff(suite)
    async with httpx.AsyncClient(timeout=30) as http:
        pupil_id = await _register_pupil(http, signals.url, ib)
        for _ in range(2):
            await _record_signal(http, signals.url, teacher, pupil_id)
        missing = await http.get(f"{signals.url}/signals/{uuid.uuid4()}", headers=teacher)
        assert missing.status_code == 404
        await publish_raw(suite.infra.kafka, suite.topic(CASEWORK_EVENTS), b"not a contract event")

        async def caught_up() -> str | None:
            response = await http.get(f"{signals.url}/metrics")  # no token
            assert response.status_code == 200, response.text
            text = response.text
            relay_lag = _samples(text, "meldcode_relay_lag")
            lagging = [v for labels, v in relay_lag if labels["relay"] == "signals-events"]
            consumer_lag = [
                labels
                for labels, _ in _samples(text, "meldcode_consumer_lag")
                if labels["topic"] == suite.topic(CASEWORK_EVENTS)
            ]
            parked = _samples(text, "meldcode_dead_letters_parked_total")
            return text if lagging == [0.0] and len(consumer_lag) == 3 and parked else None

        text = await eventually(caught_up)

    requests = {
        (labels["handler"], labels["method"], labels["status"]): value
        for labels, value in _samples(text, "http_requests_total")
    }
    assert requests[("/pupils", "POST", "201")] == 1
    assert requests[("/pupils/{pupil_id}/signals", "POST", "201")] == 2
    assert requests[("/signals/{signal_id}", "GET", "404")] == 1
    assert _samples(text, "http_request_duration_seconds_count")

    lag = _samples(text, "meldcode_consumer_lag")
    group = f"{suite.topic_prefix}meldcode-signals"
    assert {(labels["group"], labels["partition"]) for labels, _ in lag} == {(group, p) for p in "012"}
    published = _samples(text, "meldcode_relay_published_total")
    assert sum(v for labels, v in published if labels["relay"] == "signals-events") >= 3
    assert _samples(text, "process_resident_memory_bytes")
    assert _samples(text, "meldcode_dead_letters_parked_total") == [
        ({"group": group, "topic": suite.topic(CASEWORK_EVENTS)}, 1.0)
    ]
    received = _samples(text, "faststream_received_messages_total")
    assert [labels["app_name"] for labels, value in received if value >= 1] == ["signals"]

    for personal in (pupil_id, "Sanne", "Jansen", "2013-05-14", "Blauwe plek"):
        assert personal not in text

    signals.stop()
    lines = _assert_json_lines(signals)
    assert any(line.get("logger") == "uvicorn.error" for line in lines), "library lines are JSON too"


async def test_the_trace_context_of_a_request_reaches_the_kafka_headers_of_its_event(suite: Suite) -> None:
    signals = await suite.service("signals")
    ib, _ = _staff(suite)
    trace_id = uuid.uuid4().hex
    traceparent = f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01"
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(
            f"{signals.url}/pupils",
            headers={**ib, "traceparent": traceparent},
            json={
                "school": "12AB",
                "pupil_number": uuid.uuid4().hex[:8],
                "given_name": "Sanne",
                "family_name": "Jansen",
                "date_of_birth": "2013-05-14",
            },
        )
        assert response.status_code == 201, response.text
        await _register_pupil(http, signals.url, ib)  # without a trace context

    messages = await read_topic(suite.infra.kafka, suite.topic(SIGNALS_EVENTS), expected=2)
    assert len(messages) == 2
    by_pupil = {str(suite.open_event(m["value"]).subject_id): m["headers"] for m in messages}
    traced = by_pupil[response.json()["pupil_id"]]
    version, carried_trace_id, span_id, _ = traced["traceparent"].decode().split("-")
    assert (version, carried_trace_id) == ("00", trace_id)
    assert len(span_id) == 16
    [untraced] = [h for pupil, h in by_pupil.items() if pupil != response.json()["pupil_id"]]
    assert "traceparent" not in untraced

    async def trace_contexts_left() -> bool:
        conn = await asyncpg.connect(suite.infra.database_url(f"{suite.isolation}_signals"))
        try:
            return await conn.fetchval("select count(*) from event_trace_context") == 0
        finally:
            await conn.close()

    await eventually(trace_contexts_left)  # the relay removes what it carried on

    signals.stop()
    _assert_json_lines(signals)


class _OtlpReceiver:
    """A minimal OTLP/HTTP trace receiver on a free local port: keeps every span it is sent."""

    def __init__(self) -> None:
        from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

        spans: list[tuple[str, str, int]] = []
        self.spans = spans

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                request = ExportTraceServiceRequest.FromString(body)
                for resource in request.resource_spans:
                    for scope in resource.scope_spans:
                        spans.extend((s.trace_id.hex(), s.name, s.kind) for s in scope.spans)
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


async def test_with_an_otlp_endpoint_the_request_and_the_relay_export_spans_of_one_trace(
    suite: Suite,
) -> None:
    receiver = _OtlpReceiver()
    try:
        signals = await suite.service(
            "signals", OTEL_EXPORTER_OTLP_ENDPOINT=receiver.url, OTEL_BSP_SCHEDULE_DELAY="100"
        )
        ib, _ = _staff(suite)
        trace_id = uuid.uuid4().hex
        async with httpx.AsyncClient(timeout=30) as http:
            response = await http.post(
                f"{signals.url}/pupils",
                headers={**ib, "traceparent": f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01"},
                json={
                    "school": "12AB",
                    "pupil_number": uuid.uuid4().hex[:8],
                    "given_name": "Sanne",
                    "family_name": "Jansen",
                    "date_of_birth": "2013-05-14",
                },
            )
            assert response.status_code == 201, response.text
        [message] = await read_topic(suite.infra.kafka, suite.topic(SIGNALS_EVENTS), expected=1)
        assert message["headers"]["traceparent"].decode().split("-")[1] == trace_id

        async def exported() -> set[str] | None:
            names = {name for t, name, _ in receiver.spans if t == trace_id}
            publish = f"{suite.topic(SIGNALS_EVENTS)} publish"
            return names if {"POST /pupils", publish} <= names else None

        await eventually(exported, timeout=10)
        assert "Sanne" not in str(receiver.spans)
        signals.stop()
        _assert_json_lines(signals)
    finally:
        receiver.close()
