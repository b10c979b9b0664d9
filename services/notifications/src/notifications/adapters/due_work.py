"""One due-work queue for every table of work that waits for its time: e-mail to send, melding
documents to build, JGZ webhooks to deliver.

A row is due when it is still to do (`DueTable.pending`) and its `next_attempt_at` has come. The
queue claims one due row at a time (`for update skip locked`, so replicas run side by side) and
does it in its own transaction. The kind's `work` answers what happened:

- `Done`: the row gets the kind's closing columns, `attempts` counted and `last_error` cleared, in
  the same transaction as whatever else the work wrote (its event in the outbox).
- `Failed`, or any exception: nothing the work wrote stays (it ran in a savepoint); the attempt is
  counted, the error recorded (a class name or a short reason, never personal data) and the next
  attempt put off by the kind's capped exponential backoff with jitter. The row stays pending.
- `NotYet`: the row waits for something else until the given time; that is not an attempt.

A crash between an outside effect (the SMTP server or the JGZ partner accepted) and the commit
leaves the row pending, so it is done again after the restart; each kind says in its own module
how the receiver recognises the copy.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

import asyncpg

from meldcode_edge.logging import get_logger

from ..domain.webhooks import Backoff

log = get_logger(__name__)


@dataclass(frozen=True)
class DueTable:
    """Where one kind of due work waits. Constant SQL fragments only, never user input."""

    name: str
    key: str
    pending: str
    """The SQL condition of a row still to do (besides being due)."""
    failure_log: str
    """The log event of a failed attempt."""


@dataclass(frozen=True)
class Done:
    columns: Mapping[str, object] = field(default_factory=dict)
    """What the row records besides the attempts (its status, when it was done, ...)."""


@dataclass(frozen=True)
class Failed:
    error: str
    columns: Mapping[str, object] = field(default_factory=dict)
    """What the row records of the failed attempt besides the error (a status code, ...)."""


@dataclass(frozen=True)
class NotYet:
    until: datetime


Outcome = Done | Failed | NotYet
Work = Callable[[asyncpg.Connection, asyncpg.Record, int, datetime], Awaitable[Outcome]]
"""Does one claimed row: (connection, row, this attempt's number, now) -> what happened."""


@dataclass
class DueWorkQueue:
    pool: asyncpg.Pool
    table: DueTable
    work: Work
    backoff: Backoff
    batch: int = 100
    """At most this many rows per round, so one round ends even while new work keeps coming."""

    async def run_due(self, now: datetime) -> int:
        """Do what is due at `now`, one row per transaction; returns how many rows were done."""
        done = 0
        for _ in range(self.batch):
            outcome = await self._run_one(now)
            if outcome is None:
                break
            done += isinstance(outcome, Done)
        return done

    async def _run_one(self, now: datetime) -> Outcome | None:
        t = self.table
        async with self.pool.acquire() as proxy, proxy.transaction():
            conn = cast(asyncpg.Connection, proxy)
            row = await conn.fetchrow(
                f"""select * from {t.name} where {t.pending} and next_attempt_at <= $1
                    order by next_attempt_at, {t.key} limit 1 for update skip locked""",  # noqa: S608 - constant fragments only
                now,
            )
            if row is None:
                return None
            attempts = row["attempts"] + 1
            try:
                async with conn.transaction():
                    outcome = await self.work(conn, row, attempts, now)
                    if isinstance(outcome, Failed):
                        raise _Undo(outcome)
            except _Undo as undo:
                outcome = undo.failed
            except Exception as exc:
                outcome = Failed(type(exc).__name__)
            await self._record(conn, row[t.key], attempts, now, outcome)
            return outcome

    async def _record(
        self, conn: asyncpg.Connection, key: object, attempts: int, now: datetime, outcome: Outcome
    ) -> None:
        if isinstance(outcome, NotYet):
            columns: Mapping[str, object] = {"next_attempt_at": outcome.until}
        elif isinstance(outcome, Done):
            columns = {**outcome.columns, "attempts": attempts, "last_error": None}
        else:
            retry_at = self.backoff.next_attempt(now, attempts)
            columns = {
                **outcome.columns,
                "attempts": attempts,
                "next_attempt_at": retry_at,
                "last_error": outcome.error,
            }
            log.warning(
                self.table.failure_log,
                **{self.table.key: str(key)},
                attempts=attempts,
                error=outcome.error,
            )
        assignments = ", ".join(f"{name} = ${n}" for n, name in enumerate(columns, start=2))
        await conn.execute(
            f"update {self.table.name} set {assignments} where {self.table.key} = $1",  # noqa: S608 - constant fragments only
            key,
            *columns.values(),
        )


class _Undo(Exception):
    """Rolls the savepoint back on `Failed`: what the work wrote does not stay."""

    def __init__(self, failed: Failed) -> None:
        self.failed = failed
