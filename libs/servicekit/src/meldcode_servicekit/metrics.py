"""Prometheus metrics of one service, served at `/metrics` (see docs/operations.md for the list).

Each app has its own registry (`ServiceMetrics`, made by `web.create_app`): HTTP requests by route
template (prometheus-fastapi-instrumentator, a pure ASGI middleware), FastStream's consumer
metrics (`KafkaPrometheusMiddleware`), and the Meldcode gauges and counters below. Gauges that
describe the state of a store or a consumer (lags, backlog) are measured when Prometheus scrapes,
by the `on_scrape` callbacks the relay and the consumer register, each bounded in time so
`/metrics` answers during an outage too. Labels hold names of routes, topics, groups and relays
only, never ids or values of requests: nothing personal.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.process_collector import ProcessCollector

from meldcode_edge.logging import get_logger

log = get_logger(__name__)

SCRAPE_REFRESH_TIMEOUT_SECONDS = 2.0
HTTP_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0)

Refresh = Callable[[], Awaitable[None]]


class ServiceMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        ProcessCollector(registry=self.registry)
        self.consumer_lag = Gauge(
            "meldcode_consumer_lag",
            "Messages on the partition not yet fetched by the consumer (highwater - position)",
            ["group", "topic", "partition"],
            registry=self.registry,
        )
        self.relay_lag = Gauge(
            "meldcode_relay_lag",
            "Notification ids in the event store after the position the relay recorded as published",
            ["relay"],
            registry=self.registry,
        )
        self.outbox_backlog = Gauge(
            "meldcode_outbox_backlog",
            "Rows of event_outbox not yet published",
            ["relay"],
            registry=self.registry,
        )
        self.relay_published = Counter(
            "meldcode_relay_published",
            "Events the relay published and the broker acknowledged",
            ["relay", "topic"],
            registry=self.registry,
        )
        self.unknown_events_skipped = Counter(
            "meldcode_consumer_unknown_events_skipped",
            "Messages of an event type this version does not know (a newer producer), skipped",
            ["group", "topic", "event_type"],
            registry=self.registry,
        )
        self.dead_letters_parked = Counter(
            "meldcode_dead_letters_parked",
            "Messages the consumer parked on its dead-letter topic",
            ["group", "topic"],
            registry=self.registry,
        )
        self.scrape_refresh_failures = Counter(
            "meldcode_metrics_refresh_failures",
            "Scrape-time measurements that failed or timed out (their gauges keep the last value)",
            ["measurement"],
            registry=self.registry,
        )
        self._refreshers: dict[str, Refresh] = {}

    def on_scrape(self, name: str, refresh: Refresh) -> Callable[[], None]:
        """Run `refresh` before each scrape; returns the function that stops it."""
        self._refreshers[name] = refresh

        def stop() -> None:
            self._refreshers.pop(name, None)

        return stop

    async def _refresh(self, name: str, refresh: Refresh) -> None:
        try:
            await asyncio.wait_for(refresh(), timeout=SCRAPE_REFRESH_TIMEOUT_SECONDS)
        except Exception as exc:
            self.scrape_refresh_failures.labels(name).inc()
            log.warning("metrics_refresh_failed", measurement=name, error_type=type(exc).__name__)

    async def render(self) -> bytes:
        await asyncio.gather(*(self._refresh(n, r) for n, r in list(self._refreshers.items())))
        return generate_latest(self.registry)


def metrics_of(app: FastAPI) -> ServiceMetrics | None:
    metrics: ServiceMetrics | None = getattr(app.state, "metrics", None)
    return metrics


def instrument_http(app: FastAPI, metrics: ServiceMetrics) -> None:
    """`http_requests_total{handler,method,status}` and `http_request_duration_seconds{handler,method}`
    (and sizes), by route template; `/metrics` and the health checks are left out."""
    from prometheus_fastapi_instrumentator import Instrumentator

    Instrumentator(
        should_group_status_codes=False,
        excluded_handlers=["/metrics", "/health/live", "/health/ready"],
        registry=metrics.registry,
    ).instrument(app, latency_lowr_buckets=HTTP_LATENCY_BUCKETS)
