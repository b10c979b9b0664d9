"""What counts as an outage of the infrastructure (PostgreSQL, the key store, Kafka).

One classification for both edges: an HTTP request that meets an outage answers 503 with
`Retry-After` (problems.py), a consumer leaves the message uncommitted so it is delivered again
instead of parking it (consuming.py). Errors are classified by their whole cause chain, because the
eventsourcing library wraps psycopg's errors in its own (`raise ... from`).
"""

from __future__ import annotations

from collections.abc import Iterator

import asyncpg
import psycopg
from aiokafka.errors import KafkaConnectionError, KafkaError, KafkaTimeoutError, NodeNotReadyError
from eventsourcing.persistence import InterfaceError as StoreInterfaceError
from eventsourcing.persistence import OperationalError as StoreOperationalError
from eventsourcing.persistence import PersistenceError, RecordConflictError

_OUTAGE_TYPES: tuple[type[Exception], ...] = (
    OSError,  # refused and reset connections, timeouts (TimeoutError is an OSError)
    psycopg.OperationalError,  # the key store; psycopg_pool.PoolTimeout is one too
    psycopg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    StoreOperationalError,  # the eventsourcing recorders' own
    StoreInterfaceError,
    KafkaConnectionError,
    KafkaTimeoutError,
    NodeNotReadyError,
)
# SQLSTATE classes that say the database, not the request or message, is the problem: connection
# (08), insufficient resources (53), operator intervention (57: shutdown, crash), system error (58),
# read-only after a failover (25006), and serialization/deadlock (40001, 40P01) that a retry resolves.
_OUTAGE_SQLSTATE_CLASSES = ("08", "53", "57", "58")
_OUTAGE_SQLSTATES = ("25006", "40001", "40P01")


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__  # explicit chaining only: a handled error is no cause


def _sqlstate(exc: BaseException) -> str | None:
    sqlstate = getattr(exc, "sqlstate", None)
    return sqlstate if isinstance(sqlstate, str) else None


def is_infrastructure_error(exc: BaseException) -> bool:
    """True when retrying later will help: the request or message is not at fault."""
    for cause in _causes(exc):
        if isinstance(cause, _OUTAGE_TYPES):
            return True
        sqlstate = _sqlstate(cause)
        if sqlstate and (sqlstate[:2] in _OUTAGE_SQLSTATE_CLASSES or sqlstate in _OUTAGE_SQLSTATES):
            return True
    return False


def is_concurrent_write(exc: BaseException) -> bool:
    """True when another request changed the same aggregate first (a unique position was taken)."""
    for cause in _causes(exc):
        if isinstance(cause, RecordConflictError | asyncpg.UniqueViolationError):
            return True
    return False


# The error types an HTTP edge maps (each then classified by `is_infrastructure_error` and
# `is_concurrent_write`): every database and broker error, so none falls through to a bare 500.
OUTAGE_ERROR_TYPES: tuple[type[Exception], ...] = (
    *_OUTAGE_TYPES,
    psycopg.Error,
    asyncpg.PostgresError,
    PersistenceError,
    RecordConflictError,
    KafkaError,
)
