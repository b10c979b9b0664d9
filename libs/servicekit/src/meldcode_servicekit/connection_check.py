"""The event stores' check of a pooled connection before use, without a round trip when it is
plainly alive.

The pool's own check (`POSTGRES_PRE_PING`) sends an empty query on every checkout: one round trip
more for every statement, a third of a case's load (ADR 25). A connection whose server went away
(restarted, or its backend terminated) has something to read on its socket: the server's last
error message, or the end of the stream. Only then is the full check needed; a quiet socket of
an open connection is used as is. An outage still fails at once: a new connection cannot be made.
"""

from __future__ import annotations

import select
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool


def check_when_not_quiet(conn: psycopg.Connection[Any]) -> None:
    """Raise if the connection is not usable: closed, broken, or its socket has something to say
    and the pool's full check fails on it."""
    if conn.closed or conn.broken:
        raise psycopg.OperationalError("the pooled connection is closed")
    readable, _, _ = select.select([conn.fileno()], [], [], 0)
    if readable:
        ConnectionPool.check_connection(conn)


def check_cheaply(pool: ConnectionPool[Any]) -> None:
    """Use `check_when_not_quiet` as the check of a pool that checks connections before use."""
    # psycopg_pool takes the check only at construction (the library builds the pool): no setter
    if pool._check is not None:
        pool._check = check_when_not_quiet
