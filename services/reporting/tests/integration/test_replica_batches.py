"""Two replicas of reporting's live consumer, each with a batch from its own partitions, on one
database: a case's events sit on several topics, so both batches name the same cases, in another
order. Each batch takes its case locks up front in one order (`lock_batch`), so the second waits
for the first instead of deadlocking (which rolled a whole batch back to be delivered again)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka.structs import ConsumerRecord

from meldcode_contracts import Envelope, serialize_event
from meldcode_edge.db import apply_schema, create_pool
from meldcode_edge.migrations import migrate_pool
from meldcode_servicekit.consuming import CONSUMER_SCHEMA, EventConsumer
from meldcode_servicekit.kafka import idempotent_producer
from meldcode_servicekit.settings import ServiceSettings
from meldcode_testkit import Infrastructure
from meldcode_testkit.builders import Events, Notices, at
from reporting.adapters.migrations import MIGRATIONS
from reporting.entrypoints.consumer import handle_event, lock_batch

pytestmark = pytest.mark.infra


def records(events: list[Envelope], topic: str, partition: int) -> list[ConsumerRecord[bytes, bytes]]:
    return [
        ConsumerRecord(
            topic=topic,
            partition=partition,
            offset=offset,
            timestamp=0,
            timestamp_type=0,
            key=str(event.subject_id).encode(),
            value=serialize_event(event),
            checksum=None,
            serialized_key_size=36,
            serialized_value_size=0,
            headers=(),
        )
        for offset, event in enumerate(events)
    ]


async def test_two_replicas_batches_naming_the_same_cases_in_another_order_both_commit(
    infrastructure: Infrastructure, isolation: str, events: Events, notices: Notices
) -> None:
    url = await infrastructure.create_database(f"{isolation}_replicas")
    settings = ServiceSettings(database_url=url, kafka_bootstrap_servers=infrastructure.kafka)
    pools = [await create_pool(url) for _ in range(2)]
    await apply_schema(pools[0], CONSUMER_SCHEMA)
    await migrate_pool(pools[0], MIGRATIONS)
    producer = idempotent_producer(infrastructure.kafka, "unused-dlq")  # never started: nothing is parked
    replicas = [
        EventConsumer(
            settings=settings,
            service="reporting",
            topics=["meldcode.notifications.events.v1"],
            handle=handle_event,
            pool=pool,
            dlq_producer=producer,
            lock_batch=lock_batch,
        )
        for pool in pools
    ]
    cases: list[uuid.UUID] = []
    opened: list[Envelope] = []
    for n in range(40):
        pupil_id = events.pupil().payload.pupil_id
        case = events.case(pupil_id, [uuid.uuid4()], when=at(n))
        cases.append(case.payload.case_id)
        opened.append(case)
    try:
        assert set(await replicas[0].process_batch(records(opened, "casework", 0))) == {"processed"}
        one = [notices.document(c, None, when=at(100 + n)) for n, c in enumerate(cases)]
        other = [notices.reminder(c, None, when=at(200 + n)) for n, c in enumerate(reversed(cases))]

        outcomes = await asyncio.wait_for(
            asyncio.gather(
                replicas[0].process_batch(records(one, "notifications", 0)),
                replicas[1].process_batch(records(other, "notifications", 1)),
            ),
            timeout=60,
        )

        assert [set(o) for o in outcomes] == [{"processed"}, {"processed"}]
        given_their_pupil = await pools[0].fetchval(
            "select count(*) from chronology where event_id = any($1::uuid[]) and pupil_id is not null",
            [e.event_id for e in one + other],
        )
        assert given_their_pupil == 2 * len(cases)
    finally:
        await producer.stop()
        for pool in pools:
            await pool.close()
