"""Kafka authentication and authorisation: each service's principal writes only its own topics.

Against a real broker with SASL/SCRAM and the ACLs generated from the contracts' topic map
(`scram_kafka`, started by deploy/local/kafka.sh as `make run` does)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    TopicAuthorizationFailedError,
)
from confluent_kafka.admin import AclOperation, ResourceType
from faststream.kafka import KafkaMessage

from meldcode_contracts import ALL_TOPICS, SERVICE_TOPICS, SIGNALS_EVENTS, dead_letter_topic
from meldcode_servicekit.consuming import consumer_broker
from meldcode_servicekit.kafka import ensure_topics, idempotent_producer
from meldcode_servicekit.kafka_acls import all_acls, principal, service_acls
from meldcode_servicekit.kafka_connection import KafkaConnection
from meldcode_servicekit.settings import ServiceSettings
from meldcode_testkit import eventually
from meldcode_testkit.scram_kafka import ScramKafka

OTHERS_TOPICS = [
    (service, topic)
    for service, rights in SERVICE_TOPICS.items()
    for topic in (*ALL_TOPICS, *(dead_letter_topic(s) for s in SERVICE_TOPICS))
    if topic not in rights.writes
]


def test_a_principal_may_write_only_the_topics_the_contracts_give_its_service() -> None:
    for rights in SERVICE_TOPICS.values():
        acls = service_acls(rights, topic_prefix="p.")
        written = {a.name for a in acls if a.operation == AclOperation.WRITE}
        assert written == {f"p.{t}" for t in rights.writes}
        assert {a.principal for a in acls} == {principal(rights.service)}
        groups = [a for a in acls if a.restype == ResourceType.GROUP]
        assert [(g.name, g.operation) for g in groups] == [(f"meldcode-{rights.service}", AclOperation.READ)]
    assert len(all_acls()) == sum(len(service_acls(r)) for r in SERVICE_TOPICS.values())
    signals_writes = {
        a.name for a in service_acls(SERVICE_TOPICS["signals"]) if a.operation == AclOperation.WRITE
    }
    assert "meldcode.casework.events.v1" not in signals_writes


def test_sasl_without_a_principal_is_refused_at_startup() -> None:
    with pytest.raises(ValueError, match="KAFKA_SASL_USERNAME"):
        ServiceSettings(kafka_security_protocol="SASL_SSL").kafka  # noqa: B018


async def _produce(kafka: KafkaConnection, topic: str) -> None:
    producer = idempotent_producer(kafka, "test-kafka-auth")
    await producer.start()
    try:
        await producer.send_and_wait(topic, key=b"k", value=uuid.uuid4().bytes)
    finally:
        await producer.stop()


@pytest.fixture(scope="module")
async def all_topics_exist(scram_kafka: ScramKafka) -> None:
    """Created by the operator, so a refusal below is the ACL's and not a missing topic's."""
    await ensure_topics(
        scram_kafka.connection("admin"), [*ALL_TOPICS, *(dead_letter_topic(s) for s in SERVICE_TOPICS)]
    )


@pytest.mark.parametrize("service", list(SERVICE_TOPICS))
async def test_a_service_produces_to_its_own_topics(
    scram_kafka: ScramKafka, all_topics_exist: None, service: str
) -> None:
    for topic in SERVICE_TOPICS[service].writes:
        await _produce(scram_kafka.connection(service), topic)


@pytest.mark.parametrize(("service", "topic"), OTHERS_TOPICS)
async def test_a_service_cannot_produce_to_another_services_topic(
    scram_kafka: ScramKafka, all_topics_exist: None, service: str, topic: str
) -> None:
    with pytest.raises(TopicAuthorizationFailedError):
        await _produce(scram_kafka.connection(service), topic)


async def _join_and_read(consumer: AIOKafkaConsumer) -> None:
    await consumer.start()
    await consumer.getone()


async def test_a_service_reads_what_it_consumes_in_its_own_group_only(
    scram_kafka: ScramKafka, all_topics_exist: None
) -> None:
    casework = scram_kafka.connection("casework")
    await _produce(scram_kafka.connection("signals"), "meldcode.signals.events.v1")
    own = AIOKafkaConsumer(
        "meldcode.signals.events.v1",
        **casework.client_options(),
        group_id="meldcode-casework",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await own.start()
    try:
        assert await own.getone()
    finally:
        await own.stop()
    foreign = AIOKafkaConsumer(
        "meldcode.signals.events.v1", **casework.client_options(), group_id="meldcode-signals"
    )
    try:
        with pytest.raises(GroupAuthorizationFailedError):
            await _join_and_read(foreign)
    finally:
        await foreign.stop()


async def test_a_wrong_password_is_refused(scram_kafka: ScramKafka) -> None:
    real = scram_kafka.connection("signals")
    forged = KafkaConnection(
        real.bootstrap_servers, real.security_protocol, real.username, "not-the-password"
    )
    producer = AIOKafkaProducer(**forged.client_options(), request_timeout_ms=5000)
    with pytest.raises(KafkaConnectionError):
        await producer.start()
    await producer.stop()


async def test_the_services_faststream_consumer_authenticates_with_the_settings(
    scram_kafka: ScramKafka, all_topics_exist: None
) -> None:
    casework = scram_kafka.connection("casework")
    settings = ServiceSettings(
        kafka_bootstrap_servers=casework.bootstrap_servers,
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_username=casework.username,
        kafka_password=casework.password,
    )
    marker = uuid.uuid4().bytes
    received = asyncio.Event()
    broker = consumer_broker(settings, "casework")

    @broker.subscriber(SIGNALS_EVENTS, group_id="meldcode-casework", auto_offset_reset="latest")
    async def handle(message: KafkaMessage) -> None:
        if message.body == marker:
            received.set()

    await broker.start()
    try:
        producer = idempotent_producer(scram_kafka.connection("signals"), "test-kafka-auth")
        await producer.start()
        try:
            await eventually(lambda: _send_and_see(producer, marker, received), timeout=60)
        finally:
            await producer.stop()
    finally:
        await broker.stop()


async def _send_and_see(producer: AIOKafkaProducer, marker: bytes, received: asyncio.Event) -> bool:
    """Sends the marker (again: one sent before the group's first assignment at the latest offset
    is not read) and tells whether the consumer has seen one."""
    await producer.send_and_wait(SIGNALS_EVENTS, key=b"k", value=marker)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(received.wait(), timeout=1)
    return received.is_set()
