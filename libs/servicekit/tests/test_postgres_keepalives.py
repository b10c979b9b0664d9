"""Every PostgreSQL connection the services open is sized and kept alive by the settings (ADR 28):
the asyncpg pool (both ends of its TCP connection), the key store's and the event store's psycopg
pools (libpq's keepalives on the client's socket)."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest
from eventsourcing.utils import Environment
from pydantic import ValidationError

from meldcode_edge.db import connect, create_pool
from meldcode_edge.postgres_connections import PostgresConnections
from meldcode_servicekit.eventstore import FailFastFactory, postgres_env
from meldcode_servicekit.keystore import KeyStore
from meldcode_servicekit.settings import ServiceSettings
from meldcode_testkit import Infrastructure

# values unlike the defaults and the kernel's, so a match is the setting's doing
CONNECTIONS = PostgresConnections(
    db_pool_min=2,
    db_pool_max=3,
    eventstore_pool_size=2,
    eventstore_pool_overflow=1,
    keystore_pool_max=2,
    tcp_keepalives_idle_seconds=41,
    tcp_keepalives_interval_seconds=7,
    tcp_keepalives_count=4,
    tcp_user_timeout_ms=23_000,
)
CLIENT_SIDE = {
    (socket.SOL_SOCKET, socket.SO_KEEPALIVE): 1,
    (socket.IPPROTO_TCP, socket.TCP_KEEPIDLE): 41,
    (socket.IPPROTO_TCP, socket.TCP_KEEPINTVL): 7,
    (socket.IPPROTO_TCP, socket.TCP_KEEPCNT): 4,
    (socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT): 23_000,
}

SERVER_SIDE = ("tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count", "tcp_user_timeout")


def client_side(fd: int) -> dict[tuple[int, int], int]:
    with socket.socket(fileno=os.dup(fd)) as sock:
        return {(level, option): sock.getsockopt(level, option) for level, option in CLIENT_SIDE}


def test_the_defaults_are_the_sizes_the_code_had_and_bounds_are_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in os.environ:
        if name.startswith(("MELDCODE_DB_", "MELDCODE_EVENTSTORE_", "MELDCODE_KEYSTORE_POOL")):
            monkeypatch.delenv(name)
    settings = ServiceSettings()
    assert (settings.db_pool_min, settings.db_pool_max, settings.keystore_pool_max) == (1, 10, 4)
    assert (settings.eventstore_pool_size, settings.eventstore_pool_overflow) == (5, 10)
    assert settings.per_replica == (14, 29)
    with pytest.raises(ValidationError):
        ServiceSettings(db_pool_max=0)
    with pytest.raises(ValidationError):
        ServiceSettings(db_pool_min=5, db_pool_max=4)
    with pytest.raises(ValidationError):
        ServiceSettings(tcp_keepalives_idle_seconds=0)


def test_the_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MELDCODE_DB_POOL_MAX", "25")
    monkeypatch.setenv("MELDCODE_KEYSTORE_POOL_MAX", "6")
    monkeypatch.setenv("MELDCODE_DB_KEEPALIVES_IDLE_SECONDS", "15")
    settings = ServiceSettings()
    assert (settings.db_pool_max, settings.keystore_pool_max, settings.tcp_keepalives_idle_seconds) == (
        25,
        6,
        15,
    )


@pytest.mark.infra
async def test_the_asyncpg_pool_is_sized_and_kept_alive_at_both_ends(infrastructure: Infrastructure) -> None:
    pool = await create_pool(infrastructure.postgres_url, connections=CONNECTIONS)
    try:
        assert (pool.get_min_size(), pool.get_max_size()) == (2, 3)
        async with pool.acquire() as conn:
            server = [await conn.fetchval(f"show {name}") for name in SERVER_SIDE]
            # asyncpg keeps the transport private; the socket is what the settings changed
            fd = conn._con._transport.get_extra_info("socket").fileno()
            assert client_side(fd) == CLIENT_SIDE
        assert server == ["41", "7", "4", "23000"]
    finally:
        await pool.close()


@pytest.mark.infra
async def test_a_lone_connection_holding_a_session_lock_is_kept_alive_too(
    infrastructure: Infrastructure,
) -> None:
    conn = await connect(infrastructure.postgres_url, connections=CONNECTIONS)
    try:
        assert await conn.fetchval("show tcp_keepalives_idle") == "41"
        assert client_side(conn._transport.get_extra_info("socket").fileno()) == CLIENT_SIDE
    finally:
        await conn.close()


@pytest.fixture
def key_store(infrastructure: Infrastructure) -> Iterator[KeyStore]:
    store = KeyStore(infrastructure.postgres_url, os.urandom(32), connections=CONNECTIONS)
    try:
        yield store
    finally:
        store.close()


@pytest.mark.infra
def test_the_key_stores_pool_is_sized_and_kept_alive(key_store: KeyStore) -> None:
    pool = key_store._pool
    assert pool.max_size == 2
    with pool.connection() as conn:
        parameters = conn.info.get_parameters()
        assert client_side(conn.pgconn.socket) == CLIENT_SIDE
    assert {k: parameters.get(k) for k in ("keepalives", "keepalives_idle", "keepalives_interval")} == {
        "keepalives": "1",
        "keepalives_idle": "41",
        "keepalives_interval": "7",
    }


@pytest.mark.infra
def test_the_event_stores_pool_is_sized_and_kept_alive(infrastructure: Infrastructure) -> None:
    factory = FailFastFactory(Environment(env=postgres_env(infrastructure.postgres_url, CONNECTIONS)))
    pool = factory.datastore.pool
    try:
        assert (pool.min_size, pool.max_size) == (2, 3)
        with factory.datastore.get_connection() as conn:  # opens the pool, as the recorders do
            assert conn.info.get_parameters()["keepalives_count"] == "4"
            assert client_side(conn.pgconn.socket) == CLIENT_SIDE
    finally:
        factory.close()
