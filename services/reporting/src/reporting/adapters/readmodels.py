"""The read models in PostgreSQL (asyncpg): schema, idempotent upserts, and the queries of the API.

Every write is keyed by the event id or the aggregate id, so applying an event twice changes
nothing, and the marks that depend on other events (a signal's corrections, a case's current
step) are recomputed from what is stored, so they come out the same in any arrival order: each
case event is stored once in `case_changes` (ids, dates and codes only) and the `school_cases`
row is folded again from all changes of that case (`reporting.domain.cases.case_row`); its step
and open obligations are the ones casework published last (`CaseObligationsChanged`).

The tables are made by the versioned migrations in `reporting/adapters/migrations/` (ADR 20): a
schema change is a new numbered SQL file there.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import asyncpg

from ..domain.access import AccessEntry
from ..domain.cases import CaseChange, CaseRow, Obligation, case_row
from ..domain.chronology import ChronologyEntry, EntryType
from ..domain.dashboard import DashboardFacts, StepPeriod, step_periods
from ..domain.projection import Projection, ZorgteamChange
from ..domain.pupils import PupilRow, display_name
from .erasure import erase_pupil


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
    if projection.access is not None:
        await add_access(conn, projection.access)
    if projection.erased_pupil is not None:
        await erase_pupil(conn, projection.erased_pupil)
    if projection.zorgteam is not None:
        await change_zorgteam(conn, projection.zorgteam)


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


async def invited_cases(pool: asyncpg.Pool, member_id: str) -> set[uuid.UUID]:
    """The cases a zorgteam member is invited into: all they may see of the case lists."""
    rows = await pool.fetch("select case_id from case_zorgteam where member_id = $1", member_id)
    return {r["case_id"] for r in rows}


async def invited_cases_of_pupil(pool: asyncpg.Pool, member_id: str, pupil_id: uuid.UUID) -> set[uuid.UUID]:
    rows = await pool.fetch(
        """select z.case_id from case_zorgteam z join school_cases c on c.case_id = z.case_id
           where z.member_id = $1 and c.pupil_id = $2""",
        member_id,
        pupil_id,
    )
    return {r["case_id"] for r in rows}


async def is_invited(pool: asyncpg.Pool, member_id: str, case_id: uuid.UUID) -> bool:
    found = await pool.fetchval(
        "select 1 from case_zorgteam where member_id = $1 and case_id = $2", member_id, case_id
    )
    return found is not None


async def add_access(conn: asyncpg.Connection, entry: AccessEntry) -> None:
    await conn.execute(
        """insert into access_log (access_id, event_id, occurred_at, tenant, school, user_id, role,
                                   on_behalf_of, service, action, resource, pupil_id, case_id,
                                   client_address, client_application)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
           on conflict (access_id) do nothing""",
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
    """Add the entry once (keyed by event id); a correction also re-marks the signal it corrects.

    An entry that names its case but not its pupil (a notifications event) takes the pupil of the
    case when the case is known; otherwise it waits with pupil_id null, and the case's first change
    gives it its pupil (`add_case_change`), so either arrival order ends the same.
    """
    pupil_id = entry.pupil_id
    if pupil_id is None and entry.case_id is not None:
        await conn.execute("select pg_advisory_xact_lock(hashtext($1::text))", str(entry.case_id))
        pupil_id = await conn.fetchval(
            "select pupil_id from case_changes where case_id = $1 limit 1", entry.case_id
        )
    await conn.execute(
        """insert into chronology (event_id, tenant, school, pupil_id, event_type, occurred_at, sequence,
                                   observed_on, actor_id, actor_role, signal_id, case_id, body)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb)
           on conflict (event_id) do nothing""",
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
                                     decision_reopened, step, obligations)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16::jsonb)
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
        change.step,
        _obligations_json(change.obligations),
    )
    await conn.execute(
        "update chronology set pupil_id = $2 where case_id = $1 and pupil_id is null",
        change.case_id,
        change.pupil_id,
    )
    records = await conn.fetch("select * from case_changes where case_id = $1", change.case_id)
    row = case_row(_change(r) for r in records)
    if row is not None:
        await upsert_case(conn, row)


def _obligations_json(obligations: tuple[Obligation, ...]) -> str:
    return json.dumps(
        [{"kind": o.kind, "due_on": o.due_on.isoformat() if o.due_on else None} for o in obligations]
    )


def _obligations(value: str | None) -> tuple[Obligation, ...]:
    return tuple(
        Obligation(o["kind"], date.fromisoformat(o["due_on"]) if o.get("due_on") else None)
        for o in json.loads(value or "[]")
    )


async def upsert_case(conn: asyncpg.Connection, case: CaseRow) -> None:
    """Write the case row as folded from all its changes (it replaces what was there)."""
    await conn.execute(
        """insert into school_cases (case_id, tenant, school, pupil_id, step, case_owner_id, signal_ids,
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
               obligations = excluded.obligations""",
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
        _obligations_json(case.obligations),
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


def _case_row(r: Any) -> CaseRow:
    return CaseRow(
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
        last_sequence=r["last_sequence"],
        step_since=r["step_since"],
        obligations=_obligations(r["obligations"]),
    )


async def find_case(pool: asyncpg.Pool, case_id: uuid.UUID) -> CaseRow | None:
    """The case's row: its school now (after a transfer: the new one), pupil and signals."""
    record = await pool.fetchrow("select * from school_cases where case_id = $1", case_id)
    return _case_row(record) if record is not None else None


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
            case=_case_row(r),
            pupil_display_name=(
                display_name(r["given_name"], r["family_name"]) if r["given_name"] is not None else None
            ),
        )
        for r in records
    ]


def _change(r: Any) -> CaseChange:
    return CaseChange(
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
        step=r["step"],
        obligations=_obligations(r["obligations"]),
    )


async def dashboard_facts(
    pool: asyncpg.Pool,
    tenant: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> DashboardFacts:
    """The counts behind the dashboards of a samenwerkingsverband, per school and calendar month
    (Dutch time): every school's, since each dashboard is cut from the whole grid.

    Events count when they happened in [since, until); open cases are those open now.
    """
    args = (tenant, since, until)
    where = """tenant = $1
               and ($2::timestamptz is null or occurred_at >= $2)
               and ($3::timestamptz is null or occurred_at < $3)"""
    month = "(date_trunc('month', occurred_at at time zone 'Europe/Amsterdam'))::date as month"
    signals = await pool.fetch(
        f"""select school, {month}, count(*)::int as n from chronology
            where {where} and event_type = 'SignalRecorded' group by school, month""",  # noqa: S608
        *args,
    )
    open_cases = await pool.fetch(
        """select school, step, count(*)::int as n from school_cases
           where tenant = $1 and step <> 'gesloten'
           group by school, step""",
        tenant,
    )
    changes = await pool.fetch(
        f"""select school, {month}, event_type, outcome,
                   count(distinct case_id)::int as cases, count(*)::int as n
            from case_changes
            where {where} and event_type in ('DecisionMade', 'AmkNotified', 'PupilLeftSchool')
            group by school, month, event_type, outcome""",  # noqa: S608
        *args,
    )
    history = await pool.fetch(
        "select * from case_changes where tenant = $1 order by case_id, sequence",
        tenant,
    )
    by_case: dict[uuid.UUID, list[CaseChange]] = {}
    for r in history:
        by_case.setdefault(r["case_id"], []).append(_change(r))
    periods: list[StepPeriod] = [
        p
        for case_changes in by_case.values()
        for p in step_periods(case_changes)
        if (since is None or p.left_at >= since) and (until is None or p.left_at < until)
    ]
    decisions: dict[tuple[str, date, str], int] = {}
    reports: dict[tuple[str, date], int] = {}
    left: dict[tuple[str, date], int] = {}
    for r in changes:
        if r["event_type"] == "DecisionMade":
            key = (r["school"], r["month"], r["outcome"] or "")
            decisions[key] = decisions.get(key, 0) + r["n"]
        elif r["event_type"] == "AmkNotified":
            reports[(r["school"], r["month"])] = reports.get((r["school"], r["month"]), 0) + r["n"]
        else:
            left[(r["school"], r["month"])] = left.get((r["school"], r["month"]), 0) + r["cases"]
    return DashboardFacts(
        signals_recorded={(r["school"], r["month"]): r["n"] for r in signals},
        open_cases={(r["school"], r["step"]): r["n"] for r in open_cases},
        decisions=decisions,
        reports=reports,
        pupils_left=left,
        periods=periods,
    )


def _access(r: Any) -> AccessEntry:
    return AccessEntry(
        access_id=r["access_id"],
        event_id=r["event_id"],
        occurred_at=r["occurred_at"],
        tenant=r["tenant"],
        school=r["school"],
        user_id=r["user_id"],
        role=r["role"],
        on_behalf_of=r["on_behalf_of"],
        service=r["service"],
        action=r["action"],
        resource=r["resource"],
        pupil_id=r["pupil_id"],
        case_id=r["case_id"],
        client_address=r["client_address"],
        client_application=r["client_application"],
    )


async def access_log_entries(
    pool: asyncpg.Pool,
    tenant: str,
    *,
    pupil_id: uuid.UUID | None = None,
    user_id: str | None = None,
    between: tuple[datetime, datetime] | None = None,
    limit: int,
    offset: int,
) -> list[AccessEntry]:
    """The samenwerkingsverband's access log for one pupil, one employee or one period; newest first."""
    records = await pool.fetch(
        """select * from access_log
           where tenant = $1
             and ($2::uuid is null or pupil_id = $2)
             and ($3::text is null or user_id = $3)
             and ($4::timestamptz is null or occurred_at >= $4)
             and ($5::timestamptz is null or occurred_at < $5)
           order by occurred_at desc, access_id
           limit $6 offset $7""",
        tenant,
        pupil_id,
        user_id,
        between[0] if between else None,
        between[1] if between else None,
        limit,
        offset,
    )
    return [_access(r) for r in records]


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
            row = case_row(_change(r) for r in records)
            if row is not None:
                await upsert_case(conn, row)
        await conn.execute(
            """insert into projection_versions (name, version) values ('school_cases', $1)
               on conflict (name) do update set version = excluded.version""",
            CASE_FOLD_VERSION,
        )
        return len(case_ids)


# --- for the portal's teacher screens ------------------------------------------------------------


async def search_pupils(
    pool: asyncpg.Pool, tenant: str, school: str, query: str, *, limit: int = 20
) -> list[PupilRow]:
    """Pupils of one school whose name or leerlingnummer contains `query` (case-insensitive)."""
    pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    records = await pool.fetch(
        """select * from pupils
           where tenant = $1 and school = $2
             and (given_name || ' ' || family_name ilike $3 or pupil_number ilike $3)
           order by family_name, given_name, pupil_id
           limit $4""",
        tenant,
        school,
        pattern,
        limit,
    )
    return [_pupil(r) for r in records]


@dataclass(frozen=True)
class RecordedSignal:
    """A signal as its observer sees it in their own list; `facts` may hold personal data."""

    signal_id: uuid.UUID
    pupil_id: uuid.UUID
    pupil_display_name: str | None
    observed_on: date | None
    occurred_at: datetime
    corrections: int
    facts: dict[str, Any] = field(repr=False)


async def signals_recorded_by(
    pool: asyncpg.Pool, tenant: str, school: str, actor_id: str, *, limit: int = 200
) -> list[RecordedSignal]:
    """The signals `actor_id` recorded at `school`, newest first, with the pupil's name."""
    records = await pool.fetch(
        """select c.signal_id, c.pupil_id, c.observed_on, c.occurred_at, c.corrections, c.body,
                  p.given_name, p.family_name
           from chronology c left join pupils p on p.pupil_id = c.pupil_id
           where c.tenant = $1 and c.school = $2 and c.actor_id = $3 and c.event_type = 'SignalRecorded'
           order by c.occurred_at desc, c.event_id
           limit $4""",
        tenant,
        school,
        actor_id,
        limit,
    )
    return [
        RecordedSignal(
            signal_id=r["signal_id"],
            pupil_id=r["pupil_id"],
            pupil_display_name=display_name(r["given_name"], r["family_name"])
            if r["given_name"] is not None
            else None,
            observed_on=r["observed_on"],
            occurred_at=r["occurred_at"],
            corrections=r["corrections"],
            facts=json.loads(r["body"]),
        )
        for r in records
    ]
