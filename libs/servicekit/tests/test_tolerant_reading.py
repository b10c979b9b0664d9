"""A consumer on real Kafka and PostgreSQL reads what a newer producer writes: an extra field is
applied, an unknown event type is skipped and counted (nothing parked), and only an event at a major
version it cannot read is parked, to be replayed once the consumer is upgraded (ADR 15)."""

from __future__ import annotations

import json
import uuid

import asyncpg
import pytest

from meldcode_contracts import CaseOpened, Envelope, serialize_event
from meldcode_edge.db import apply_schema, create_pool
from meldcode_servicekit.consuming import CONSUMER_SCHEMA, EventConsumer, consumer_broker
from meldcode_servicekit.kafka import ensure_topics, idempotent_producer
from meldcode_servicekit.metrics import ServiceMetrics
from meldcode_servicekit.settings import ServiceSettings
from meldcode_testkit import Infrastructure, builders, eventually, publish_raw, read_topic

SOURCE = "meldcode.casework.events.v1"
CASE_ID = uuid.uuid4()


def case_opened() -> CaseOpened:
    return builders.case_opened(case_id=CASE_ID)


def rewritten(event: Envelope, **top: object) -> bytes:
    document = json.loads(serialize_event(event))
    document.update(top)
    document["payload"]["urgency"] = "hoog"  # a field a newer producer added
    return json.dumps(document).encode()


async def remember(conn: asyncpg.Connection, event: Envelope) -> None:
    await conn.execute("insert into handled (event_id) values ($1)", event.event_id)


@pytest.mark.infra
async def test_a_newer_producers_extra_fields_and_event_types_are_read_without_parking_anything(
    infrastructure: Infrastructure, isolation: str
) -> None:
    url = await infrastructure.create_database(f"{isolation}_tolerant")
    settings = ServiceSettings(
        database_url=url,
        kafka_bootstrap_servers=infrastructure.kafka,
        topic_prefix=f"{isolation}.",
        consumer_group_prefix=f"{isolation}.",
        consumer_max_attempts=1,
        consumer_retry_backoff_seconds=0,
    )
    pool = await create_pool(url)
    await apply_schema(pool, [*CONSUMER_SCHEMA, "create table handled (event_id uuid not null)"])
    metrics = ServiceMetrics()
    dlq_producer = idempotent_producer(infrastructure.kafka, "test-dlq")
    consumer = EventConsumer(
        settings=settings,
        service="reporting",
        topics=[SOURCE],
        handle=remember,
        pool=pool,
        dlq_producer=dlq_producer,
        metrics=metrics,
    )
    await ensure_topics(infrastructure.kafka, [*consumer.topics, consumer.dead_letter_topic])
    broker = consumer_broker(settings, "reporting")
    consumer.register(broker)
    extended, unknown, too_new, plain = case_opened(), case_opened(), case_opened(), case_opened()
    key = str(CASE_ID).encode()  # one partition: the four arrive in this order
    await dlq_producer.start()
    await broker.start()
    try:
        topic = settings.topic(SOURCE)
        await publish_raw(infrastructure.kafka, topic, rewritten(extended), key)
        await publish_raw(infrastructure.kafka, topic, rewritten(unknown, event_type="CaseArchived"), key)
        await publish_raw(infrastructure.kafka, topic, rewritten(too_new, schema_version="9.0"), key)
        await publish_raw(infrastructure.kafka, topic, serialize_event(plain), key)

        async def plain_handled() -> bool:
            return bool(
                await pool.fetchval("select count(*) from handled where event_id = $1", plain.event_id)
            )

        await eventually(plain_handled)
        handled = {row["event_id"] for row in await pool.fetch("select event_id from handled")}
        assert handled == {extended.event_id, plain.event_id}
        skipped = metrics.registry.get_sample_value(
            "meldcode_consumer_unknown_events_skipped_total",
            {"group": consumer.group_id, "topic": topic, "event_type": "CaseArchived"},
        )
        assert skipped == 1
        parked = await read_topic(infrastructure.kafka, consumer.dead_letter_topic, expected=2, timeout=3)
        assert [json.loads(m["value"])["event_id"] for m in parked] == [str(too_new.event_id)]
        assert dict(parked[0]["headers"])["x-error"].startswith(b"CaseOpened version 9.0 cannot be read")
    finally:
        await broker.stop()
        await dlq_producer.stop()
        await pool.close()
