"""Kafka plumbing: topics kept forever, the idempotent producer, readiness.

Every client takes a `KafkaConnection` (address, SASL principal, TLS; `settings.kafka`) or a bare
address of a broker without authentication."""

from __future__ import annotations

from collections.abc import Iterable

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from fastapi import FastAPI

from .kafka_connection import KafkaConnection, connection

EVENT_TOPIC_CONFIG = {"retention.ms": "-1", "cleanup.policy": "delete"}


async def ensure_topics(kafka: KafkaConnection | str, topics: Iterable[str], *, partitions: int = 3) -> None:
    """Create the topics if they are missing; events are kept forever so read models can be rebuilt."""
    admin = AIOKafkaAdminClient(**connection(kafka).client_options())
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in dict.fromkeys(topics) if t not in existing]
        if missing:
            new = [_new_topic(t, partitions) for t in missing]
            try:
                await admin.create_topics(new)
            except TopicAlreadyExistsError:
                pass  # another service created it at the same moment
    finally:
        await admin.close()


def _new_topic(name: str, partitions: int) -> NewTopic:
    """Replication factor -1 asks for the cluster's `default.replication.factor` (KIP-464): 1 on one
    local node, 3 on the replicated cluster (ADR 27), whose `min.insync.replicas` the topic also
    takes. aiokafka refuses -1 unless replica assignments are given: an empty mapping assigns none."""
    return NewTopic(name, partitions, -1, replica_assignments={}, topic_configs=EVENT_TOPIC_CONFIG)


def idempotent_producer(
    kafka: KafkaConnection | str, client_id: str, *, linger_ms: int = 5
) -> AIOKafkaProducer:
    """acks=all and enable_idempotence: a retried send is written once, in order per partition.
    The relays pass `linger_ms=0`: they send a whole batch before awaiting it, so what is sent in one
    go is batched anyway, and a lone event is not held back. Its request timeout is the
    connection's `producer_request_timeout_ms` (ADR 27)."""
    kafka = connection(kafka)
    return AIOKafkaProducer(
        **kafka.client_options(),
        request_timeout_ms=kafka.producer_request_timeout_ms,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=linger_ms,
    )


async def kafka_reachable(app: FastAPI) -> bool:
    admin = AIOKafkaAdminClient(**app.state.settings.kafka.client_options(), request_timeout_ms=2000)
    try:
        await admin.start()
        await admin.list_topics()
        return True
    finally:
        await admin.close()
