"""Versioned schema migrations of a service's own tables (ADR 20): numbered SQL files, applied in order.

A service keeps its migrations in a package of its own (`<svc>/adapters/migrations/0001_initial.sql`,
`0002_….sql`, ...) and names them with `Migrations.from_package`. `apply_migrations` runs the ones
a database has not had yet, in one transaction, under an advisory lock, and records each in
`schema_migrations` (component, version, name, checksum), so:

- applying twice changes nothing (a recorded version is not run again);
- two replicas or a `migrate` beside a start-up do not race (the second waits for the lock, then
  finds the versions recorded);
- a failing migration leaves nothing behind (PostgreSQL's DDL is transactional);
- a recorded migration whose file was edited afterwards is refused (`MigrationChanged`): a change
  is a new file, never an edit of one a database already has.

Connected as a service's own role, which may not create tables (ADR 16), nothing is run: the
owner role migrated the database before the service started (`meldcode-<service> migrate`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources

import asyncpg

from .db import MAY_CREATE

# distinct from `apply_schema`'s lock (7513): the kit's idempotent DDL and the migrations may be run
# by one start-up after the other, never nested
MIGRATIONS_LOCK = 7516

MIGRATION_FILE = re.compile(r"^(?P<version>\d{4})_(?P<name>[a-z0-9_]+)\.sql$")

SCHEMA_MIGRATIONS_TABLE = "schema_migrations"
SCHEMA_MIGRATIONS = f"""create table if not exists {SCHEMA_MIGRATIONS_TABLE} (
    component text not null,
    version int not null,
    name text not null,
    checksum text not null,
    applied_at timestamptz not null default now(),
    primary key (component, version)
)"""


class MigrationChanged(RuntimeError):
    """A migration the database already had was edited afterwards."""


@dataclass(frozen=True)
class MigrationStep:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


@dataclass(frozen=True)
class Migrations:
    """The numbered migrations of one component (a service's own tables), in version order."""

    component: str
    steps: tuple[MigrationStep, ...]

    def __post_init__(self) -> None:
        versions = [step.version for step in self.steps]
        if versions != list(range(1, len(versions) + 1)):
            raise ValueError(
                f"{self.component}: migrations must be numbered 0001, 0002, ... without gaps: {versions}"
            )

    @classmethod
    def from_package(cls, component: str, package: str) -> Migrations:
        """Every `NNNN_name.sql` file in `package` (other files, such as `__init__.py`, are ignored)."""
        steps = []
        for entry in resources.files(package).iterdir():
            match = MIGRATION_FILE.match(entry.name)
            if match is None:
                continue
            steps.append(
                MigrationStep(
                    version=int(match["version"]), name=match["name"], sql=entry.read_text(encoding="utf-8")
                )
            )
        return cls(component=component, steps=tuple(sorted(steps, key=lambda s: s.version)))


@dataclass(frozen=True)
class Applied:
    component: str
    version: int
    name: str


async def apply_migrations(
    conn: asyncpg.Connection | asyncpg.pool.PoolConnectionProxy, *components: Migrations
) -> list[Applied]:
    """Run the migrations this database has not had yet; returns those it ran (none when the
    connected role may not create tables: a service role, ADR 16)."""
    applied: list[Applied] = []
    async with conn.transaction():
        if not await conn.fetchval(MAY_CREATE):
            return applied
        await conn.execute("select pg_advisory_xact_lock($1)", MIGRATIONS_LOCK)
        await conn.execute(SCHEMA_MIGRATIONS)
        for migrations in components:
            recorded = {
                row["version"]: row["checksum"]
                for row in await conn.fetch(
                    "select version, checksum from schema_migrations where component = $1",
                    migrations.component,
                )
            }
            for step in migrations.steps:
                if step.version in recorded:
                    if recorded[step.version] != step.checksum:
                        raise MigrationChanged(
                            f"{migrations.component} {step.version:04d}_{step.name}.sql was changed after "
                            "it was applied; add a new migration instead"
                        )
                    continue
                await conn.execute(step.sql)
                await conn.execute(
                    "insert into schema_migrations (component, version, name, checksum) values ($1, $2, $3, $4)",
                    migrations.component,
                    step.version,
                    step.name,
                    step.checksum,
                )
                applied.append(Applied(migrations.component, step.version, step.name))
    return applied


async def migrate_pool(pool: asyncpg.Pool, *components: Migrations) -> list[Applied]:
    async with pool.acquire() as conn:
        return await apply_migrations(conn, *components)
