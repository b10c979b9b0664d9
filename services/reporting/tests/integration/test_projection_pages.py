"""A page of projections written at once (the rebuild's way, `projection_pages.apply_page`) gives the
same read models as the same events applied one by one (the live consumer's way), on real
PostgreSQL, in either order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from meldcode_contracts import Envelope
from meldcode_edge.db import create_pool
from meldcode_edge.migrations import migrate_pool
from meldcode_testkit import Infrastructure
from meldcode_testkit.builders import CaseFile, Events, Notices, a_whole_case, at
from reporting.adapters import projection_writes
from reporting.adapters.migrations import MIGRATIONS
from reporting.adapters.projection_pages import apply_page
from reporting.adapters.rebuild import _schema_pool
from reporting.translation import project

TABLES = ("pupils", "chronology", "school_cases", "case_changes", "access_log", "case_zorgteam")


async def _pool(infrastructure: Infrastructure, name: str) -> asyncpg.Pool:
    pool = await create_pool(await infrastructure.create_database(name))
    await migrate_pool(pool, MIGRATIONS)
    return pool


@pytest.fixture
async def pools(
    infrastructure: Infrastructure, isolation: str
) -> AsyncIterator[tuple[asyncpg.Pool, asyncpg.Pool]]:
    one_by_one = await _pool(infrastructure, f"{isolation}_one_by_one")
    paged = await _pool(infrastructure, f"{isolation}_paged")
    try:
        yield one_by_one, paged
    finally:
        await one_by_one.close()
        await paged.close()


async def snapshot(pool: asyncpg.Pool) -> dict[str, list[dict[str, Any]]]:
    return {
        table: [dict(r) for r in await pool.fetch(f"select * from {table} order by 1")]  # noqa: S608
        for table in TABLES
    }


def a_school_year(events: Events, notices: Notices) -> list[Envelope]:
    """Two pupils: signals with corrections, a whole case, a second case with a zorgteam member,
    and notices that name only their case (their entries take the case's pupil)."""
    history: list[Envelope] = []
    for k in range(2):
        registered = events.pupil()
        pupil_id = registered.payload.pupil_id
        signals = [events.signal(pupil_id, when=at(100 * k + n)) for n in range(3)]
        whole = a_whole_case(events, pupil_id, [s.payload.signal_id for s in signals[:2]], 100 * k + 10)
        case_id = whole[0].subject_id
        file = CaseFile(events, events.case(pupil_id, [signals[2].payload.signal_id], when=at(100 * k + 40)))
        history += [
            registered,
            *signals,
            events.correction(signals[0], when=at(100 * k + 5)),
            events.correction(signals[0], when=at(100 * k + 6)),
            *whole,
            file.opened,
            file.invited(at(100 * k + 41)),
            file.invited(at(100 * k + 42), member_id="zt-2"),
            notices.document(case_id, None, when=at(100 * k + 90)),
            notices.reminder(case_id, None, when=at(100 * k + 91)),
            notices.access(when=at(100 * k + 92), pupil_id=pupil_id, case_id=case_id),
        ]
    return history


async def one_by_one(pool: asyncpg.Pool, history: list[Envelope]) -> None:
    for event in history:
        async with pool.acquire() as conn, conn.transaction():
            await projection_writes.apply(conn, project(event))


async def in_pages(
    pool: asyncpg.Pool, history: list[Envelope], size: int, *, first_seen: bool = False
) -> None:
    for start in range(0, len(history), size):
        async with pool.acquire() as conn, conn.transaction():
            await apply_page(conn, [project(e) for e in history[start : start + size]], first_seen=first_seen)


@pytest.mark.parametrize("first_seen", [False, True], ids=["insert", "copy"])
@pytest.mark.parametrize("size", [1, 7, 1000])
async def test_pages_give_the_same_read_models_as_one_event_at_a_time(
    pools: tuple[asyncpg.Pool, asyncpg.Pool], events: Events, notices: Notices, size: int, first_seen: bool
) -> None:
    live, rebuilt = pools
    history = a_school_year(events, notices)
    await one_by_one(live, history)

    await in_pages(rebuilt, history, size, first_seen=first_seen)

    expected = await snapshot(live)
    assert await snapshot(rebuilt) == expected
    assert len(expected["school_cases"]) == 4 and len(expected["case_zorgteam"]) == 4
    assert all(r["pupil_id"] is not None for r in expected["chronology"])


@pytest.mark.parametrize("first_seen", [False, True], ids=["insert", "copy"])
async def test_a_page_in_reverse_order_gives_the_same_read_models(
    pools: tuple[asyncpg.Pool, asyncpg.Pool], events: Events, notices: Notices, first_seen: bool
) -> None:
    live, rebuilt = pools
    history = a_school_year(events, notices)
    await one_by_one(live, history)

    await in_pages(rebuilt, list(reversed(history)), 1000, first_seen=first_seen)

    assert await snapshot(rebuilt) == await snapshot(live)


async def test_a_page_that_applies_events_a_second_time_changes_nothing(
    pools: tuple[asyncpg.Pool, asyncpg.Pool], events: Events, notices: Notices
) -> None:
    _, rebuilt = pools
    history = a_school_year(events, notices)
    await in_pages(rebuilt, history, 1000)
    once = await snapshot(rebuilt)

    await in_pages(rebuilt, history + history, 1000)

    assert await snapshot(rebuilt) == once


async def test_a_copied_page_that_repeats_a_stored_event_fails_so_the_replay_goes_event_by_event(
    pools: tuple[asyncpg.Pool, asyncpg.Pool], events: Events, notices: Notices
) -> None:
    _, rebuilt = pools
    history = a_school_year(events, notices)
    await in_pages(rebuilt, history, 1000, first_seen=True)
    once = await snapshot(rebuilt)

    with pytest.raises(asyncpg.UniqueViolationError):
        await in_pages(rebuilt, history, 1000, first_seen=True)

    assert await snapshot(rebuilt) == once


@pytest.fixture
async def live_and_rebuild_schema(
    infrastructure: Infrastructure, isolation: str
) -> AsyncIterator[tuple[asyncpg.Pool, asyncpg.Pool]]:
    """One database, as in production: the live tables and a rebuild's schema beside them."""
    url = await infrastructure.create_database(f"{isolation}_schemas")
    live = await create_pool(url)
    await migrate_pool(live, MIGRATIONS)
    await live.execute('create schema "rebuild_test"')
    rebuilt = await _schema_pool(url, "rebuild_test")
    await migrate_pool(rebuilt, MIGRATIONS)
    try:
        yield live, rebuilt
    finally:
        await live.close()
        await rebuilt.close()


async def test_a_rebuild_page_does_not_wait_for_a_live_transaction_on_the_same_case(
    live_and_rebuild_schema: tuple[asyncpg.Pool, asyncpg.Pool], events: Events
) -> None:
    """Advisory locks are database-wide: with one key for a case in both schemas the rebuild's
    page (locks in sorted order) and the live consumer's batch (locks in event order) waited for
    each other and deadlocked (a 503 from `POST /audit/rebuild` in CI)."""
    live, rebuilt = live_and_rebuild_schema
    registered = events.pupil()
    pupil_id = registered.payload.pupil_id
    signal = events.signal(pupil_id, when=at(1))
    opened = events.case(pupil_id, [signal.payload.signal_id], when=at(2))
    async with live.acquire() as conn, conn.transaction():
        await projection_writes.apply(conn, project(opened))  # holds the case's lock until commit

        async def a_rebuild_page() -> None:
            async with rebuilt.acquire() as other, other.transaction():
                await apply_page(other, [project(e) for e in (registered, signal, opened)], first_seen=True)

        await asyncio.wait_for(a_rebuild_page(), timeout=10)

    assert await rebuilt.fetchval("select count(*) from school_cases") == 1
    assert await live.fetchval("select count(*) from school_cases") == 1
