"""How the services' PostgreSQL connections are pooled and kept alive (pydantic-settings).

The pool sizes decide the server's connection budget (docs/operations.md, capacity: replicas x
pools <= max_connections); the TCP keepalives decide how soon a connection to a server that was
lost with its network (a failover, a partition) is noticed, instead of the kernel's ~2 h (ADR 28).
One place per driver applies the keepalives: `asyncpg_keepalives` (the edge's `create_pool`) and
`libpq_keepalives` (the key store's and the event store's psycopg pools).
"""

from __future__ import annotations

import socket
from typing import Any, Self

import asyncpg
from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class PostgresConnections(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    db_pool_min: int = Field(
        default=1,
        ge=0,
        le=100,
        validation_alias=AliasChoices("MELDCODE_DB_POOL_MIN", "db_pool_min"),
        description="Connections the service's asyncpg pool keeps open when idle",
    )
    db_pool_max: int = Field(
        default=10,
        ge=1,
        le=100,
        validation_alias=AliasChoices("MELDCODE_DB_POOL_MAX", "db_pool_max"),
        description=(
            "Most connections of the service's asyncpg pool (HTTP reads, consumers, the outbox "
            "relay's lock and LISTEN), per replica"
        ),
    )
    eventstore_pool_size: int = Field(
        default=5,
        ge=1,
        le=100,
        validation_alias=AliasChoices("MELDCODE_EVENTSTORE_POOL_SIZE", "eventstore_pool_size"),
        description="Connections the event store's psycopg pool keeps (signals and casework), per replica",
    )
    eventstore_pool_overflow: int = Field(
        default=10,
        ge=0,
        le=100,
        validation_alias=AliasChoices("MELDCODE_EVENTSTORE_POOL_OVERFLOW", "eventstore_pool_overflow"),
        description="Connections the event store's pool may open beyond its size under load",
    )
    keystore_pool_max: int = Field(
        default=4,
        ge=1,
        le=100,
        validation_alias=AliasChoices("MELDCODE_KEYSTORE_POOL_MAX", "keystore_pool_max"),
        description="Most connections of the key store's psycopg pool, per replica (ADR 10)",
    )
    tcp_keepalives_idle_seconds: int = Field(
        default=30,
        ge=1,
        le=7200,
        validation_alias=AliasChoices("MELDCODE_DB_KEEPALIVES_IDLE_SECONDS", "tcp_keepalives_idle_seconds"),
        description="Quiet seconds on a PostgreSQL connection before TCP probes its peer (both ends)",
    )
    tcp_keepalives_interval_seconds: int = Field(
        default=10,
        ge=1,
        le=600,
        validation_alias=AliasChoices(
            "MELDCODE_DB_KEEPALIVES_INTERVAL_SECONDS", "tcp_keepalives_interval_seconds"
        ),
        description="Seconds between two unanswered keepalive probes",
    )
    tcp_keepalives_count: int = Field(
        default=3,
        ge=1,
        le=30,
        validation_alias=AliasChoices("MELDCODE_DB_KEEPALIVES_COUNT", "tcp_keepalives_count"),
        description="Unanswered probes after which the connection is given up",
    )
    tcp_user_timeout_ms: int = Field(
        default=60_000,
        ge=0,
        le=3_600_000,
        validation_alias=AliasChoices("MELDCODE_DB_TCP_USER_TIMEOUT_MS", "tcp_user_timeout_ms"),
        description=(
            "Milliseconds sent data may stay unacknowledged before the connection is given up (a "
            "query sent to a server that is gone, where keepalives do not probe); 0: the kernel's"
        ),
    )

    @model_validator(mode="after")
    def _min_within_max(self) -> Self:
        if self.db_pool_min > self.db_pool_max:
            raise ValueError("MELDCODE_DB_POOL_MIN must not exceed MELDCODE_DB_POOL_MAX")
        return self

    @property
    def per_replica(self) -> tuple[int, int]:
        """(without, with) an event store: the most connections one replica of a service opens."""
        plain = self.db_pool_max + self.keystore_pool_max
        return plain, plain + self.eventstore_pool_size + self.eventstore_pool_overflow


def libpq_keepalives(connections: PostgresConnections) -> dict[str, Any]:
    """libpq's connection parameters for the client's end (psycopg's `connect` keyword arguments)."""
    return {
        "keepalives": 1,
        "keepalives_idle": connections.tcp_keepalives_idle_seconds,
        "keepalives_interval": connections.tcp_keepalives_interval_seconds,
        "keepalives_count": connections.tcp_keepalives_count,
        "tcp_user_timeout": connections.tcp_user_timeout_ms,
    }


def server_keepalives(connections: PostgresConnections) -> dict[str, str]:
    """The same for the server's end of a session (GUCs, asyncpg's `server_settings`): a client lost
    with its network releases its connection slot and session locks (the relay's lock) in time."""
    return {
        "tcp_keepalives_idle": str(connections.tcp_keepalives_idle_seconds),
        "tcp_keepalives_interval": str(connections.tcp_keepalives_interval_seconds),
        "tcp_keepalives_count": str(connections.tcp_keepalives_count),
        "tcp_user_timeout": str(connections.tcp_user_timeout_ms),
    }


def set_socket_keepalives(sock: socket.socket, connections: PostgresConnections) -> None:
    """What libpq does with `libpq_keepalives`, on a socket of another driver (Linux's options)."""
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return  # a Unix socket has no peer to lose
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, connections.tcp_keepalives_idle_seconds)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, connections.tcp_keepalives_interval_seconds)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, connections.tcp_keepalives_count)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, connections.tcp_user_timeout_ms)


def asyncpg_keepalives(connections: PostgresConnections) -> type[asyncpg.Connection]:
    """An asyncpg connection class that sets the client's keepalives on its socket. asyncpg has no
    keepalive parameters (MagicStack/asyncpg#606, open); its maintainers point at the transport's
    socket, which the connection is given when it is made."""

    class KeptAliveConnection(asyncpg.Connection):
        def __init__(self, protocol: Any, transport: Any, *args: Any, **kwargs: Any) -> None:
            super().__init__(protocol, transport, *args, **kwargs)
            sock = transport.get_extra_info("socket")
            if sock is not None:
                set_socket_keepalives(sock, connections)

    return KeptAliveConnection
