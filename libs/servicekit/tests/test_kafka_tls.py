"""Kafka over TLS: the services' SCRAM principals log in over SASL_SSL, trusting the configured CA.

Against a real broker whose client listener is SASL_SSL with a certificate of its own local CA
(`tls_kafka`, started by deploy/local/kafka.sh with MELDCODE_KAFKA_AUTH=scram MELDCODE_KAFKA_TLS=1)."""

from __future__ import annotations

import asyncio
import logging
import uuid

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError
from faststream.kafka import KafkaMessage

from meldcode_contracts import SIGNALS_EVENTS
from meldcode_servicekit.consuming import consumer_broker
from meldcode_servicekit.kafka import ensure_topics, idempotent_producer
from meldcode_servicekit.kafka_connection import KafkaConnection
from meldcode_servicekit.settings import ServiceSettings
from meldcode_testkit.scram_kafka import ScramKafka


async def test_a_service_produces_and_consumes_over_sasl_ssl_trusting_the_ca(tls_kafka: ScramKafka) -> None:
    signals, casework = tls_kafka.connection("signals"), tls_kafka.connection("casework")
    assert (casework.security_protocol, casework.ssl_cafile) == ("SASL_SSL", tls_kafka.ca_file)
    await ensure_topics(tls_kafka.connection("admin"), [SIGNALS_EVENTS])
    # The consumer is built as a service builds it, from its KAFKA_* settings.
    settings = ServiceSettings(
        kafka_bootstrap_servers=casework.bootstrap_servers,
        kafka_security_protocol="SASL_SSL",
        kafka_username=casework.username,
        kafka_password=casework.password,
        kafka_ssl_cafile=casework.ssl_cafile,
    )
    marker = uuid.uuid4().bytes
    received = asyncio.Event()
    broker = consumer_broker(settings, "casework")

    @broker.subscriber(SIGNALS_EVENTS, group_id="meldcode-casework", auto_offset_reset="earliest")
    async def handle(message: KafkaMessage) -> None:
        if message.body == marker:
            received.set()

    producer = idempotent_producer(signals, "test-kafka-tls")
    await producer.start()
    try:
        await producer.send_and_wait(SIGNALS_EVENTS, key=b"k", value=marker)
    finally:
        await producer.stop()
    await broker.start()
    try:
        await asyncio.wait_for(received.wait(), timeout=60)
    finally:
        await broker.stop()


async def _start_producer(kafka: KafkaConnection) -> None:
    producer = AIOKafkaProducer(**kafka.client_options(), request_timeout_ms=5000)
    try:
        await producer.start()
    finally:
        await producer.stop()


async def test_a_client_that_does_not_trust_the_ca_is_refused(
    tls_kafka: ScramKafka, caplog: pytest.LogCaptureFixture
) -> None:
    real = tls_kafka.connection("signals")
    untrusting = KafkaConnection(real.bootstrap_servers, "SASL_SSL", real.username, real.password)
    assert untrusting.ssl_cafile is None  # the system's CAs only
    with caplog.at_level(logging.ERROR, logger="aiokafka"), pytest.raises(KafkaConnectionError):
        await _start_producer(untrusting)
    assert "CERTIFICATE_VERIFY_FAILED" in caplog.text


@pytest.mark.parametrize("protocol", ["SASL_PLAINTEXT", "PLAINTEXT"])
async def test_a_plaintext_client_on_the_tls_port_fails(tls_kafka: ScramKafka, protocol: str) -> None:
    real = tls_kafka.connection("signals")
    plaintext = KafkaConnection(real.bootstrap_servers, protocol, real.username, real.password)
    with pytest.raises(KafkaConnectionError):
        await _start_producer(plaintext)
