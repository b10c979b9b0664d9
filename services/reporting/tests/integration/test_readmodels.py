"""The projections on real PostgreSQL, without the consumer's de-duplication in front of them:
applying an event twice, or events in another order, gives the same read models."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from meldcode_contracts import Envelope
from meldcode_servicekit.db import apply_schema, create_pool
from meldcode_testkit import Infrastructure
from reporting.adapters import readmodels
from reporting.domain.projection import project

from ..conftest import Events, at


@pytest.fixture
async def pool(infrastructure: Infrastructure, isolation: str) -> AsyncIterator[asyncpg.Pool]:
    url = await infrastructure.create_database(f"{isolation}_readmodels")
    pool = await create_pool(url)
    await apply_schema(pool, readmodels.SCHEMA)
    try:
        yield pool
    finally:
        await pool.close()


async def apply_all(pool: asyncpg.Pool, events: list[Envelope]) -> None:
    for event in events:
        async with pool.acquire() as conn, conn.transaction():
            await readmodels.apply(conn, project(event))


async def snapshot(pool: asyncpg.Pool) -> dict[str, list[dict[str, Any]]]:
    return {
        table: [dict(r) for r in await pool.fetch(f"select * from {table} order by 1")]  # noqa: S608
        for table in ("pupils", "chronology", "school_cases")
    }


def a_history(events: Events) -> list[Envelope]:
    registered = events.pupil()
    pupil_id = registered.payload.pupil_id
    first = events.signal(pupil_id, when=at(10))
    second = events.signal(pupil_id, when=at(20))
    return [
        registered,
        first,
        second,
        events.correction(first, when=at(30)),
        events.case(pupil_id, [first.payload.signal_id, second.payload.signal_id], when=at(40)),
        events.correction(first, when=at(50)),
    ]


async def test_applying_every_event_twice_changes_nothing(pool: asyncpg.Pool, events: Events) -> None:
    history = a_history(events)
    await apply_all(pool, history)
    once = await snapshot(pool)

    await apply_all(pool, history)

    assert await snapshot(pool) == once
    assert len(once["chronology"]) == 5
    assert len(once["school_cases"]) == 1


async def test_a_signal_projected_after_its_corrections_is_still_marked_corrected(
    pool: asyncpg.Pool, events: Events
) -> None:
    history = a_history(events)
    latest_correction = history[5]

    await apply_all(pool, list(reversed(history)))

    first_signal = history[1]
    row = await pool.fetchrow(
        "select corrections, latest_correction_id, observed_on from chronology where event_id = $1",
        first_signal.event_id,
    )
    assert row is not None
    assert row["corrections"] == 2
    assert row["latest_correction_id"] == latest_correction.event_id
    assert row["observed_on"] == first_signal.payload.observed_on  # type: ignore[attr-defined]


async def test_any_arrival_order_gives_the_same_read_models(
    infrastructure: Infrastructure, isolation: str, pool: asyncpg.Pool, events: Events
) -> None:
    history = a_history(events)
    await apply_all(pool, history)
    in_order = await snapshot(pool)

    other = await create_pool(await infrastructure.create_database(f"{isolation}_reversed"))
    try:
        await apply_schema(other, readmodels.SCHEMA)
        await apply_all(other, [history[4], *reversed(history[:4]), history[5]])
        assert await snapshot(other) == in_order
    finally:
        await other.close()
