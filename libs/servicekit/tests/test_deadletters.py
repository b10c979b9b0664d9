"""Dead letters on real Kafka and PostgreSQL: a consumer parks what it cannot handle; the operator
lists it (without its personal data), fixes the cause and replays it; the consumer then handles it
once, and a second replay does nothing."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from typing import Any

import asyncpg
import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from meldcode_contracts import CaseOpened, Envelope, serialize_event
from meldcode_edge.db import apply_schema, create_pool
from meldcode_servicekit.consuming import CONSUMER_SCHEMA, EventConsumer, consumer_broker
from meldcode_servicekit.deadletters import DeadLetters
from meldcode_servicekit.kafka import ensure_topics, idempotent_producer
from meldcode_servicekit.settings import ServiceSettings
from meldcode_servicekit.web import service_cli
from meldcode_testkit import Infrastructure, builders, eventually, publish_raw, read_topic

SOURCE = "meldcode.casework.events.v1"
POISON = b'{"event_type": "SignalRecorded", "payload": {"given_name": "Fatima", "family_name": "Yilmaz"}}'


def case_opened() -> CaseOpened:
    return builders.case_opened()


class FlakyProjection:
    """A handler with a cause an operator can fix: it fails while `broken` (think: a missing migration)."""

    def __init__(self) -> None:
        self.broken = True

    async def __call__(self, conn: asyncpg.Connection, event: Envelope) -> None:
        if self.broken:
            raise RuntimeError("projection table missing")
        await conn.execute("insert into handled (event_id) values ($1)", event.event_id)


def reporting_cli(settings: ServiceSettings, *args: str) -> Any:
    """`meldcode-reporting dead-letters ...` as the operator runs it: a process of its own."""
    result = subprocess.run(
        [sys.executable, "-m", "reporting.entrypoints.cli", "dead-letters", *args],
        env={
            **os.environ,
            "REPORTING_DATABASE_URL": settings.database_url,
            "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
            "MELDCODE_TOPIC_PREFIX": settings.topic_prefix,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout) if "--json" in args else result.stdout


@pytest.mark.infra
async def test_a_parked_event_is_listed_replayed_after_the_fix_handled_once_and_a_second_replay_does_nothing(
    infrastructure: Infrastructure, isolation: str
) -> None:
    url = await infrastructure.create_database(f"{isolation}_deadletters")
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
    projection = FlakyProjection()
    dlq_producer = idempotent_producer(infrastructure.kafka, "test-dlq")
    consumer = EventConsumer(
        settings=settings,
        service="reporting",
        topics=[SOURCE],
        handle=projection,
        pool=pool,
        dlq_producer=dlq_producer,
    )
    await ensure_topics(infrastructure.kafka, [*consumer.topics, consumer.dead_letter_topic])
    broker = consumer_broker(settings, "reporting")
    consumer.register(broker)
    event = case_opened()
    await dlq_producer.start()
    await broker.start()
    try:
        await publish_raw(infrastructure.kafka, settings.topic(SOURCE), POISON, b"k-1")
        await publish_raw(
            infrastructure.kafka,
            settings.topic(SOURCE),
            serialize_event(event),
            str(event.subject_id).encode(),
        )

        async def two_parked() -> Any:
            letters = await asyncio.to_thread(reporting_cli, settings, "list", "--json")
            return letters if len(letters) == 2 else None

        listed = await eventually(two_parked)
        as_text = json.dumps(listed)
        assert "Fatima" not in as_text and "Yilmaz" not in as_text
        [parked] = [d for d in listed if d["event_type"] == "CaseOpened"]
        assert parked["event_id"] == str(event.event_id)
        assert parked["error"] == "RuntimeError"
        assert parked["original_topic"] == settings.topic(SOURCE)
        assert isinstance(parked["original_offset"], int) and parked["replayed_at"] is None
        [poison] = [d for d in listed if d["event_type"] != "CaseOpened"]
        assert poison["event_type"] == "SignalRecorded" and poison["error"].startswith(
            "invalid contract event"
        )
        assert await pool.fetchval("select count(*) from handled") == 0

        projection.broken = False  # the operator fixes the cause
        where = ["--offset", str(parked["offset"]), "--partition", str(parked["partition"])]
        first = await asyncio.to_thread(reporting_cli, settings, "replay", *where)
        assert first.strip() == f"{parked['partition']}:{parked['offset']}  replayed"

        async def handled() -> int:
            return int(
                await pool.fetchval("select count(*) from handled where event_id = $1", event.event_id)
            )

        assert await eventually(handled) == 1
        second = await asyncio.to_thread(reporting_cli, settings, "replay", *where)
        assert second.strip() == f"{parked['partition']}:{parked['offset']}  already_replayed"
        await asyncio.sleep(2)  # time for a wrongly repeated replay to arrive and be handled
        assert await handled() == 1
        on_source = await read_topic(infrastructure.kafka, settings.topic(SOURCE), expected=4, timeout=3)
        assert len(on_source) == 3  # the poison message, the event, and its one replay
        [replayed] = [m for m in on_source if "x-replayed-from" in m["headers"]]
        assert replayed["value"] == serialize_event(event)
        assert replayed["key"] == str(event.subject_id).encode()
        assert (
            await pool.fetchval("select outcome from processed_events where event_id = $1", event.event_id)
            == "processed"
        )
        listed_again = await asyncio.to_thread(reporting_cli, settings, "list", "--json")
        [marked] = [d for d in listed_again if d["event_type"] == "CaseOpened"]
        assert marked["replayed_at"] is not None
    finally:
        await broker.stop()
        await dlq_producer.stop()
        await pool.close()


@pytest.mark.infra
async def test_replaying_a_dead_letter_that_is_not_there_or_ambiguous_is_refused_and_replays_nothing(
    infrastructure: Infrastructure, isolation: str
) -> None:
    url = await infrastructure.create_database(f"{isolation}_deadletters")
    settings = ServiceSettings(
        database_url=url, kafka_bootstrap_servers=infrastructure.kafka, topic_prefix=f"{isolation}."
    )
    cli = service_cli("testsvc", "a test service", lambda _: FastAPI(), lambda: settings)
    dead_letters = DeadLetters(settings, "testsvc")
    assert await dead_letters.parked() == []
    await ensure_topics(infrastructure.kafka, [dead_letters.topic])
    for key in (b"a", b"b", b"c", b"d", b"e", b"f"):  # offset 0 on more than one partition
        await publish_raw(
            infrastructure.kafka, dead_letters.topic, b"{}", key, headers=[("x-error", b"KeyError")]
        )
    runner = CliRunner()
    missing = await asyncio.to_thread(runner.invoke, cli, ["dead-letters", "replay", "--offset", "99"])
    ambiguous = await asyncio.to_thread(runner.invoke, cli, ["dead-letters", "replay", "--offset", "0"])
    neither = await asyncio.to_thread(runner.invoke, cli, ["dead-letters", "replay"])
    both = await asyncio.to_thread(runner.invoke, cli, ["dead-letters", "replay", "--offset", "0", "--all"])
    assert (missing.exit_code, ambiguous.exit_code, neither.exit_code, both.exit_code) == (1, 1, 2, 2)
    assert "--partition" in ambiguous.output
    everything = await asyncio.to_thread(runner.invoke, cli, ["dead-letters", "replay", "--all"])
    assert everything.exit_code == 0
    assert everything.output.count("no_original_topic") == 6  # nothing to send them back to
