"""What the retention job reads and keeps in signals' database.

`retention_departures` holds one row per pupil who left school (`Pupil.Deregistered`): tenant,
school, `left_on`, and `erased_on` once `Pupil.PersonalDataErased` is stored. It is caught up from
the event store's notification log (only those two event topics, from the last position), so a run
costs what happened since the previous one plus the pupils whose term has passed, never a scan of
every pupil or event; the event store stays the source of truth and the table can be dropped and
rebuilt from position 0. (Notification ids commit in order: eventsourcing locks the events table
while inserting, so nothing below a read position can appear later.)

`retention_runs` records each run with counts only, no personal data. `PostgresRetentionStore`
is what the retention use case sees of all this (and of `pupil_cases`), with the run's lock.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import date
from typing import Any, cast

import anyio
import asyncpg
from eventsourcing.application import Application
from eventsourcing.utils import get_topic

from ..domain.pupil import Pupil
from ..domain.retention import RetentionCandidate, RetentionTerms, RunCounts
from . import open_cases
from .notification_log import read_since

DEPARTURES = "departures"
DEPARTURE_TOPICS = (get_topic(Pupil.Deregistered), get_topic(Pupil.PersonalDataErased))
RETENTION_LOCK = "signals-retention"
"""Name of the session advisory lock (hashtext) under which one retention run works at a time."""


async def position(conn: asyncpg.Connection | asyncpg.Pool) -> int:
    value = await conn.fetchval("select position from retention_position where name = $1", DEPARTURES)
    return int(value or 0)


async def catch_up(pool: asyncpg.Pool, application: Application[Any], *, batch_size: int = 500) -> int:
    """Apply the departures and erasures stored since the last position; returns how many."""
    applied = 0
    start = await position(pool)
    while True:
        reached, events = await anyio.to_thread.run_sync(
            read_since, application, start, batch_size, DEPARTURE_TOPICS
        )
        if reached <= start:
            return applied
        async with pool.acquire() as proxy, proxy.transaction():
            conn = cast(asyncpg.Connection, proxy)
            for event in events:
                await _apply(conn, event)
            await conn.execute(
                """insert into retention_position (name, position) values ($1, $2)
                   on conflict (name) do update
                   set position = greatest(retention_position.position, excluded.position), updated_at = now()""",
                DEPARTURES,
                reached,
            )
        applied += len(events)
        start = reached


async def _apply(conn: asyncpg.Connection, event: Any) -> None:
    if isinstance(event, Pupil.Deregistered):
        await conn.execute(
            """insert into retention_departures (pupil_id, tenant, school, left_on) values ($1, $2, $3, $4)
               on conflict (pupil_id) do update set left_on = excluded.left_on""",
            event.originator_id,
            event.tenant,
            event.school,
            event.left_on,
        )
    elif isinstance(event, Pupil.PersonalDataErased):
        # A pupil erased while still at school has no row: it can never leave school afterwards.
        await mark_erased(conn, event.originator_id, event.erased_on)


async def mark_erased(conn: asyncpg.Connection | asyncpg.Pool, pupil_id: uuid.UUID, erased_on: date) -> None:
    await conn.execute(
        "update retention_departures set erased_on = coalesce(erased_on, $2) where pupil_id = $1",
        pupil_id,
        erased_on,
    )


def _bounds(terms: RetentionTerms, today: date) -> tuple[list[str], list[date], date]:
    tenants = sorted(terms.per_tenant)
    return (
        tenants,
        [terms.per_tenant[t].latest_due_left_on(today) for t in tenants],
        terms.default.latest_due_left_on(today),
    )


# Departures not yet erased whose tenant's bound ($1 tenants, $2 their bounds, $3 the default) has
# passed: the candidates of a run, and what `count_candidates` counts for the run's progress.
DEPARTURES_PAST_THEIR_BOUND = """from retention_departures d
            left join unnest($1::text[], $2::date[]) as t(tenant, bound) on t.tenant = d.tenant
            where d.erased_on is null
              and d.left_on <= coalesce(t.bound, $3)"""


async def count_candidates(
    conn: asyncpg.Connection | asyncpg.Pool, terms: RetentionTerms, today: date
) -> int:
    """How many candidates a run starting now will look at (for its progress)."""
    tenants, bounds, default_bound = _bounds(terms, today)
    count = await conn.fetchval(
        f"select count(*) {DEPARTURES_PAST_THEIR_BOUND}", tenants, bounds, default_bound
    )
    return int(count or 0)


async def candidates(
    conn: asyncpg.Connection | asyncpg.Pool,
    terms: RetentionTerms,
    today: date,
    *,
    after: uuid.UUID | None = None,
    limit: int = 100,
) -> list[RetentionCandidate]:
    """Pupils not yet erased whose term may have passed (each tenant's own bound), in pupil id
    order from `after` on; the domain rule decides about each one."""
    tenants, bounds, default_bound = _bounds(terms, today)
    rows = await conn.fetch(
        f"""select d.pupil_id, d.tenant, d.left_on, d.erased_on is not null as erased,
                   exists (select 1 from pupil_cases c where c.pupil_id = d.pupil_id and c.is_open)
                       as has_open_case
            {DEPARTURES_PAST_THEIR_BOUND}
              and d.pupil_id > $4
            order by d.pupil_id
            limit $5""",  # noqa: S608 (a constant of this module; values are parameters)
        tenants,
        bounds,
        default_bound,
        after or uuid.UUID(int=0),
        limit,
    )
    return [
        RetentionCandidate(
            pupil_id=row["pupil_id"],
            tenant=row["tenant"],
            left_on=row["left_on"],
            erased=row["erased"],
            has_open_case=row["has_open_case"],
        )
        for row in rows
    ]


async def start_run(
    conn: asyncpg.Connection | asyncpg.Pool, run_id: uuid.UUID, *, trigger: str, dry_run: bool, today: date
) -> None:
    await conn.execute(
        "insert into retention_runs (run_id, trigger, dry_run, today) values ($1, $2, $3, $4)",
        run_id,
        trigger,
        dry_run,
        today,
    )


async def finish_run(conn: asyncpg.Connection | asyncpg.Pool, run_id: uuid.UUID, counts: RunCounts) -> None:
    await conn.execute(
        """update retention_runs set finished_at = now(), candidates = $2, due = $3, erased = $4,
               kept_case_open = $5, failed = $6
           where run_id = $1""",
        run_id,
        counts.candidates,
        counts.due,
        counts.erased,
        counts.kept_case_open,
        counts.failed,
    )


async def run_is_due(conn: asyncpg.Connection | asyncpg.Pool, interval_seconds: float) -> bool:
    """Whether the last completed run (not a dry run) is at least `interval_seconds` ago, by the
    database's clock, so replicas and restarts agree."""
    due: bool = await conn.fetchval(
        """select coalesce(max(finished_at) <= now() - make_interval(secs => $1), true)
           from retention_runs where not dry_run""",
        interval_seconds,
    )
    return due


@asynccontextmanager
async def retention_lock(pool: asyncpg.Pool) -> AsyncIterator[bool]:
    """A session advisory lock on a connection of its own: True when this process got it."""
    async with pool.acquire() as conn:
        got = bool(await conn.fetchval("select pg_try_advisory_lock(hashtext($1))", RETENTION_LOCK))
        try:
            yield got
        finally:
            if got:
                await conn.execute("select pg_advisory_unlock(hashtext($1))", RETENTION_LOCK)


class PostgresRetentionStore:
    """The retention use case's store (`application.ports.RetentionStore`) in signals' database."""

    def __init__(self, pool: asyncpg.Pool, application: Application[Any]) -> None:
        self._pool = pool
        self._application = application

    def lock(self) -> AbstractAsyncContextManager[bool]:
        return retention_lock(self._pool)

    async def run_is_due(self, interval_seconds: float) -> bool:
        return await run_is_due(self._pool, interval_seconds)

    async def catch_up(self) -> int:
        return await catch_up(self._pool, self._application)

    async def candidates(
        self, terms: RetentionTerms, today: date, *, after: uuid.UUID | None, limit: int
    ) -> list[RetentionCandidate]:
        return await candidates(self._pool, terms, today, after=after, limit=limit)

    async def count_candidates(self, terms: RetentionTerms, today: date) -> int:
        return await count_candidates(self._pool, terms, today)

    async def has_open_case(self, pupil_id: uuid.UUID) -> bool:
        return await open_cases.has_open_case(self._pool, pupil_id)

    async def mark_erased(self, pupil_id: uuid.UUID, erased_on: date) -> None:
        await mark_erased(self._pool, pupil_id, erased_on)

    async def start_run(self, run_id: uuid.UUID, *, trigger: str, dry_run: bool, today: date) -> None:
        await start_run(self._pool, run_id, trigger=trigger, dry_run=dry_run, today=today)

    async def finish_run(self, run_id: uuid.UUID, counts: RunCounts) -> None:
        await finish_run(self._pool, run_id, counts)
