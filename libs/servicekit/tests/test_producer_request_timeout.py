"""The producers' request timeout is a setting (ADR 27): it bounds how long a write waits on a
broker lost without its connections being closed."""

from __future__ import annotations

import pytest

from meldcode_servicekit.kafka import idempotent_producer
from meldcode_servicekit.settings import ServiceSettings


async def test_the_producers_take_the_request_timeout_of_the_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KAFKA_PRODUCER_REQUEST_TIMEOUT_MS", "12000")
    settings = ServiceSettings()  # type: ignore[call-arg]
    producer = idempotent_producer(settings.kafka, "test-request-timeout")
    assert producer.client._request_timeout_ms == 12000  # not started: no broker is asked


async def test_without_the_setting_a_producer_waits_15_s_not_aiokafkas_40(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KAFKA_PRODUCER_REQUEST_TIMEOUT_MS", raising=False)
    producer = idempotent_producer(ServiceSettings().kafka, "test-request-timeout")  # type: ignore[call-arg]
    assert producer.client._request_timeout_ms == 15000


def test_a_request_timeout_under_a_second_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAFKA_PRODUCER_REQUEST_TIMEOUT_MS", "500")
    with pytest.raises(ValueError, match="greater than or equal to 1000"):
        ServiceSettings()  # type: ignore[call-arg]
