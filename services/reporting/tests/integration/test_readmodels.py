"""The projections on real PostgreSQL, without the consumer's de-duplication in front of them:
applying an event twice, or events in another order, gives the same read models."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
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
from reporting.adapters.pupil_reads import PupilReads
from reporting.translation import project


@pytest.fixture
async def pool(infrastructure: Infrastructure, isolation: str) -> AsyncIterator[asyncpg.Pool]:
    url = await infrastructure.create_database(f"{isolation}_readmodels")
    pool = await create_pool(url)
    await migrate_pool(pool, MIGRATIONS)
    try:
        yield pool
    finally:
        await pool.close()


async def apply_all(pool: asyncpg.Pool, events: list[Envelope]) -> None:
    for event in events:
        async with pool.acquire() as conn, conn.transaction():
            await projection_writes.apply(conn, project(event))


async def snapshot(pool: asyncpg.Pool) -> dict[str, list[dict[str, Any]]]:
    return {
        table: [dict(r) for r in await pool.fetch(f"select * from {table} order by 1")]  # noqa: S608
        for table in ("pupils", "chronology", "school_cases", "case_changes", "access_log")
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
        await migrate_pool(other, MIGRATIONS)
        await apply_all(other, [history[4], *reversed(history[:4]), history[5]])
        assert await snapshot(other) == in_order
    finally:
        await other.close()


def cases_of_two_schools(events: Events) -> list[Envelope]:
    """A whole closed case, and a case that is reopened and then handed over to another school."""
    registered = events.pupil()
    pupil_id = registered.payload.pupil_id
    signal = events.signal(pupil_id, when=at(5))
    whole = a_whole_case(events, pupil_id, [signal.payload.signal_id], start=10, published=True)
    file = CaseFile(events, events.case(pupil_id, [signal.payload.signal_id], when=at(20)))
    moving = [
        file.opened,
        file.published(at(20), "geopend", ("gesprek_ouders", date(2026, 11, 20))),
        file.conversation_skipped(at(30)),
        file.published(at(30), "gesprek_ouders", ("weging_zorgteam", date(2026, 12, 4))),
        file.closed(at(40)),
        file.published(at(40), "gesloten"),
        file.reopened(at(50)),
        file.published(at(50), "gesprek_ouders", ("weging_zorgteam", date(2026, 12, 4))),
        file.pupil_left(at(60)),
        file.published(at(60), "gesprek_ouders", ("weging_zorgteam", date(2026, 12, 4)), "overdracht"),
        file.transferred(at(70), to_school="34CD"),
        file.published(at(70), "gesprek_ouders", ("weging_zorgteam", date(2026, 12, 4))),
        file.risk_weighed(at(80)),
        file.published(at(80), "weging", "besluit_afwegingskader"),
    ]
    return [registered, signal, *whole, *moving]


async def test_applying_every_case_event_twice_changes_nothing(pool: asyncpg.Pool, events: Events) -> None:
    history = cases_of_two_schools(events)
    await apply_all(pool, history)
    once = await snapshot(pool)

    await apply_all(pool, history)

    assert await snapshot(pool) == once
    steps = {(r["school"], r["step"], r["transferred_from"]) for r in once["school_cases"]}
    assert steps == {("12AB", "gesloten", None), ("34CD", "weging", "12AB")}


async def test_case_events_in_another_order_give_the_same_case_list(
    infrastructure: Infrastructure, isolation: str, pool: asyncpg.Pool, events: Events
) -> None:
    history = cases_of_two_schools(events)
    await apply_all(pool, history)
    in_order = await snapshot(pool)

    other = await create_pool(await infrastructure.create_database(f"{isolation}_shuffled"))
    try:
        await migrate_pool(other, MIGRATIONS)
        await apply_all(other, list(reversed(history)))
        assert await snapshot(other) == in_order
    finally:
        await other.close()


V1_SCHEMA = MIGRATIONS.steps[0].sql.split("-- --- v2")[0]
"""The start of migration 0001: the schema before the whole casework state machine was projected."""


async def test_a_database_of_the_previous_version_upgrades_and_its_cases_go_on(
    infrastructure: Infrastructure, isolation: str, events: Events
) -> None:
    registered = events.pupil()
    pupil_id = registered.payload.pupil_id
    signal = events.signal(pupil_id, when=at(5))
    opened = events.case(pupil_id, [signal.payload.signal_id], when=at(10))
    old = await create_pool(await infrastructure.create_database(f"{isolation}_v1"))
    try:
        await old.execute(V1_SCHEMA)
        async with old.acquire() as conn:
            # What the previous version stored for an opened case.
            entry = project(opened).entry
            assert entry is not None
            await projection_writes.add_entry(conn, entry)
            await conn.execute(
                """insert into school_cases (case_id, tenant, school, pupil_id, step, case_owner_id,
                                             signal_ids, opened_at, last_event_at)
                   values ($1, 'swv-zuid', '12AB', $2, 'geopend', 'ib-1', $3, $4, $4)""",
                opened.payload.case_id,
                pupil_id,
                [signal.payload.signal_id],
                at(10),
            )

        await migrate_pool(old, MIGRATIONS)
        await migrate_pool(old, MIGRATIONS)  # every start applies them again
        file = CaseFile(events, opened)
        await apply_all(
            old, [file.conversation_held(at(20)), file.published(at(20), "gesprek_ouders", "weging_zorgteam")]
        )

        [row] = await old.fetch("select * from school_cases")
        assert (row["step"], row["case_owner_id"], row["last_event_at"]) == ("gesprek_ouders", "ib-1", at(20))
        assert row["signal_ids"] == [signal.payload.signal_id]
        assert row["opened_at"] == at(10)
        assert (row["reports"], row["pupil_left_school"]) == (0, False)
    finally:
        await old.close()


async def test_a_notification_naming_only_its_case_joins_the_pupils_chronology_in_either_order(
    infrastructure: Infrastructure, isolation: str, pool: asyncpg.Pool, events: Events, notices: Notices
) -> None:
    registered = events.pupil()
    pupil_id = registered.payload.pupil_id
    opened = events.case(pupil_id, [uuid.uuid4()], when=at(10))
    delivered = notices.webhook(opened.payload.case_id, when=at(20))
    reminded = notices.reminder(opened.payload.case_id, None, when=at(30))
    await apply_all(pool, [registered, opened, delivered, reminded])
    case_first = await snapshot(pool)

    other = await create_pool(await infrastructure.create_database(f"{isolation}_notice_first"))
    try:
        await migrate_pool(other, MIGRATIONS)
        await apply_all(other, [reminded, delivered, registered, opened])
        assert await snapshot(other) == case_first
    finally:
        await other.close()
    entries = await PupilReads(pool).chronology_of("swv-zuid", pupil_id)
    assert [s.entry.label for s in entries] == [
        "Zaak geopend",
        "Bericht aan de JGZ afgeleverd",
        "Herinnering verstuurd",
    ]


async def test_a_data_access_is_kept_once_in_the_access_log(pool: asyncpg.Pool, notices: Notices) -> None:
    read = notices.access(when=at(5), pupil_id=uuid.uuid4())

    await apply_all(pool, [read, read])

    rows = await pool.fetch("select access_id, user_id, action from access_log")
    assert [tuple(r) for r in rows] == [(read.payload.access_id, "ib-1", "case.read")]


async def test_case_rows_made_by_an_older_fold_are_folded_again_once_at_start_up(
    pool: asyncpg.Pool, events: Events
) -> None:
    registered = events.pupil()
    signal = events.signal(registered.payload.pupil_id, when=at(5))
    await apply_all(
        pool,
        [
            registered,
            signal,
            *a_whole_case(
                events, registered.payload.pupil_id, [signal.payload.signal_id], start=10, published=True
            ),
        ],
    )
    async with pool.acquire() as conn:
        assert await projection_writes.refold_cases_if_stale(conn) == 1  # a new database: stamped once
        assert await projection_writes.refold_cases_if_stale(conn) is None
    folded = await snapshot(pool)
    # What an older fold left behind: columns it did not know, and no version stamp.
    await pool.execute(
        'update school_cases set step = null, step_since = null, obligations = \'[{"kind": "zaak_sluiten"}]\''
    )
    await pool.execute("delete from projection_versions")
    assert await snapshot(pool) != folded
    async with pool.acquire() as conn:
        assert await projection_writes.refold_cases_if_stale(conn) == 1
    assert await snapshot(pool) == folded


async def test_a_database_the_start_up_schema_made_is_taken_over_by_migration_0001_as_it_is(
    infrastructure: Infrastructure, isolation: str, events: Events
) -> None:
    old = await create_pool(await infrastructure.create_database(f"{isolation}_unversioned"))
    try:
        # what every start-up ran before versioned migrations: the same statements, nothing recorded
        await old.execute(MIGRATIONS.steps[0].sql)
        await apply_all(old, cases_of_two_schools(events))
        # (its data fix-ups ran at every start: one more start of the old code is the baseline)
        await old.execute(MIGRATIONS.steps[0].sql)
        before = await snapshot(old)

        applied = await migrate_pool(old, MIGRATIONS)

        # 0001 is taken over as it is; the later ones are applied after it
        assert [(a.version, a.name) for a in applied] == [(m.version, m.name) for m in MIGRATIONS.steps]
        assert (applied[0].version, applied[0].name) == (1, "initial")
        assert await snapshot(old) == before
        assert await migrate_pool(old, MIGRATIONS) == []
    finally:
        await old.close()
