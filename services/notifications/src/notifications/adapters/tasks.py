"""Tasks in PostgreSQL: applying the decisions of `domain.decisions`, and reading tasks back."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

import asyncpg

from meldcode_contracts import Role

from ..domain.access import Viewer, can_see
from ..domain.cases import CaseState
from ..domain.decisions import Coverage, Decision
from ..domain.pupils import KnownPupil, PupilName
from ..domain.reminders import Reminder, reminder_for
from ..domain.task_pages import Direction, Page, PageRequest, cut_page
from ..domain.tasks import Assignee, Completion, Task, TaskKind, TaskStatus


class PostgresTaskStore:
    """The `application.TaskStore` port on one connection, inside the caller's transaction."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def remember_pupil(self, pupil: KnownPupil) -> None:
        await remember_pupil(self._conn, pupil)

    async def coverage_of(self, tenant: str, signal_id: uuid.UUID) -> Coverage | None:
        return await coverage_of(self._conn, tenant, signal_id)

    async def case_state(self, tenant: str, case_id: uuid.UUID) -> CaseState | None:
        return await case_state(self._conn, tenant, case_id)

    async def open_cases_of(self, tenant: str, pupil_id: uuid.UUID) -> list[uuid.UUID]:
        rows = await self._conn.fetch(
            "select case_id from case_context where tenant = $1 and pupil_id = $2 and not closed",
            tenant,
            pupil_id,
        )
        return [row["case_id"] for row in rows]

    async def signals_since(self, tenant: str, pupil_id: uuid.UUID, since: datetime) -> int:
        # Every SignalRecorded gave a new_signal task (born done when a case covered it already).
        count: int = await self._conn.fetchval(
            """select count(*) from tasks
               where tenant = $1 and pupil_id = $2 and kind = 'new_signal' and created_at >= $3""",
            tenant,
            pupil_id,
            since,
        )
        return count

    async def apply_decision(self, decision: Decision) -> list[uuid.UUID]:
        return await apply_decision(self._conn, decision)

    async def visible_tasks(
        self, viewer: Viewer, status: TaskStatus | None, page: PageRequest
    ) -> Page[tuple[Task, PupilName | None]]:
        return await visible_tasks(self._conn, viewer, status, page)

    async def task_for_update(self, task_id: uuid.UUID) -> Task | None:
        return await task_for_update(self._conn, task_id)

    async def save_completion(self, task: Task) -> bool:
        return await save_completion(self._conn, task)

    async def count_visible(self, viewer: Viewer, status: TaskStatus | None) -> int:
        return await count_visible(self._conn, viewer, status)

    async def save_reopening(self, task: Task, completed_by: str) -> bool:
        return await save_reopening(self._conn, task, completed_by)


TASK_COLUMNS = """t.task_id, t.tenant, t.school, t.kind, t.assignee_role, t.assignee_user_id, t.pupil_id,
    t.case_id, t.signal_id, t.created_at, t.due_at, t.status, t.completed_at, t.completed_by,
    t.fulfilled_by_event_id, t.source_event_id"""
PUPIL_JOIN = "left join pupils p on p.pupil_id = t.pupil_id and p.tenant = t.tenant"


async def remember_pupil(conn: asyncpg.Connection, pupil: KnownPupil) -> None:
    """Keep the minimal name of a registered pupil (given name, family-name initial)."""
    await conn.execute(
        """insert into pupils (pupil_id, tenant, school, given_name, family_initial, registered_at)
           values ($1, $2, $3, $4, $5, $6) on conflict (pupil_id) do nothing""",
        pupil.pupil_id,
        pupil.tenant,
        pupil.school,
        pupil.name.given_name,
        pupil.name.family_initial,
        pupil.registered_at,
    )


async def apply_decision(conn: asyncpg.Connection, decision: Decision) -> list[uuid.UUID]:
    """Store what the rules decided, idempotently, in the order `Decision` names; returns the ids
    of the tasks that are new."""
    await _complete_and_reassign(conn, decision)
    created = await _create(conn, decision)
    await _cover(conn, decision)
    if decision.case_state is not None:
        await save_case_state(conn, decision.case_state)
    return created


async def _complete_and_reassign(conn: asyncpg.Connection, decision: Decision) -> None:
    for completion in decision.completions:
        await conn.execute(
            """update tasks set status = 'done', completed_at = $4, completed_by = $5,
                   fulfilled_by_event_id = $6
               where tenant = $1 and kind = $2 and signal_id = any($3::uuid[]) and status = 'open'""",
            completion.tenant,
            completion.kind.value,
            list(completion.signal_ids),
            completion.completion.completed_at,
            completion.completion.completed_by,
            completion.completion.fulfilled_by_event_id,
        )
    for done in decision.case_completions:
        await conn.execute(
            """update tasks set status = 'done', completed_at = $4, completed_by = $5,
                   fulfilled_by_event_id = $6
               where tenant = $1 and case_id = $2 and kind = any($3::text[]) and status = 'open'
                 and source_event_id is distinct from $6
                 and ($7::text is null or assignee_user_id = $7)""",
            done.tenant,
            done.case_id,
            [kind.value for kind in done.kinds],
            done.completion.completed_at,
            done.completion.completed_by,
            done.completion.fulfilled_by_event_id,
            done.assignee_user_id,
        )
    for moved in decision.reassignments:
        await conn.execute(
            """update tasks set assignee_user_id = $4, school = coalesce($5, school)
               where tenant = $1 and case_id = $2 and assignee_user_id = $3 and status = 'open'
                 and (cardinality($6::text[]) = 0 or kind = any($6::text[]))""",
            moved.tenant,
            moved.case_id,
            moved.from_user_id,
            moved.to_user_id,
            moved.to_school,
            [kind.value for kind in moved.kinds],
        )


async def _create(conn: asyncpg.Connection, decision: Decision) -> list[uuid.UUID]:
    created: list[uuid.UUID] = []
    for task in decision.new_tasks:
        if await insert_task(conn, task):
            created.append(task.task_id)
        if (reminder := reminder_for(task)) is not None:
            await schedule_reminder(conn, reminder)
    for task in decision.obligation_tasks:
        if await keep_obligation_task(conn, task):
            created.append(task.task_id)
    return created


async def _cover(conn: asyncpg.Connection, decision: Decision) -> None:
    for coverage in decision.coverages:
        await conn.execute(
            """insert into signal_coverage (tenant, signal_id, case_id, source_event_id, covered_at)
               values ($1, $2, $3, $4, $5) on conflict (tenant, signal_id) do nothing""",
            coverage.tenant,
            coverage.signal_id,
            coverage.case_id,
            coverage.event_id,
            coverage.covered_at,
        )


async def keep_obligation_task(conn: asyncpg.Connection, task: Task) -> bool:
    """The open task of the task's kind in its case, due as casework now says; the task itself when
    none is open. A due time that moved cancels the reminder of the old one. True when it was new."""
    open_task = await conn.fetchrow(
        """select task_id, due_at from tasks
           where tenant = $1 and case_id = $2 and kind = $3 and status = 'open'
           order by created_at, task_id limit 1 for update""",
        task.tenant,
        task.case_id,
        task.kind.value,
    )
    if open_task is None:
        created = await insert_task(conn, task)
        if (reminder := reminder_for(task)) is not None:
            await schedule_reminder(conn, reminder)
        return created
    if open_task["due_at"] != task.due_at:
        await conn.execute(
            "update tasks set due_at = $2 where task_id = $1", open_task["task_id"], task.due_at
        )
        await conn.execute(
            """update reminders set status = 'cancelled'
               where task_id = $1 and status = 'pending' and due_at is distinct from $2""",
            open_task["task_id"],
            task.due_at,
        )
        kept = replace(task, task_id=open_task["task_id"])
        if (reminder := reminder_for(kept)) is not None:
            await schedule_reminder(conn, reminder)
    return False


async def schedule_reminder(conn: asyncpg.Connection, reminder: Reminder) -> None:
    """One row per (task, deadline): scheduling it again (a redelivery, a replay) changes nothing,
    and a reminder that fired stays fired."""
    await conn.execute(
        """insert into reminders (reminder_id, task_id, due_at) values ($1, $2, $3)
           on conflict do nothing""",
        reminder.reminder_id,
        reminder.task_id,
        reminder.due_at,
    )


async def save_case_state(conn: asyncpg.Connection, case: CaseState) -> None:
    """Keep the case as the rules know it now (never over a case of another tenant)."""
    await conn.execute(
        """insert into case_context (case_id, tenant, pupil_id, school, owner_id, care_coordinator_id,
               parents_informer_id, reporter_id, closed, weighed)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           on conflict (case_id) do update set school = excluded.school, owner_id = excluded.owner_id,
               care_coordinator_id = excluded.care_coordinator_id,
               parents_informer_id = excluded.parents_informer_id, reporter_id = excluded.reporter_id,
               closed = excluded.closed, weighed = excluded.weighed
           where case_context.tenant = excluded.tenant""",
        case.case_id,
        case.tenant,
        case.pupil_id,
        case.school,
        case.owner_id,
        case.care_coordinator_id,
        case.parents_informer_id,
        case.reporter_id,
        case.closed,
        case.weighed,
    )


async def case_state(conn: asyncpg.Connection, tenant: str, case_id: uuid.UUID) -> CaseState | None:
    row = await conn.fetchrow(
        """select case_id, tenant, pupil_id, school, owner_id, care_coordinator_id, parents_informer_id,
               reporter_id, closed, weighed
           from case_context where tenant = $1 and case_id = $2""",
        tenant,
        case_id,
    )
    if row is None:
        return None
    return CaseState(
        tenant=row["tenant"],
        case_id=row["case_id"],
        pupil_id=row["pupil_id"],
        school=row["school"],
        owner_id=row["owner_id"],
        care_coordinator_id=row["care_coordinator_id"],
        parents_informer_id=row["parents_informer_id"],
        reporter_id=row["reporter_id"],
        closed=row["closed"],
        weighed=row["weighed"],
    )


async def insert_task(conn: asyncpg.Connection, task: Task) -> bool:
    """Insert the task unless a task with its id exists; True when it was new."""
    done = task.completion
    inserted = await conn.fetchval(
        """insert into tasks (task_id, tenant, school, kind, assignee_role, assignee_user_id, pupil_id,
               case_id, signal_id, created_at, due_at, status, completed_at, completed_by,
               fulfilled_by_event_id, source_event_id)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
           on conflict (task_id) do nothing returning true""",
        task.task_id,
        task.tenant,
        task.school,
        task.kind.value,
        task.assignee.role.value if task.assignee.role else None,
        task.assignee.user_id,
        task.pupil_id,
        task.case_id,
        task.signal_id,
        task.created_at,
        task.due_at,
        task.status.value,
        done.completed_at if done else None,
        done.completed_by if done else None,
        done.fulfilled_by_event_id if done else None,
        task.source_event_id,
    )
    return bool(inserted)


async def coverage_of(conn: asyncpg.Connection, tenant: str, signal_id: uuid.UUID) -> Coverage | None:
    """The case that already covers this signal, if its event arrived before the signal's."""
    row = await conn.fetchrow(
        """select tenant, signal_id, case_id, source_event_id, covered_at
           from signal_coverage where tenant = $1 and signal_id = $2""",
        tenant,
        signal_id,
    )
    if row is None:
        return None
    return Coverage(
        tenant=row["tenant"],
        signal_id=row["signal_id"],
        case_id=row["case_id"],
        event_id=row["source_event_id"],
        covered_at=row["covered_at"],
    )


VISIBLE_TO_VIEWER = """t.tenant = $1 and t.school = any($2::text[])
              and (t.assignee_user_id = $3
                   or (t.assignee_role = $4
                       and ($4 <> $5 or (case when t.case_id is null then t.pupil_id is null
                                              else t.case_id = any($6::uuid[]) end))))
              and ($7::text is null or t.status = $7)"""
"""`domain.access.can_see` as SQL ($1..$6: the viewer; $7: the status wanted, or null)."""


def viewer_arguments(viewer: Viewer, status: TaskStatus | None) -> tuple[object, ...]:
    return (
        viewer.tenant,
        sorted(viewer.schools),
        viewer.user_id,
        viewer.role.value,
        Role.ZORGTEAM.value,
        sorted(viewer.invited_cases),
        status.value if status else None,
    )


async def count_visible(conn: asyncpg.Connection, viewer: Viewer, status: TaskStatus | None) -> int:
    count: int = await conn.fetchval(
        f"select count(*) from tasks t where {VISIBLE_TO_VIEWER}",  # noqa: S608 - constant fragments only
        *viewer_arguments(viewer, status),
    )
    return count


async def save_reopening(conn: asyncpg.Connection, task: Task, completed_by: str) -> bool:
    """The task open again, if it is still done by `completed_by`; False when it was not."""
    reopened = await conn.fetchval(
        """update tasks set status = 'open', completed_at = null, completed_by = null,
               fulfilled_by_event_id = null
           where task_id = $1 and status = 'done' and completed_by = $2 returning true""",
        task.task_id,
        completed_by,
    )
    return bool(reopened)


async def visible_tasks(
    conn: asyncpg.Connection, viewer: Viewer, status: TaskStatus | None, page: PageRequest
) -> Page[tuple[Task, PupilName | None]]:
    """One page of the viewer's tasks, newest first, each with the pupil's short name when known.

    Keyset paging on (created_at, task_id), the order of the indexes' trailing columns; the
    visibility rule of `domain.access.can_see` is applied in the query, so a page is full."""
    newer = page.direction is Direction.NEWER
    position = page.position
    rows = await conn.fetch(
        f"""select {TASK_COLUMNS}, p.given_name, p.family_initial
            from tasks t {PUPIL_JOIN}
            where {VISIBLE_TO_VIEWER}
              and ($8::timestamptz is null
                   or ({"(t.created_at, t.task_id) > ($8, $9)" if newer else "(t.created_at, t.task_id) < ($8, $9)"}))
            order by t.created_at {"asc" if newer else "desc"}, t.task_id {"asc" if newer else "desc"}
            limit $10""",  # noqa: S608 - only constant fragments are interpolated
        *viewer_arguments(viewer, status),
        position.created_at if position else None,
        position.task_id if position else None,
        page.limit + 1,
    )
    found = [(task_from_row(row), pupil_from_row(row)) for row in rows]
    # The query and the domain rule say the same; the rule has the last word.
    return cut_page(
        [(task, pupil) for task, pupil in found if can_see(viewer, task)], page, lambda item: item[0]
    )


async def task_for_update(conn: asyncpg.Connection, task_id: uuid.UUID) -> Task | None:
    """The task, locked until the end of the caller's transaction."""
    row = await conn.fetchrow(f"select {TASK_COLUMNS} from tasks t where t.task_id = $1 for update", task_id)  # noqa: S608
    return task_from_row(row) if row else None


async def save_completion(conn: asyncpg.Connection, task: Task) -> bool:
    """Store the completion of a task that was open; False when it was not open any more."""
    done = task.completion
    assert done is not None
    updated = await conn.fetchval(
        """update tasks set status = 'done', completed_at = $2, completed_by = $3, fulfilled_by_event_id = $4
           where task_id = $1 and status = 'open' returning true""",
        task.task_id,
        done.completed_at,
        done.completed_by,
        done.fulfilled_by_event_id,
    )
    return bool(updated)


def task_from_row(row: asyncpg.Record) -> Task:
    completion = (
        Completion(
            completed_at=row["completed_at"],
            completed_by=row["completed_by"],
            fulfilled_by_event_id=row["fulfilled_by_event_id"],
        )
        if row["status"] == TaskStatus.DONE.value
        else None
    )
    return Task(
        task_id=row["task_id"],
        tenant=row["tenant"],
        school=row["school"],
        kind=TaskKind(row["kind"]),
        assignee=Assignee(
            role=Role(row["assignee_role"]) if row["assignee_role"] else None,
            user_id=row["assignee_user_id"],
        ),
        created_at=row["created_at"],
        source_event_id=row["source_event_id"],
        pupil_id=row["pupil_id"],
        case_id=row["case_id"],
        signal_id=row["signal_id"],
        due_at=row["due_at"],
        completion=completion,
    )


def pupil_from_row(row: asyncpg.Record) -> PupilName | None:
    if row["given_name"] is None:
        return None
    return PupilName(given_name=row["given_name"], family_initial=row["family_initial"])
