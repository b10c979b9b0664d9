"""A consumer's offsets are committed at most once per interval, only ever for handled messages, and
what is pending is committed on a flush (real Kafka)."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from meldcode_servicekit.consuming import DeferredOffsetCommits
from meldcode_testkit import Infrastructure, eventually


async def _topic_with(bootstrap: str, topic: str, count: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for n in range(count):
            await producer.send_and_wait(topic, str(n).encode())
    finally:
        await producer.stop()


async def _handle_one(consumer: AIOKafkaConsumer, tp: TopicPartition) -> None:
    """What FastStream's consume loop does for a batch of one before the ack: take it from Kafka."""
    batch: dict[TopicPartition, list[object]] = {}
    while not batch:  # the first polls may come before the group assigned the partition
        batch = await consumer.getmany(timeout_ms=10_000, max_records=1)
    assert len(batch[tp]) == 1


async def test_the_first_ack_commits_at_once_later_ones_once_per_interval_and_flush_commits_the_rest(
    infrastructure: Infrastructure, isolation: str
) -> None:
    topic = f"{isolation}.deferred"
    await _topic_with(infrastructure.kafka, topic, 4)
    tp = TopicPartition(topic, 0)
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=infrastructure.kafka,
        group_id=f"{isolation}-group",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        committer = DeferredOffsetCommits(consumer, interval_seconds=1.0)
        await _handle_one(consumer, tp)
        await committer.commit()
        assert await consumer.committed(tp) == 1  # nothing committed for a while: at once

        await _handle_one(consumer, tp)
        await committer.commit()
        await _handle_one(consumer, tp)
        await committer.commit()
        assert await consumer.committed(tp) == 1  # within the interval: deferred

        async def committed_two_more() -> bool:
            return await consumer.committed(tp) == 3  # one commit of the newest snapshot

        await eventually(committed_two_more, timeout=10)

        await _handle_one(consumer, tp)  # taken from Kafka but not acked (still being handled)
        assert await consumer.committed(tp) == 3  # never past a message that was not acked
        await committer.commit()
        await committer.flush()  # what a stopping subscriber does
        assert await consumer.committed(tp) == 4
        await asyncio.sleep(0)  # no scheduled flush is left to run after the explicit one
        assert await consumer.committed(tp) == 4
    finally:
        await consumer.stop()


async def test_an_idle_committer_commits_nothing(infrastructure: Infrastructure, isolation: str) -> None:
    topic = f"{isolation}.idle"
    await _topic_with(infrastructure.kafka, topic, 1)
    tp = TopicPartition(topic, 0)
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=infrastructure.kafka,
        group_id=f"{isolation}-group",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        committer = DeferredOffsetCommits(consumer, interval_seconds=0.05)
        await committer.flush()
        assert await consumer.committed(tp) is None
    finally:
        await consumer.stop()
