"""The consumer side of a trace, on real PostgreSQL and Kafka: an event enqueued into the outbox
table while a consumed message is handled carries that message's trace on, and the backlog gauge
follows the rows the relay has not published yet."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from meldcode_contracts import Actor, CaseOpened, CaseOpenedPayload, Role
from meldcode_edge.db import apply_schema, create_pool
from meldcode_servicekit.kafka import ensure_topics, idempotent_producer
from meldcode_servicekit.metrics import ServiceMetrics
from meldcode_servicekit.table_outbox import TABLE_OUTBOX_SCHEMA, TableOutboxRelay, enqueue_event
from meldcode_servicekit.tracing import consuming_span
from meldcode_testkit import Infrastructure, read_topic


def case_opened(sequence: int) -> CaseOpened:
    case_id = uuid.uuid4()
    return CaseOpened(
        event_id=uuid.uuid4(),
        occurred_at=datetime.now(UTC),
        recorded_at=datetime.now(UTC),
        tenant="swv-zuid",
        school="12AB",
        subject_id=case_id,
        actor=Actor(user_id="ib-1", role=Role.INTERN_BEGELEIDER),
        correlation_id="c1",
        sequence=sequence,
        payload=CaseOpenedPayload(
            case_id=case_id,
            pupil_id=uuid.uuid4(),
            signal_ids=[uuid.uuid4()],
            case_owner_id="ib-1",
            opened_by="ib-1",
        ),
    )


@pytest.mark.infra
async def test_an_event_enqueued_while_a_message_is_handled_carries_its_trace_to_kafka(
    infrastructure: Infrastructure, isolation: str
) -> None:
    pool = await create_pool(await infrastructure.create_database(f"{isolation}_table_outbox"))
    await apply_schema(pool, TABLE_OUTBOX_SCHEMA)
    topic = f"{isolation}.notices"
    await ensure_topics(infrastructure.kafka, [topic], partitions=1)
    producer = idempotent_producer(infrastructure.kafka, "test-table-relay")
    await producer.start()
    metrics = ServiceMetrics()
    relay = TableOutboxRelay(name="notices", producer=producer, pool=pool, metrics=metrics)
    trace_id = uuid.uuid4().hex
    consumed = SimpleNamespace(
        topic=f"{isolation}.casework",
        partition=0,
        offset=7,
        headers=[("traceparent", f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01".encode())],
    )
    try:
        async with pool.acquire() as conn:
            with consuming_span(consumed):
                await enqueue_event(conn, topic, case_opened)
            await enqueue_event(conn, topic, case_opened)  # outside any trace

        await relay.measure_backlog()
        assert metrics.registry.get_sample_value("meldcode_outbox_backlog", {"relay": "notices"}) == 2
        assert await relay.relay_once() == 2
        await relay.measure_backlog()
        assert metrics.registry.get_sample_value("meldcode_outbox_backlog", {"relay": "notices"}) == 0
        assert (
            metrics.registry.get_sample_value(
                "meldcode_relay_published_total", {"relay": "notices", "topic": topic}
            )
            == 2
        )

        first, second = await read_topic(infrastructure.kafka, topic, expected=2)
        assert first["headers"]["traceparent"].decode().split("-")[1] == trace_id
        assert "traceparent" not in second["headers"]
    finally:
        await producer.stop()
        await pool.close()
