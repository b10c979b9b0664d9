"""Casework's own copy of each pupil's signal history, kept from the signals service's events."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

import asyncpg

from meldcode_contracts import PupilRegistered, SignalCorrected, SignalRecorded

from ..domain.case import KnownSignal


async def remember_pupil(conn: asyncpg.Connection, event: PupilRegistered) -> None:
    await conn.execute(
        """insert into known_pupils (pupil_id, tenant, school, date_of_birth, registered_at)
           values ($1, $2, $3, $4, $5) on conflict (pupil_id) do nothing""",
        event.payload.pupil_id,
        event.tenant,
        event.school,
        event.payload.date_of_birth,
        event.occurred_at,
    )


async def remember_signal(conn: asyncpg.Connection, event: SignalRecorded) -> None:
    await conn.execute(
        """insert into known_signals (signal_id, pupil_id, tenant, school, observed_on, recorded_at)
           values ($1, $2, $3, $4, $5, $6) on conflict (signal_id) do nothing""",
        event.payload.signal_id,
        event.payload.pupil_id,
        event.tenant,
        event.school,
        event.payload.observed_on,
        event.occurred_at,
    )


async def remember_correction(conn: asyncpg.Connection, event: SignalCorrected) -> None:
    await conn.execute(
        """update known_signals set observed_on = $2, corrections = corrections + 1
           where signal_id = $1""",
        event.payload.signal_id,
        event.payload.observed_on,
    )


async def forget_pupil(conn: asyncpg.Connection, pupil_id: uuid.UUID) -> None:
    """Erasure (ADR 10): the date of birth is the only personal value kept here (the signal history
    holds ids, dates of observation and schools). Idempotent."""
    await conn.execute("update known_pupils set date_of_birth = null where pupil_id = $1", pupil_id)


async def find_signals(pool: asyncpg.Pool, signal_ids: Sequence[uuid.UUID]) -> list[KnownSignal]:
    rows = await pool.fetch(
        "select signal_id, pupil_id, tenant, school from known_signals where signal_id = any($1::uuid[])",
        list(signal_ids),
    )
    return [KnownSignal(r["signal_id"], r["pupil_id"], r["tenant"], r["school"]) for r in rows]


async def signals_of_pupil(pool: asyncpg.Pool, pupil_id: uuid.UUID) -> list[asyncpg.Record]:
    return await pool.fetch(
        """select signal_id, tenant, school, observed_on, recorded_at, corrections
           from known_signals where pupil_id = $1 order by observed_on, recorded_at""",
        pupil_id,
    )


async def date_of_birth(pool: asyncpg.Pool, pupil_id: uuid.UUID) -> date | None:
    """The pupil's registered date of birth (rule 8: the 12+ check on the reporting date)."""
    value = await pool.fetchval("select date_of_birth from known_pupils where pupil_id = $1", pupil_id)
    return value if isinstance(value, date) else None


async def tenants_of_school(pool: asyncpg.Pool, school: str) -> set[str]:
    """The samenwerkingsverbanden under which pupils of `school` were registered (rule 14's school
    registry learns a school from its first registered pupil)."""
    rows = await pool.fetch("select distinct tenant from known_pupils where school = $1", school)
    return {row["tenant"] for row in rows}
