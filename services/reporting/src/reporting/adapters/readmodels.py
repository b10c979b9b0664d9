"""The read models in PostgreSQL (asyncpg): schema, idempotent upserts, and the queries of the API.

Every write is keyed by the event id or the aggregate id, so applying an event twice changes
nothing, and the marks that depend on other events (a signal's corrections, a case's current
step) are recomputed from what is stored, so they come out the same in any arrival order: each
case event is stored once in `case_changes` (ids, dates and codes only) and the `school_cases`
row is folded again from all changes of that case (`reporting.domain.cases.case_row`).

Schema changes are appended to SCHEMA as `add column if not exists` statements, so an existing
database upgrades on start.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg

from ..domain.cases import CaseChange, CaseRow, case_row
from ..domain.chronology import ChronologyEntry, EntryType
from ..domain.projection import Projection
from ..domain.pupils import PupilRow, display_name

SCHEMA = [
    """create table if not exists pupils (
        pupil_id uuid primary key,
        tenant text not null,
        school text not null,
        pupil_number text not null,
        given_name text not null,
        family_name text not null,
        date_of_birth date not null,
        registered_at timestamptz not null
    )""",
    """create table if not exists chronology (
        event_id uuid primary key,
        tenant text not null,
        school text not null,
        pupil_id uuid not null,
        event_type text not null,
        occurred_at timestamptz not null,
        sequence int not null,
        observed_on date,
        actor_id text not null,
        actor_role text not null,
        signal_id uuid,
        case_id uuid,
        body jsonb not null,
        corrections int not null default 0,
        latest_correction_id uuid
    )""",
    "create index if not exists chronology_by_pupil on chronology (pupil_id, occurred_at, sequence)",
    "create index if not exists chronology_by_signal on chronology (signal_id) where signal_id is not null",
    """create table if not exists school_cases (
        case_id uuid primary key,
        tenant text not null,
        school text not null,
        pupil_id uuid not null,
        step text not null,
        case_owner_id text not null,
        signal_ids uuid[] not null,
        opened_at timestamptz not null,
        last_event_at timestamptz not null
    )""",
    "create index if not exists school_cases_by_school on school_cases (tenant, school, last_event_at)",
    # --- v2: the whole casework state machine --------------------------------------------------
    """create table if not exists case_changes (
        event_id uuid primary key,
        case_id uuid not null,
        tenant text not null,
        school text not null,
        pupil_id uuid not null,
        event_type text not null,
        occurred_at timestamptz not null,
        sequence int not null,
        owner_id text,
        signal_ids uuid[] not null default '{}',
        outcome text,
        day date,
        to_school text,
        decision_reopened boolean not null default false
    )""",
    "create index if not exists case_changes_by_case on case_changes (case_id, sequence)",
    "alter table school_cases add column if not exists outcome text",
    "alter table school_cases add column if not exists reported_on date",
    "alter table school_cases add column if not exists reports int not null default 0",
    "alter table school_cases add column if not exists pupil_left_school boolean not null default false",
    "alter table school_cases add column if not exists left_school_on date",
    "alter table school_cases add column if not exists transferred_from text",
    "alter table school_cases add column if not exists transferred_on date",
    "alter table school_cases add column if not exists weighed boolean not null default false",
    "alter table school_cases add column if not exists step_before_close text",
    "alter table school_cases add column if not exists last_sequence int not null default 0",
    # Cases opened before v2 have only their CaseOpened, in the chronology: give them their change.
    """insert into case_changes (event_id, case_id, tenant, school, pupil_id, event_type, occurred_at,
                                 sequence, owner_id, signal_ids)
       select c.event_id, c.case_id, c.tenant, c.school, c.pupil_id, c.event_type, c.occurred_at,
              c.sequence, c.body ->> 'case_owner_id',
              array(select jsonb_array_elements_text(c.body -> 'signal_ids')::uuid)
       from chronology c
       where c.event_type = 'CaseOpened' and c.case_id is not null
         and not exists (select 1 from case_changes cc where cc.event_id = c.event_id)
       on conflict (event_id) do nothing""",
]


@dataclass(frozen=True)
class StoredEntry:
    """A chronology entry with the mark the corrections referring to it left on it."""

    entry: ChronologyEntry
    corrections: int
    latest_correction_id: uuid.UUID | None

    @property
    def corrected(self) -> bool:
        return self.corrections > 0


@dataclass(frozen=True)
class SchoolCase:
    case: CaseRow
    pupil_display_name: str | None


# --- writes (inside the consumer's transaction) ------------------------------------------------


async def apply(conn: asyncpg.Connection, projection: Projection) -> None:
    if projection.pupil is not None:
        await upsert_pupil(conn, projection.pupil)
    if projection.entry is not None:
        await add_entry(conn, projection.entry)
    if projection.case_change is not None:
        await add_case_change(conn, projection.case_change)


async def upsert_pupil(conn: asyncpg.Connection, pupil: PupilRow) -> None:
    await conn.execute(
        """insert into pupils (pupil_id, tenant, school, pupil_number, given_name, family_name,
                               date_of_birth, registered_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8)
           on conflict (pupil_id) do update set
               tenant = excluded.tenant, school = excluded.school,
               pupil_number = excluded.pupil_number, given_name = excluded.given_name,
               family_name = excluded.family_name, date_of_birth = excluded.date_of_birth,
               registered_at = excluded.registered_at""",
        pupil.pupil_id,
        pupil.tenant,
        pupil.school,
        pupil.pupil_number,
        pupil.given_name,
        pupil.family_name,
        pupil.date_of_birth,
        pupil.registered_at,
    )


async def add_entry(conn: asyncpg.Connection, entry: ChronologyEntry) -> None:
    """Add the entry once (keyed by event id); a correction also re-marks the signal it corrects."""
    await conn.execute(
        """insert into chronology (event_id, tenant, school, pupil_id, event_type, occurred_at, sequence,
                                   observed_on, actor_id, actor_role, signal_id, case_id, body)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb)
           on conflict (event_id) do nothing""",
        entry.event_id,
        entry.tenant,
        entry.school,
        entry.pupil_id,
        entry.event_type,
        entry.occurred_at,
        entry.sequence,
        entry.observed_on,
        entry.actor_id,
        entry.actor_role,
        entry.signal_id,
        entry.case_id,
        json.dumps(entry.facts),
    )
    if entry.signal_id is not None:
        await mark_corrections(conn, entry.signal_id)


async def mark_corrections(conn: asyncpg.Connection, signal_id: uuid.UUID) -> None:
    """Recompute the correction mark of a signal's entry from the stored corrections.

    Runs after the signal's entry *or* one of its corrections arrived, so a correction that is
    projected before its signal still marks it. Only the mark changes; the facts never do.
    """
    await conn.execute(
        """update chronology as original
           set corrections = marks.n, latest_correction_id = marks.latest
           from (
               select count(*)::int as n,
                      (array_agg(event_id order by occurred_at desc, sequence desc, event_id desc))[1]
                          as latest
               from chronology where signal_id = $1 and event_type = $3
           ) as marks
           where original.signal_id = $1 and original.event_type = $2""",
        signal_id,
        EntryType.SIGNAL_RECORDED.value,
        EntryType.SIGNAL_CORRECTED.value,
    )


async def add_case_change(conn: asyncpg.Connection, change: CaseChange) -> None:
    """Store the change once (keyed by event id) and fold the case's row again from all its changes."""
    await conn.execute("select pg_advisory_xact_lock(hashtext($1::text))", str(change.case_id))
    await conn.execute(
        """insert into case_changes (event_id, case_id, tenant, school, pupil_id, event_type, occurred_at,
                                     sequence, owner_id, signal_ids, outcome, day, to_school,
                                     decision_reopened)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
           on conflict (event_id) do nothing""",
        change.event_id,
        change.case_id,
        change.tenant,
        change.school,
        change.pupil_id,
        change.event_type,
        change.occurred_at,
        change.sequence,
        change.owner_id,
        list(change.signal_ids),
        change.outcome,
        change.day,
        change.to_school,
        change.decision_reopened,
    )
    records = await conn.fetch("select * from case_changes where case_id = $1", change.case_id)
    row = case_row(
        CaseChange(
            event_id=r["event_id"],
            event_type=r["event_type"],
            case_id=r["case_id"],
            tenant=r["tenant"],
            school=r["school"],
            pupil_id=r["pupil_id"],
            occurred_at=r["occurred_at"],
            sequence=r["sequence"],
            owner_id=r["owner_id"],
            signal_ids=tuple(r["signal_ids"]),
            outcome=r["outcome"],
            day=r["day"],
            to_school=r["to_school"],
            decision_reopened=r["decision_reopened"],
        )
        for r in records
    )
    if row is not None:
        await upsert_case(conn, row)


async def upsert_case(conn: asyncpg.Connection, case: CaseRow) -> None:
    """Write the case row as folded from all its changes (it replaces what was there)."""
    await conn.execute(
        """insert into school_cases (case_id, tenant, school, pupil_id, step, case_owner_id, signal_ids,
                                     opened_at, last_event_at, outcome, reported_on, reports,
                                     pupil_left_school, left_school_on, transferred_from, transferred_on,
                                     weighed, step_before_close, last_sequence)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
           on conflict (case_id) do update set
               tenant = excluded.tenant, school = excluded.school, pupil_id = excluded.pupil_id,
               step = excluded.step, case_owner_id = excluded.case_owner_id,
               signal_ids = excluded.signal_ids, opened_at = excluded.opened_at,
               last_event_at = excluded.last_event_at, outcome = excluded.outcome,
               reported_on = excluded.reported_on, reports = excluded.reports,
               pupil_left_school = excluded.pupil_left_school, left_school_on = excluded.left_school_on,
               transferred_from = excluded.transferred_from, transferred_on = excluded.transferred_on,
               weighed = excluded.weighed, step_before_close = excluded.step_before_close,
               last_sequence = excluded.last_sequence""",
        case.case_id,
        case.tenant,
        case.school,
        case.pupil_id,
        case.step,
        case.case_owner_id,
        list(case.signal_ids),
        case.opened_at,
        case.last_event_at,
        case.outcome,
        case.reported_on,
        case.reports,
        case.pupil_left_school,
        case.left_school_on,
        case.transferred_from,
        case.transferred_on,
        case.weighed,
        case.step_before_close,
        case.last_sequence,
    )


# --- queries (the HTTP API) ----------------------------------------------------------------------


def _pupil(record: Any) -> PupilRow:
    return PupilRow(
        pupil_id=record["pupil_id"],
        tenant=record["tenant"],
        school=record["school"],
        registered_at=record["registered_at"],
        pupil_number=record["pupil_number"],
        given_name=record["given_name"],
        family_name=record["family_name"],
        date_of_birth=record["date_of_birth"],
    )


async def find_pupil(pool: asyncpg.Pool, pupil_id: uuid.UUID) -> PupilRow | None:
    record = await pool.fetchrow("select * from pupils where pupil_id = $1", pupil_id)
    return _pupil(record) if record is not None else None


async def chronology_of(pool: asyncpg.Pool, tenant: str, pupil_id: uuid.UUID) -> list[StoredEntry]:
    """The pupil's entries in time order: occurred_at, then sequence (event id breaks ties)."""
    records = await pool.fetch(
        """select * from chronology where tenant = $1 and pupil_id = $2
           order by occurred_at, sequence, event_id""",
        tenant,
        pupil_id,
    )
    return [
        StoredEntry(
            entry=ChronologyEntry(
                event_id=r["event_id"],
                tenant=r["tenant"],
                school=r["school"],
                pupil_id=r["pupil_id"],
                event_type=r["event_type"],
                occurred_at=r["occurred_at"],
                sequence=r["sequence"],
                actor_id=r["actor_id"],
                actor_role=r["actor_role"],
                facts=json.loads(r["body"]),
                observed_on=r["observed_on"],
                signal_id=r["signal_id"],
                case_id=r["case_id"],
            ),
            corrections=r["corrections"],
            latest_correction_id=r["latest_correction_id"],
        )
        for r in records
    ]


async def cases_of_school(pool: asyncpg.Pool, tenant: str, school: str) -> list[SchoolCase]:
    """The school's cases, most recently changed first, with the pupil's name when known."""
    records = await pool.fetch(
        """select c.*, p.given_name, p.family_name
           from school_cases c left join pupils p on p.pupil_id = c.pupil_id
           where c.tenant = $1 and c.school = $2
           order by c.last_event_at desc, c.case_id""",
        tenant,
        school,
    )
    return [
        SchoolCase(
            case=CaseRow(
                case_id=r["case_id"],
                tenant=r["tenant"],
                school=r["school"],
                pupil_id=r["pupil_id"],
                step=r["step"],
                case_owner_id=r["case_owner_id"],
                signal_ids=tuple(r["signal_ids"]),
                opened_at=r["opened_at"],
                last_event_at=r["last_event_at"],
                outcome=r["outcome"],
                reported_on=r["reported_on"],
                reports=r["reports"],
                pupil_left_school=r["pupil_left_school"],
                left_school_on=r["left_school_on"],
                transferred_from=r["transferred_from"],
                transferred_on=r["transferred_on"],
                weighed=r["weighed"],
                step_before_close=r["step_before_close"],
                last_sequence=r["last_sequence"],
            ),
            pupil_display_name=(
                display_name(r["given_name"], r["family_name"]) if r["given_name"] is not None else None
            ),
        )
        for r in records
    ]
