"""Versioned migrations on real PostgreSQL (ADR 20): each version runs once, concurrent appliers wait
for each other, a database made by the old start-up DDL is taken over, an edited migration is refused,
and a service's own role runs nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from meldcode_edge.db import create_pool
from meldcode_edge.migrations import (
    MIGRATIONS_LOCK,
    MigrationChanged,
    Migrations,
    MigrationStep,
    apply_migrations,
    migrate_pool,
)
from meldcode_edge.roles import owner_role, service_role, with_role
from meldcode_servicekit.service_migration import Migration, migrate
from meldcode_testkit import Infrastructure, eventually

# not idempotent on purpose: running a version twice fails, so a race or a re-run cannot pass unseen
PUPILS = MigrationStep(1, "pupils", "create table pupils (pupil_id uuid primary key, school text not null)")
WITH_NOTES = MigrationStep(
    2, "notes", "alter table pupils add column notes text; insert into counter values (1)"
)
COUNTER = "create table counter (n int not null)"


def two_versions() -> Migrations:
    return Migrations("example", (PUPILS, MigrationStep(2, WITH_NOTES.name, WITH_NOTES.sql)))


@pytest.fixture
async def pool(infrastructure: Infrastructure, isolation: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(await infrastructure.create_database(f"{isolation}_migrations"))
    async with pool.acquire() as conn:
        await conn.execute(COUNTER)
    try:
        yield pool
    finally:
        await pool.close()


async def recorded(pool: asyncpg.Pool) -> list[tuple[str, int, str]]:
    rows = await pool.fetch(
        "select component, version, name from schema_migrations order by component, version"
    )
    return [tuple(r) for r in rows]


async def columns(pool: asyncpg.Pool) -> list[str]:
    rows = await pool.fetch(
        "select column_name from information_schema.columns where table_name = 'pupils' order by ordinal_position"
    )
    return [r["column_name"] for r in rows]


async def test_applying_the_migrations_twice_changes_nothing(pool: asyncpg.Pool) -> None:
    first = await migrate_pool(pool, two_versions())
    second = await migrate_pool(pool, two_versions())

    assert [(a.version, a.name) for a in first] == [(1, "pupils"), (2, "notes")]
    assert second == []
    assert await recorded(pool) == [("example", 1, "pupils"), ("example", 2, "notes")]
    assert await columns(pool) == ["pupil_id", "school", "notes"]
    assert await pool.fetchval("select count(*) from counter") == 1


async def test_only_the_versions_a_database_has_not_had_are_run(pool: asyncpg.Pool) -> None:
    await migrate_pool(pool, Migrations("example", (PUPILS,)))

    applied = await migrate_pool(pool, two_versions())

    assert [a.version for a in applied] == [2]
    assert await columns(pool) == ["pupil_id", "school", "notes"]


async def test_two_appliers_at_once_run_each_version_once(pool: asyncpg.Pool) -> None:
    # a third session holds the lock until both appliers wait for it, so they really meet
    async with pool.acquire() as holder:
        transaction = holder.transaction()
        await transaction.start()
        await holder.execute("select pg_advisory_xact_lock($1)", MIGRATIONS_LOCK)
        both = asyncio.gather(migrate_pool(pool, two_versions()), migrate_pool(pool, two_versions()))

        async def waiting() -> bool:
            waiters = await pool.fetchval(
                "select count(*) from pg_locks where locktype = 'advisory' and objid = $1 and not granted",
                MIGRATIONS_LOCK,
            )
            return bool(waiters == 2)

        await eventually(waiting)
        await transaction.commit()
        first, second = await both

    assert sorted([len(first), len(second)]) == [0, 2]
    assert await recorded(pool) == [("example", 1, "pupils"), ("example", 2, "notes")]
    assert await pool.fetchval("select count(*) from counter") == 1


async def test_a_failing_migration_leaves_nothing_behind(pool: asyncpg.Pool) -> None:
    broken = Migrations(
        "example", (PUPILS, MigrationStep(2, "broken", "alter table nowhere add column x int"))
    )

    with pytest.raises(asyncpg.UndefinedTableError):
        await migrate_pool(pool, broken)

    assert await columns(pool) == []
    assert await pool.fetchval("select to_regclass('schema_migrations')") is None


async def test_a_migration_edited_after_it_was_applied_is_refused(pool: asyncpg.Pool) -> None:
    await migrate_pool(pool, two_versions())
    edited = Migrations("example", (MigrationStep(1, "pupils", PUPILS.sql + ", notes text"), WITH_NOTES))

    with pytest.raises(MigrationChanged):
        await migrate_pool(pool, edited)


def test_migrations_must_be_numbered_without_gaps() -> None:
    with pytest.raises(ValueError, match="without gaps"):
        Migrations("example", (PUPILS, MigrationStep(3, "later", "select 1")))


def test_a_package_holds_its_migrations_as_numbered_sql_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "example_migrations"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "0002_notes.sql").write_text(WITH_NOTES.sql)
    (package / "0001_pupils.sql").write_text(PUPILS.sql)
    (package / "README.md").write_text("not a migration")
    monkeypatch.syspath_prepend(str(tmp_path))

    migrations = Migrations.from_package("example", "example_migrations")

    assert migrations.steps == (PUPILS, WITH_NOTES)


async def test_the_owner_migrates_and_the_service_role_only_reads_the_versions(
    infrastructure: Infrastructure, isolation: str
) -> None:
    database = await infrastructure.create_database(f"{isolation}_roles", owner=owner_role("reporting"))
    owner_url = with_role(database, owner_role("reporting"))
    single = Migrations("example", (MigrationStep(1, "pupils", PUPILS.sql),))
    await migrate(
        Migration(migrations=single, messaging=False), owner_url=owner_url, role=service_role("reporting")
    )

    conn = await asyncpg.connect(with_role(database, service_role("reporting")))
    try:
        # at a service's start-up, as its own role: nothing to run, nothing it may run
        assert await apply_migrations(conn, two_versions()) == []
        assert await conn.fetchval("select count(*) from schema_migrations") == 1
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("delete from schema_migrations")
    finally:
        await conn.close()
