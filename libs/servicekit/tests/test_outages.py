"""An outage of PostgreSQL, the key store or Kafka is refused with 503 and Retry-After, a write
that lost a race with 409; consumers classify the same errors as 'deliver again'. In-process, no I/O."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
import psycopg
import pytest
from aiokafka.errors import KafkaConnectionError
from eventsourcing.persistence import IntegrityError as StoreIntegrityError
from eventsourcing.persistence import OperationalError as StoreOperationalError
from fastapi import APIRouter, FastAPI
from psycopg_pool import PoolTimeout

from meldcode_devauth.tokens import generate_key_pair
from meldcode_edge.problems import PROBLEM_JSON
from meldcode_servicekit.outages import is_concurrent_write, is_infrastructure_error
from meldcode_servicekit.permissions import COMMON, RoutePolicy, Scope, ServicePolicy
from meldcode_servicekit.settings import ServiceSettings
from meldcode_servicekit.web import create_app


def wrapped_by_the_event_store(cause: Exception) -> StoreOperationalError:
    try:
        raise StoreOperationalError(str(cause)) from cause
    except StoreOperationalError as exc:
        return exc


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connect call failed"),
        TimeoutError(),
        PoolTimeout("couldn't get a connection after 1.50 sec"),
        psycopg.OperationalError("server closed the connection unexpectedly"),
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        wrapped_by_the_event_store(psycopg.OperationalError("connection refused")),
        KafkaConnectionError("Unable to bootstrap"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_errors_of_unreachable_infrastructure_are_outages(error: Exception) -> None:
    assert is_infrastructure_error(error)


@pytest.mark.parametrize(
    "error",
    [
        ValueError("bad input"),
        asyncpg.exceptions.UniqueViolationError("duplicate key"),
        asyncpg.exceptions.CharacterNotInRepertoireError("invalid byte sequence"),
        StoreIntegrityError("duplicate key value violates unique constraint"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_errors_of_the_request_or_message_itself_are_not_outages(error: Exception) -> None:
    assert not is_infrastructure_error(error)


def test_an_error_handled_before_is_not_taken_for_the_cause() -> None:
    def handle() -> None:
        try:
            raise ConnectionRefusedError()
        except ConnectionRefusedError:
            raise ValueError("bad input") from None

    with pytest.raises(ValueError, match="bad input") as raised:
        handle()
    assert not is_infrastructure_error(raised.value)


def test_a_taken_position_in_the_event_store_is_a_concurrent_write() -> None:
    assert is_concurrent_write(StoreIntegrityError("duplicate key"))
    assert is_concurrent_write(asyncpg.exceptions.UniqueViolationError("duplicate key"))
    assert not is_concurrent_write(ValueError())


def build_app(tmp_path: Path, raises: Exception) -> FastAPI:
    _, public = generate_key_pair(tmp_path / "keys")

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield

    router = APIRouter()

    @router.post("/write")
    async def write() -> None:
        raise raises

    return create_app(
        ServiceSettings(auth_public_key_file=public),
        title="test",
        description="test",
        lifespan=lifespan,
        routers=[router],
        readiness_checks=[],
        policy=ServicePolicy(
            "test", (*COMMON, RoutePolicy("POST", "/write", {}, "test", anonymous=Scope.PUBLIC))
        ),
    )


async def post(app: FastAPI) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        return await http.post("/write")


async def test_a_request_that_meets_a_database_outage_gets_503_with_retry_after(tmp_path: Path) -> None:
    response = await post(build_app(tmp_path, wrapped_by_the_event_store(PoolTimeout("no connection"))))
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["Retry-After"] == "5"
    assert response.json()["rule"] == "service-unavailable"


async def test_a_request_that_meets_a_key_store_outage_gets_503(tmp_path: Path) -> None:
    response = await post(build_app(tmp_path, psycopg.OperationalError("connection refused")))
    assert response.status_code == 503


async def test_a_write_that_lost_a_race_for_the_same_aggregate_gets_409(tmp_path: Path) -> None:
    response = await post(build_app(tmp_path, StoreIntegrityError("duplicate key value")))
    assert response.status_code == 409
    assert response.json()["rule"] == "concurrent-change"


async def test_any_other_database_error_is_still_a_500_without_internals(tmp_path: Path) -> None:
    response = await post(build_app(tmp_path, asyncpg.exceptions.UndefinedColumnError("column x of Jan")))
    assert response.status_code == 500
    assert "Jan" not in response.text
