"""The read models written: each projection of a contract event applied inside the consumer's
transaction, by idempotent upserts.

Every write is keyed by the event id or the aggregate id, so applying an event twice changes
nothing, and the marks that depend on other events (a signal's corrections, a case's current
step) are recomputed from what is stored, so they come out the same in any arrival order: each
case event is stored once in `case_changes` (ids, dates and codes only) and the `school_cases`
row is folded again from all changes of that case (`reporting.domain.cases.case_row`); its step
and open obligations are the ones casework published last (`CaseObligationsChanged`).
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Final

import asyncpg

from ..domain.access import AccessEntry
from ..domain.cases import CaseChange, CaseRow, case_row
from ..domain.chronology import ChronologyEntry, EntryType
from ..domain.projection import Projection, ZorgteamChange
from ..domain.pupils import PupilRow
from ..domain.staff import StaffListing
from .erasure import erase_pupil
from .records import case_change_of, obligations_json

CASE_LOCK_KEY: Final = "hashtext(current_schema() || ':' || {})"
"""The advisory lock of one case, as an SQL expression over `{}` (the case id as text): held while
a transaction stores the case's changes or gives its pupil to entries that named only the case.
Advisory locks are database-wide, so the key includes the schema: the rebuild's replay into
`rebuild_<stamp>` never waits for the live consumer's transactions on the same case, nor the other
way round (they would deadlock, the one taking its locks in sorted order and the other in event
order)."""
LOCK_CASE: Final = f"select pg_advisory_xact_lock({CASE_LOCK_KEY.format('$1::text')})"


class ReadModelWriter:
    """Applies projections on one connection (the consumer's transaction)."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def apply(self, projection: Projection) -> None:
        await apply(self._conn, projection)


async def apply(conn: asyncpg.Connection, projection: Projection) -> None:
    if projection.pupil is not None:
        await upsert_pupil(conn, projection.pupil)
    if projection.entry is not None:
        await add_entry(conn, projection.entry)
    if projection.case_change is not None:
        await add_case_change(conn, projection.case_change)
    if projection.access is not None:
        await add_access(conn, projection.access)
    if projection.erased_pupil is not None:
        await erase_pupil(conn, projection.erased_pupil)
    if projection.zorgteam is not None:
        await change_zorgteam(conn, projection.zorgteam)
    if projection.staff is not None:
        await change_staff(conn, projection.staff)


UPSERT_STAFF: Final = """insert into staff_names (listing, tenant, school, user_id, name, role, listed, changed_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8)
           on conflict (listing) do update set
               name = case when staff_names.changed_at <= excluded.changed_at
                           then coalesce(excluded.name, staff_names.name)
                           else coalesce(staff_names.name, excluded.name) end,
               role = case when staff_names.changed_at <= excluded.changed_at
                           then coalesce(excluded.role, staff_names.role)
                           else coalesce(staff_names.role, excluded.role) end,
               listed = case when staff_names.changed_at <= excluded.changed_at
                             then excluded.listed else staff_names.listed end,
               changed_at = greatest(staff_names.changed_at, excluded.changed_at)"""


def staff_args(listing: StaffListing) -> tuple[Any, ...]:
    return (
        listing.key,
        listing.tenant,
        listing.school,
        listing.user_id,
        listing.name,
        listing.role,
        listing.listed,
        listing.changed_at,
    )


async def change_staff(conn: asyncpg.Connection, listing: StaffListing) -> None:
    """The latest event of a person at a school wins (by time, so any arrival order ends the same);
    a delisting keeps the name, and a listing older than the row still gives a name it lacked."""
    await conn.execute(UPSERT_STAFF, *staff_args(listing))


async def change_zorgteam(conn: asyncpg.Connection, change: ZorgteamChange) -> None:
    key = f"{change.case_id}/{change.member_id}"
    if change.invited:
        await conn.execute(
            "insert into case_zorgteam (invitation, case_id, member_id) values ($1, $2, $3) on conflict do nothing",
            key,
            change.case_id,
            change.member_id,
        )
    else:
        await conn.execute("delete from case_zorgteam where invitation = $1", key)


INSERT_ACCESS: Final = """insert into access_log (access_id, event_id, occurred_at, tenant, school, user_id, role,
                                   on_behalf_of, service, action, resource, pupil_id, case_id,
                                   client_address, client_application)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
           on conflict (access_id) do nothing"""


def access_args(entry: AccessEntry) -> tuple[Any, ...]:
    return (
        entry.access_id,
        entry.event_id,
        entry.occurred_at,
        entry.tenant,
        entry.school,
        entry.user_id,
        entry.role,
        entry.on_behalf_of,
        entry.service,
        entry.action,
        entry.resource,
        entry.pupil_id,
        entry.case_id,
        entry.client_address,
        entry.client_application,
    )


async def add_access(conn: asyncpg.Connection, entry: AccessEntry) -> None:
    await conn.execute(INSERT_ACCESS, *access_args(entry))


UPSERT_PUPIL: Final = """insert into pupils (pupil_id, tenant, school, pupil_number, given_name, family_name,
                               date_of_birth, registered_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8)
           on conflict (pupil_id) do update set
               tenant = excluded.tenant, school = excluded.school,
               pupil_number = excluded.pupil_number, given_name = excluded.given_name,
               family_name = excluded.family_name, date_of_birth = excluded.date_of_birth,
               registered_at = excluded.registered_at"""


def pupil_args(pupil: PupilRow) -> tuple[Any, ...]:
    return (
        pupil.pupil_id,
        pupil.tenant,
        pupil.school,
        pupil.pupil_number,
        pupil.given_name,
        pupil.family_name,
        pupil.date_of_birth,
        pupil.registered_at,
    )


async def upsert_pupil(conn: asyncpg.Connection, pupil: PupilRow) -> None:
    await conn.execute(UPSERT_PUPIL, *pupil_args(pupil))


INSERT_ENTRY: Final = """insert into chronology (event_id, tenant, school, pupil_id, event_type, occurred_at, sequence,
                                   observed_on, actor_id, actor_role, signal_id, case_id, body)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb)
           on conflict (event_id) do nothing"""


def entry_args(entry: ChronologyEntry, pupil_id: uuid.UUID | None) -> tuple[Any, ...]:
    return (
        entry.event_id,
        entry.tenant,
        entry.school,
        pupil_id,
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


MARK_CORRECTIONS: Final = """update chronology as original
           set corrections = marks.n, latest_correction_id = marks.latest
           from (
               select count(*)::int as n,
                      (array_agg(event_id order by occurred_at desc, sequence desc, event_id desc))[1]
                          as latest
               from chronology where signal_id = $1 and event_type = $3
           ) as marks
           where original.signal_id = $1 and original.event_type = $2"""


def correction_args(signal_id: uuid.UUID) -> tuple[Any, ...]:
    return (signal_id, EntryType.SIGNAL_RECORDED.value, EntryType.SIGNAL_CORRECTED.value)


INSERT_CASE_CHANGE: Final = """insert into case_changes (event_id, case_id, tenant, school, pupil_id, event_type, occurred_at,
                                     sequence, owner_id, signal_ids, outcome, day, to_school,
                                     decision_reopened, step, obligations)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16::jsonb)
           on conflict (event_id) do nothing"""


def case_change_args(change: CaseChange) -> tuple[Any, ...]:
    return (
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
        change.step,
        obligations_json(change.obligations),
    )


GIVE_ENTRIES_THEIR_PUPIL: Final = (
    "update chronology set pupil_id = $2 where case_id = $1 and pupil_id is null"
)
"""A case's change gives its pupil to the entries that named only the case (`add_entry`)."""


async def add_entry(conn: asyncpg.Connection, entry: ChronologyEntry) -> None:
    """Add the entry once (keyed by event id); a correction also re-marks the signal it corrects.

    An entry that names its case but not its pupil (a notifications event) takes the pupil of the
    case when the case is known; otherwise it waits with pupil_id null, and the case's first change
    gives it its pupil (`add_case_change`), so either arrival order ends the same.
    """
    pupil_id = entry.pupil_id
    if (case_id := entry.waits_for_case) is not None:
        await conn.execute(LOCK_CASE, str(case_id))
        pupil_id = await conn.fetchval(
            "select pupil_id from case_changes where case_id = $1 limit 1", case_id
        )
    await conn.execute(INSERT_ENTRY, *entry_args(entry, pupil_id))
    if entry.signal_id is not None:
        await mark_corrections(conn, entry.signal_id)


async def mark_corrections(conn: asyncpg.Connection, signal_id: uuid.UUID) -> None:
    """Recompute the correction mark of a signal's entry from the stored corrections.

    Runs after the signal's entry *or* one of its corrections arrived, so a correction that is
    projected before its signal still marks it. Only the mark changes; the facts never do.
    """
    await conn.execute(MARK_CORRECTIONS, *correction_args(signal_id))


async def add_case_change(conn: asyncpg.Connection, change: CaseChange) -> None:
    """Store the change once (keyed by event id) and fold the case's row again from all its changes."""
    await conn.execute(LOCK_CASE, str(change.case_id))
    await conn.execute(INSERT_CASE_CHANGE, *case_change_args(change))
    await conn.execute(GIVE_ENTRIES_THEIR_PUPIL, change.case_id, change.pupil_id)
    records = await conn.fetch("select * from case_changes where case_id = $1", change.case_id)
    row = case_row(case_change_of(r) for r in records)
    if row is not None:
        await upsert_case(conn, row)


UPSERT_CASE: Final = """insert into school_cases (case_id, tenant, school, pupil_id, step, case_owner_id, signal_ids,
                                     opened_at, last_event_at, outcome, reported_on, reports,
                                     pupil_left_school, left_school_on, transferred_from, transferred_on,
                                     last_sequence, step_since, obligations)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                   $19::jsonb)
           on conflict (case_id) do update set
               tenant = excluded.tenant, school = excluded.school, pupil_id = excluded.pupil_id,
               step = excluded.step, case_owner_id = excluded.case_owner_id,
               signal_ids = excluded.signal_ids, opened_at = excluded.opened_at,
               last_event_at = excluded.last_event_at, outcome = excluded.outcome,
               reported_on = excluded.reported_on, reports = excluded.reports,
               pupil_left_school = excluded.pupil_left_school, left_school_on = excluded.left_school_on,
               transferred_from = excluded.transferred_from, transferred_on = excluded.transferred_on,
               last_sequence = excluded.last_sequence, step_since = excluded.step_since,
               obligations = excluded.obligations"""


def case_args(case: CaseRow) -> tuple[Any, ...]:
    return (
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
        case.last_sequence,
        case.step_since,
        obligations_json(case.obligations),
    )


async def upsert_case(conn: asyncpg.Connection, case: CaseRow) -> None:
    """Write the case row as folded from all its changes (it replaces what was there)."""
    await conn.execute(UPSERT_CASE, *case_args(case))


CASE_FOLD_VERSION = 4
"""Raise it whenever `reporting.domain.cases.case_row` fills more or other columns: at start-up the
stored case rows are then folded again from their changes (`refold_cases_if_stale`), so a live
database equals a rebuild without waiting for each case's next event."""


async def refold_cases_if_stale(conn: asyncpg.Connection) -> int | None:
    """Fold every case row again when it was made by an older fold; the number refolded, or None."""
    async with conn.transaction():
        await conn.execute("select pg_advisory_xact_lock(hashtext('reporting-case-fold'))")
        stored = await conn.fetchval("select version from projection_versions where name = 'school_cases'")
        if stored is not None and stored >= CASE_FOLD_VERSION:
            return None
        case_ids = [r["case_id"] for r in await conn.fetch("select distinct case_id from case_changes")]
        for case_id in case_ids:
            records = await conn.fetch("select * from case_changes where case_id = $1", case_id)
            row = case_row(case_change_of(r) for r in records)
            if row is not None:
                await upsert_case(conn, row)
        await conn.execute(
            """insert into projection_versions (name, version) values ('school_cases', $1)
               on conflict (name) do update set version = excluded.version""",
            CASE_FOLD_VERSION,
        )
        return len(case_ids)
