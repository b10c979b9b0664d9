"""A page of projections written at once (the rebuild's replay): the same rows as applying them one
by one with `projection_writes.apply`, with one pipelined statement per kind of row instead of
several round trips per event.

Sound because every write is keyed by the event or aggregate id and the marks that depend on
other events are recomputed from what is stored (see `projection_writes`): the rows come out the
same in any order across tables. Within a kind of row the page's order is kept (`executemany` runs
its rows in order). An erasure scrubs what is stored before it, so the page is written in segments
split at every erasure, which is applied on its own in between.

With `first_seen` (the rebuild's replay, which hands over only events it recorded for the first
time in `processed_events`) the rows of the insert-only tables (`chronology`, `case_changes`,
`access_log`) are written with `COPY` rather than `insert … on conflict do nothing`: none of their
keys can be there yet. Should one be, the unique violation rolls the page back and the replay
applies it event by event with the live code. Without it a page may repeat what is stored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final

import asyncpg

from ..domain.cases import case_row
from ..domain.projection import Projection, ZorgteamChange
from .projection_writes import (
    CASE_LOCK_KEY,
    GIVE_ENTRIES_THEIR_PUPIL,
    INSERT_ACCESS,
    INSERT_CASE_CHANGE,
    INSERT_ENTRY,
    MARK_CORRECTIONS,
    UPSERT_CASE,
    UPSERT_PUPIL,
    UPSERT_STAFF,
    access_args,
    apply,
    case_args,
    case_change_args,
    correction_args,
    entry_args,
    pupil_args,
    staff_args,
)
from .records import case_change_of


async def apply_page(
    conn: asyncpg.Connection, projections: Sequence[Projection], *, first_seen: bool = False
) -> None:
    """Apply the page's projections in order inside the caller's transaction."""
    await lock_cases(conn, projections)
    segment: list[Projection] = []
    for projection in projections:
        if projection.erased_pupil is not None:
            await _apply_segment(conn, segment, first_seen)
            segment = []
            await apply(conn, projection)
        elif not projection.is_empty:
            segment.append(projection)
    await _apply_segment(conn, segment, first_seen)


async def lock_cases(conn: asyncpg.Connection, projections: Sequence[Projection]) -> None:
    """The same per-case locks as event by event (`LOCK_CASE`), for every case of the whole page at
    once, before anything is written and in the order of their keys: two lanes that share cases
    then wait for each other instead of deadlocking, also across the page's segments."""
    cases = {p.case_change.case_id for p in projections if p.case_change is not None} | {
        case for p in projections if p.entry is not None and (case := p.entry.waits_for_case) is not None
    }
    if cases:
        await conn.execute(
            f"""select pg_advisory_xact_lock(h) from (
                   select distinct {CASE_LOCK_KEY.format("id")} as h
                   from unnest($1::text[]) as id order by h) as locks""",  # noqa: S608 (a constant)
            [str(c) for c in cases],
        )


async def _apply_segment(
    conn: asyncpg.Connection, projections: Sequence[Projection], first_seen: bool
) -> None:
    if not projections:
        return
    pupils = [p.pupil for p in projections if p.pupil is not None]
    entries = [p.entry for p in projections if p.entry is not None]
    changes = [p.case_change for p in projections if p.case_change is not None]
    if pupils:
        await conn.executemany(UPSERT_PUPIL, [pupil_args(p) for p in pupils])
    waiting = {case for e in entries if (case := e.waits_for_case) is not None}
    cases = {c.case_id for c in changes}
    if changes:
        await _insert(conn, INSERT_CASE_CHANGE, [case_change_args(c) for c in changes], first_seen)
    if entries:
        pupil_of_case: dict[Any, Any] = {}
        if waiting:
            rows = await conn.fetch(
                """select distinct on (case_id) case_id, pupil_id from case_changes
                   where case_id = any($1::uuid[])""",
                list(waiting),
            )
            pupil_of_case = {r["case_id"]: r["pupil_id"] for r in rows}
        await _insert(
            conn,
            INSERT_ENTRY,
            [
                entry_args(e, e.pupil_id if e.pupil_id is not None else pupil_of_case.get(e.case_id))
                for e in entries
            ],
            first_seen,
        )
    if changes:
        first_pupil = {c.case_id: c.pupil_id for c in reversed(changes)}
        await conn.executemany(GIVE_ENTRIES_THEIR_PUPIL, list(first_pupil.items()))
    signals = list(dict.fromkeys(e.signal_id for e in entries if e.signal_id is not None))
    if signals:
        await conn.executemany(MARK_CORRECTIONS, [correction_args(s) for s in signals])
    if cases:
        await _fold_cases(conn, list(cases))
    access = [p.access for p in projections if p.access is not None]
    if access:
        await _insert(conn, INSERT_ACCESS, [access_args(a) for a in access], first_seen)
    await _change_zorgteams([p.zorgteam for p in projections if p.zorgteam is not None], conn)
    staff = [p.staff for p in projections if p.staff is not None]
    if staff:
        await conn.executemany(UPSERT_STAFF, [staff_args(s) for s in staff])


_INSERT_INTO: Final = re.compile(r"^insert into (\w+) \(([^)]*)\)")


async def _insert(conn: asyncpg.Connection, insert: str, rows: list[tuple[Any, ...]], copy: bool) -> None:
    """The rows of `insert` (one of `projection_writes`' statements, whose arguments follow its
    column list), with `copy` copied into its table instead."""
    if not copy:
        await conn.executemany(insert, rows)
        return
    match = _INSERT_INTO.match(insert)
    assert match is not None, insert
    table, columns = match.group(1), [c.strip() for c in match.group(2).split(",")]
    await conn.copy_records_to_table(table, records=rows, columns=columns)


async def _fold_cases(conn: asyncpg.Connection, case_ids: list[Any]) -> None:
    """Fold each case's row again from all its stored changes, as `add_case_change` does per event."""
    records = await conn.fetch("select * from case_changes where case_id = any($1::uuid[])", case_ids)
    by_case: dict[Any, list[Any]] = {}
    for record in records:
        by_case.setdefault(record["case_id"], []).append(record)
    rows = [case_row(case_change_of(r) for r in changes) for changes in by_case.values()]
    folded = [case_args(row) for row in rows if row is not None]
    if folded:
        await conn.executemany(UPSERT_CASE, folded)


async def _change_zorgteams(changes: list[ZorgteamChange], conn: asyncpg.Connection) -> None:
    """The last change of each invitation in the page is what stays (`change_zorgteam`)."""
    last = {f"{c.case_id}/{c.member_id}": c for c in changes}
    invited = [(key, c.case_id, c.member_id) for key, c in last.items() if c.invited]
    withdrawn = [(key,) for key, c in last.items() if not c.invited]
    if invited:
        await conn.executemany(
            "insert into case_zorgteam (invitation, case_id, member_id) values ($1, $2, $3) on conflict do nothing",
            invited,
        )
    if withdrawn:
        await conn.executemany("delete from case_zorgteam where invitation = $1", withdrawn)
