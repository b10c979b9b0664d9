"""Which cases about a pupil are open: a projection of casework's events in signals' database.

Retention keeps a pupil's data while a case about the pupil is open (rule 16), and an erasure
request is refused then. Casework owns the cases; signals keeps one row per case (open or not)
from `CaseOpened`, `CaseClosed`, `CaseReopened` and `CaseTransferred`. Each row remembers the time
of the event that set it, so an older event that arrives late (a dead letter replayed after a
newer one) never overwrites a newer state. The consumer applies every event once.
"""

from __future__ import annotations

import uuid
from datetime import date

import asyncpg

from meldcode_contracts import CaseClosed, CaseOpened, CaseReopened, CaseTransferred, Envelope
from meldcode_vocabulary.dutch_days import dutch_today


async def _set_state(
    conn: asyncpg.Connection, event: Envelope, *, case_id: uuid.UUID, pupil_id: uuid.UUID, is_open: bool
) -> None:
    await conn.execute(
        """insert into pupil_cases (case_id, pupil_id, tenant, school, is_open, changed_at, last_event_id)
           values ($1, $2, $3, $4, $5, $6, $7)
           on conflict (case_id) do update
               set is_open = excluded.is_open, school = excluded.school,
                   changed_at = excluded.changed_at, last_event_id = excluded.last_event_id
               where pupil_cases.changed_at <= excluded.changed_at""",
        case_id,
        pupil_id,
        event.tenant,
        event.school,
        is_open,
        event.occurred_at,
        event.event_id,
    )


async def case_opened(conn: asyncpg.Connection, event: CaseOpened) -> None:
    await _set_state(
        conn, event, case_id=event.payload.case_id, pupil_id=event.payload.pupil_id, is_open=True
    )


async def case_closed(conn: asyncpg.Connection, event: CaseClosed) -> None:
    await _set_state(
        conn, event, case_id=event.payload.case_id, pupil_id=event.payload.pupil_id, is_open=False
    )


async def case_reopened(conn: asyncpg.Connection, event: CaseReopened) -> None:
    await _set_state(
        conn, event, case_id=event.payload.case_id, pupil_id=event.payload.pupil_id, is_open=True
    )


async def case_transferred(conn: asyncpg.Connection, event: CaseTransferred) -> None:
    """A hand-over to another school keeps the case open (only a `CaseClosed` closes it); the row
    follows the case to its new school. Recorded as open also when its `CaseOpened` was not seen."""
    await _set_state(
        conn, event, case_id=event.payload.case_id, pupil_id=event.payload.pupil_id, is_open=True
    )


async def open_case_ids(conn: asyncpg.Connection | asyncpg.Pool, pupil_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await conn.fetch(
        "select case_id from pupil_cases where pupil_id = $1 and is_open order by case_id", pupil_id
    )
    return [row["case_id"] for row in rows]


async def has_open_case(conn: asyncpg.Connection | asyncpg.Pool, pupil_id: uuid.UUID) -> bool:
    return bool(await open_case_ids(conn, pupil_id))


async def last_case_closed_on(conn: asyncpg.Connection | asyncpg.Pool, pupil_id: uuid.UUID) -> date | None:
    """The Dutch calendar day the most recently closed case about the pupil was closed, if any."""
    closed_at = await conn.fetchval(
        "select max(changed_at) from pupil_cases where pupil_id = $1 and not is_open", pupil_id
    )
    return None if closed_at is None else dutch_today(closed_at)


class PostgresOpenCases:
    """Which cases about a pupil are open (`application.ports.OpenCases`), from `pupil_cases`."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def has_open_case(self, pupil_id: uuid.UUID) -> bool:
        return await has_open_case(self._pool, pupil_id)

    async def last_case_closed_on(self, pupil_id: uuid.UUID) -> date | None:
        return await last_case_closed_on(self._pool, pupil_id)
