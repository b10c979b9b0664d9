"""Kafka plumbing: topics kept forever, the idempotent producer, readiness."""

from __future__ import annotations

from collections.abc import Iterable

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from fastapi import FastAPI

EVENT_TOPIC_CONFIG = {"retention.ms": "-1", "cleanup.policy": "delete"}


async def ensure_topics(bootstrap: str, topics: Iterable[str], *, partitions: int = 3) -> None:
    """Create the topics if they are missing; events are kept forever so read models can be rebuilt."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in dict.fromkeys(topics) if t not in existing]
        if missing:
            new = [NewTopic(t, partitions, 1, topic_configs=EVENT_TOPIC_CONFIG) for t in missing]
            try:
                await admin.create_topics(new)
            except TopicAlreadyExistsError:
                pass  # another service created it at the same moment
    finally:
        await admin.close()


def idempotent_producer(bootstrap: str, client_id: str) -> AIOKafkaProducer:
    """acks=all and enable_idempotence: a retried send is written once, in order per partition."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
    )


async def kafka_reachable(app: FastAPI) -> bool:
    admin = AIOKafkaAdminClient(
        bootstrap_servers=app.state.settings.kafka_bootstrap_servers, request_timeout_ms=2000
    )
    try:
        await admin.start()
        await admin.list_topics()
        return True
    finally:
        await admin.close()
