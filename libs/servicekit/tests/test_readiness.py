"""Readiness decides on what a request needs (the database, the key store); Kafka is reported
beside it but does not decide: writes go on without Kafka (the event store is the outbox), and a
red probe would take the pods out of their Service in Kubernetes (ADR 13)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI

from meldcode_devauth.tokens import generate_key_pair
from meldcode_servicekit.permissions import COMMON, ServicePolicy
from meldcode_servicekit.settings import ServiceSettings
from meldcode_servicekit.web import create_app


def an_app(tmp_path: Path, *, database_up: bool, kafka_up: bool) -> FastAPI:
    _, public = generate_key_pair(tmp_path / "keys")

    async def database_reachable(_: FastAPI) -> bool:
        return database_up

    async def kafka_reachable(_: FastAPI) -> bool:
        return kafka_up

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield

    return create_app(
        ServiceSettings(auth_public_key_file=public),
        title="test",
        description="test",
        lifespan=lifespan,
        routers=[],
        readiness_checks=[database_reachable],
        reported_checks=[kafka_reachable],
        policy=ServicePolicy("test", COMMON),
    )


async def ready(app: FastAPI) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        return await http.get("/health/ready")


async def test_a_service_without_kafka_stays_ready_and_says_kafka_is_unreachable(tmp_path: Path) -> None:
    response = await ready(an_app(tmp_path, database_up=True, kafka_up=False))

    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database_reachable": True, "key_store_reachable": True},
        "reported": {"kafka_reachable": False},
    }


async def test_a_service_without_its_database_is_not_ready(tmp_path: Path) -> None:
    response = await ready(an_app(tmp_path, database_up=False, kafka_up=True))

    assert response.status_code == 503
    assert response.json()["checks"]["database_reachable"] is False
    assert response.json()["reported"] == {"kafka_reachable": True}
