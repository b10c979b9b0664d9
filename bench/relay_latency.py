"""Benchmark: the idle latency of the outbox relay and of a consumer, before and after wake-up.

One event at a time (an idle platform, not a load test) is saved through an eventsourcing
application into its PostgreSQL store; the servicekit `OutboxRelay` publishes it to Kafka and an
`EventConsumer` handles it into a table. For each event:

- written -> on Kafka: from the commit of the save to the record's CreateTime (set by the relay's
  producer when it sends);
- on Kafka -> consumed: from that CreateTime to the consumer's handler.

Both configurations run in the same process, one after the other:
- `before`: the relay polls every 50 ms, the consumer waits 100 ms after an empty poll (as
  before ADR 0025);
- `after`: the relay is woken by the store's NOTIFY (1 s safety poll) and its producer does not
  linger (was 5 ms), the consumer waits 10 ms in a poll and sleeps 10 ms after an empty one
  (FastStream's own batch subscriber, as after ADR 0025's round 1);
- `data_woken`: as `after`, and the consumer is woken by data (`DataWokenBatchSubscriber`: no
  sleep after an empty poll; the poll's wait is the default `consumer_poll_wait_ms`).

The bare anchor, in the same run: a raw aiokafka produce (acks=all) -> consume round trip.
Prints human lines and ends with one JSON line. Needs KAFKA_BOOTSTRAP_SERVERS and
MELDCODE_DATABASE_URL (a PostgreSQL where it may create and drop a database).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import anyio
import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from eventsourcing.domain import Aggregate, event
from faststream.kafka.subscriber.usecase import BatchSubscriber

from meldcode_contracts import Actor, CaseOpened, CaseOpenedPayload, Envelope, Role
from meldcode_edge.db import apply_schema, create_pool
from meldcode_servicekit.consuming import CONSUMER_SCHEMA, EventConsumer, consumer_broker
from meldcode_servicekit.eventstore import MeldcodeApplication
from meldcode_servicekit.kafka import ensure_topics, idempotent_producer
from meldcode_servicekit.outbox import RELAY_SCHEMA, OutboxRelay, contract_event_id
from meldcode_servicekit.settings import ServiceSettings


class Note(Aggregate):
    class Written(Aggregate.Created):
        text: str

    @event(Written)
    def __init__(self, text: str) -> None:
        self.text = text


class Notes(MeldcodeApplication):
    name = "notes"


def as_contract_event(domain_event: Any) -> CaseOpened:
    now = datetime.now(UTC)
    return CaseOpened(
        event_id=contract_event_id(domain_event.originator_id, domain_event.originator_version),
        occurred_at=now,
        recorded_at=now,
        tenant="swv-bench",
        school="99ZZ",
        subject_id=domain_event.originator_id,
        actor=Actor(user_id="bench", role=Role.INTERN_BEGELEIDER),
        correlation_id=domain_event.text,
        sequence=1,
        payload=CaseOpenedPayload(
            case_id=domain_event.originator_id,
            pupil_id=uuid.uuid4(),
            signal_ids=[uuid.uuid4()],
            case_owner_id="bench",
            opened_by="bench",
        ),
    )


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": round(statistics.median(ordered), 2),
        "p99": round(ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))], 2),
        "max": round(ordered[-1], 2),
    }


async def raw_round_trip(bootstrap: str, topic: str, events: int, interval: float) -> list[float]:
    """The anchor: produce (acks=all) -> consume of one small message at a time, in ms."""
    await ensure_topics(bootstrap, [topic], partitions=1)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="latest")
    await producer.start()
    await consumer.start()
    received: asyncio.Queue[float] = asyncio.Queue()

    async def consume() -> None:
        while True:
            batch = await consumer.getmany(timeout_ms=1000)
            for records in batch.values():
                for _ in records:
                    received.put_nowait(time.perf_counter())

    task = asyncio.create_task(consume())
    try:
        await producer.send_and_wait(topic, b"warm-up")
        await asyncio.wait_for(received.get(), 30)
        trips = []
        for _ in range(events):
            await asyncio.sleep(interval)
            sent = time.perf_counter()
            await producer.send_and_wait(topic, b"x" * 400)
            trips.append((await asyncio.wait_for(received.get(), 30) - sent) * 1000)
        return trips
    finally:
        task.cancel()
        await consumer.stop()
        await producer.stop()


async def platform_path(
    database_url: str,
    bootstrap: str,
    prefix: str,
    *,
    woken: bool,
    data_woken: bool,
    events: int,
    interval: float,
) -> dict[str, list[float]]:
    waits = {} if data_woken else {"consumer_poll_wait_ms": 10 if woken else 100}
    settings = ServiceSettings(
        database_url=database_url,
        kafka_bootstrap_servers=bootstrap,
        topic_prefix=prefix,
        consumer_group_prefix=prefix,
        **waits,  # type: ignore[arg-type]
    )
    pool = await create_pool(database_url)
    await apply_schema(pool, [*RELAY_SCHEMA, *CONSUMER_SCHEMA])
    app = await anyio.to_thread.run_sync(lambda: Notes(database_url))
    topic = settings.topic("notes")
    await ensure_topics(bootstrap, [topic], partitions=1)
    producer = idempotent_producer(bootstrap, "bench-relay", linger_ms=0 if woken else 5)
    dlq_producer = idempotent_producer(bootstrap, "bench-dlq")
    relay = OutboxRelay(
        name="bench-notes",
        application=app,
        translate=as_contract_event,
        topic=topic,
        producer=producer,
        pool=pool,
        idle_seconds=1.0 if woken else 0.05,
    )
    if not woken:
        relay._wake_channel = None  # the relay as it was: a poll every 50 ms, no LISTEN
    handled: asyncio.Queue[tuple[float, int]] = asyncio.Queue()
    kafka_ms: dict[uuid.UUID, int] = {}

    async def handle(conn: asyncpg.Connection, contract_event: Envelope) -> None:
        handled.put_nowait((time.time(), kafka_ms.pop(contract_event.event_id, 0)))

    consumer = EventConsumer(
        settings=settings,
        service="bench",
        topics=["notes"],
        handle=handle,
        pool=pool,
        dlq_producer=dlq_producer,
    )
    await ensure_topics(bootstrap, [*consumer.topics, consumer.dead_letter_topic])
    broker = consumer_broker(settings, "bench")
    consumer.register(broker)
    if not data_woken:
        (subscriber,) = broker.subscribers
        subscriber.__class__ = BatchSubscriber  # FastStream's own: sleeps after an empty poll
    original = consumer.process_batch

    async def process_batch(records: list[Any]) -> list[str]:
        for record in records:  # the relay's producer stamps CreateTime when it sends
            kafka_ms[contract_event_id_of(record)] = record.timestamp
        return await original(records)

    consumer.process_batch = process_batch  # type: ignore[method-assign]
    await producer.start()
    await dlq_producer.start()
    await broker.start()
    relaying = asyncio.create_task(relay.run())
    written_to_kafka, kafka_to_consumed = [], []
    try:
        for index in range(events + 1):  # the first one warms up (lock, assignment, connections)
            await asyncio.sleep(interval)
            note = Note(f"n{index}")
            await anyio.to_thread.run_sync(app.save, note)
            written = time.time()
            consumed, on_kafka_ms = await asyncio.wait_for(handled.get(), 60)
            if index:
                written_to_kafka.append(on_kafka_ms - written * 1000)
                kafka_to_consumed.append((consumed * 1000) - on_kafka_ms)
    finally:
        relay.stop()
        await relaying
        await broker.stop()
        await dlq_producer.stop()
        await producer.stop()
        app.close()
        await pool.close()
    return {"written_to_kafka": written_to_kafka, "kafka_to_consumed": kafka_to_consumed}


def contract_event_id_of(record: Any) -> uuid.UUID:
    return uuid.UUID(json.loads(record.value)["event_id"])


async def run(args: argparse.Namespace) -> dict[str, Any]:
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
    admin_url = os.environ.get("MELDCODE_DATABASE_URL", "postgresql://postgres@127.0.0.1:15432/postgres")
    run_id = uuid.uuid4().hex[:8]
    interval = args.interval_ms / 1000
    figures: dict[str, Any] = {"events": args.events, "interval_ms": args.interval_ms}
    trips = await raw_round_trip(bootstrap, f"bench-{run_id}.raw", args.events, interval)
    figures["raw_roundtrip_ms"] = summary(trips)
    print(f"raw produce->consume round trip: {figures['raw_roundtrip_ms']}")
    admin = await asyncpg.connect(admin_url)
    try:
        for name, woken, data_woken in (
            ("before", False, False),
            ("after", True, False),
            ("data_woken", True, True),
        ):
            database = f"bench_relay_{run_id}_{name}"
            await admin.execute(f'create database "{database}"')
            try:
                url = admin_url.rsplit("/", 1)[0] + f"/{database}"
                measured = await platform_path(
                    url,
                    bootstrap,
                    f"bench-{run_id}-{name}.",
                    woken=woken,
                    data_woken=data_woken,
                    events=args.events,
                    interval=interval,
                )
            finally:
                await admin.execute(f'drop database if exists "{database}" with (force)')
            figures[name] = {key: summary(values) for key, values in measured.items()}
            total = [
                a + b
                for a, b in zip(measured["written_to_kafka"], measured["kafka_to_consumed"], strict=True)
            ]
            figures[name]["written_to_consumed"] = summary(total)
            figures[name]["p50_vs_raw"] = round(
                figures[name]["written_to_consumed"]["p50"] / max(figures["raw_roundtrip_ms"]["p50"], 0.01), 1
            )
            print(f"{name}: {figures[name]}")
    finally:
        await admin.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=40, help="events per configuration")
    parser.add_argument("--interval-ms", type=float, default=150, help="pause before each event (idle)")
    figures = asyncio.run(run(parser.parse_args()))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
