"""The check of a pooled event-store connection before use: a quiet open connection passes, one
whose server end went away fails the check (and the pool replaces it)."""

from __future__ import annotations

import psycopg
import pytest

from meldcode_servicekit.connection_check import check_when_not_quiet
from meldcode_testkit import Infrastructure

pytestmark = pytest.mark.infra


def test_a_quiet_open_connection_passes_and_stays_usable(infrastructure: Infrastructure) -> None:
    with psycopg.connect(infrastructure.postgres_url, autocommit=True) as conn:
        conn.execute("select 1")
        check_when_not_quiet(conn)
        assert conn.execute("select 2").fetchone() == (2,)


def test_a_connection_whose_backend_was_terminated_fails_the_check(infrastructure: Infrastructure) -> None:
    with psycopg.connect(infrastructure.postgres_url, autocommit=True) as conn:
        pid = conn.info.backend_pid
        with psycopg.connect(infrastructure.postgres_url, autocommit=True) as other:
            terminated = other.execute("select pg_terminate_backend(%s, 5000)", (pid,)).fetchone()
        assert terminated == (True,)

        with pytest.raises(psycopg.OperationalError):
            check_when_not_quiet(conn)


def test_a_closed_connection_fails_the_check(infrastructure: Infrastructure) -> None:
    conn = psycopg.connect(infrastructure.postgres_url, autocommit=True)
    conn.close()
    with pytest.raises(psycopg.OperationalError):
        check_when_not_quiet(conn)
