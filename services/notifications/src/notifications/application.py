"""Use cases of notifications, written against the `TaskStore` port (implemented in adapters).

Each use case runs inside one transaction that the caller opened (the EventConsumer's, or the
HTTP request's), so a failure leaves nothing half done.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Protocol

from .domain.access import Viewer, complete_by
from .domain.added_signals import SignalsAddedNoticed, on_signals_added
from .domain.cases import CaseEvent, CaseState
from .domain.decisions import (
    DEFAULT_TERMS,
    CaseNoticed,
    Coverage,
    Decision,
    PupilLeft,
    SignalNoticed,
    Terms,
    on_case_event,
    on_case_opened,
    on_pupil_deregistered,
    on_signal_recorded,
)
from .domain.errors import TaskNotFound
from .domain.pupils import KnownPupil, PupilName
from .domain.task_pages import Page, PageRequest
from .domain.tasks import Task, TaskStatus


class TaskStore(Protocol):
    async def remember_pupil(self, pupil: KnownPupil) -> None: ...

    async def coverage_of(self, tenant: str, signal_id: uuid.UUID) -> Coverage | None: ...

    async def case_state(self, tenant: str, case_id: uuid.UUID) -> CaseState | None: ...

    async def open_cases_of(self, tenant: str, pupil_id: uuid.UUID) -> list[uuid.UUID]: ...

    async def signals_since(self, tenant: str, pupil_id: uuid.UUID, since: datetime) -> int:
        """How many signals about the pupil were recorded at or after `since`."""
        ...

    async def apply_decision(self, decision: Decision) -> list[uuid.UUID]:
        """Store the decision idempotently, in the order `Decision` names; the ids of the tasks
        that were new (an obligation task only when no task of its kind was open for the case)."""
        ...

    async def visible_tasks(
        self, viewer: Viewer, status: TaskStatus | None, page: PageRequest
    ) -> Page[tuple[Task, PupilName | None]]:
        """The viewer's tasks, newest first, one page of them (see `domain.task_pages`)."""
        ...

    async def task_for_update(self, task_id: uuid.UUID) -> Task | None: ...

    async def save_completion(self, task: Task) -> bool: ...


async def pupil_registered(store: TaskStore, pupil: KnownPupil) -> None:
    await store.remember_pupil(pupil)


async def signal_recorded(store: TaskStore, fact: SignalNoticed) -> tuple[Decision, list[uuid.UUID]]:
    decision = on_signal_recorded(fact, await store.coverage_of(fact.tenant, fact.signal_id))
    return decision, await store.apply_decision(decision)


async def case_opened(store: TaskStore, fact: CaseNoticed) -> tuple[Decision, list[uuid.UUID]]:
    decision = on_case_opened(fact)
    return decision, await store.apply_decision(decision)


async def signals_added(store: TaskStore, fact: SignalsAddedNoticed) -> tuple[Decision, list[uuid.UUID]]:
    decision = on_signals_added(fact)
    return decision, await store.apply_decision(decision)


async def case_event(store: TaskStore, fact: CaseEvent) -> tuple[Decision, list[uuid.UUID]]:
    decision = on_case_event(fact, await store.case_state(fact.tenant, fact.case_id))
    return decision, await store.apply_decision(decision)


async def pupil_deregistered(
    store: TaskStore, fact: PupilLeft, terms: Terms = DEFAULT_TERMS
) -> tuple[Decision, list[uuid.UUID]]:
    since = fact.occurred_at - timedelta(days=terms.recent_signals_days)
    decision = on_pupil_deregistered(
        fact,
        await store.open_cases_of(fact.tenant, fact.pupil_id),
        await store.signals_since(fact.tenant, fact.pupil_id, since),
    )
    return decision, await store.apply_decision(decision)


async def tasks_of(
    store: TaskStore, viewer: Viewer, status: TaskStatus | None, page: PageRequest
) -> Page[tuple[Task, PupilName | None]]:
    return await store.visible_tasks(viewer, status, page)


async def complete_task(store: TaskStore, viewer: Viewer, task_id: uuid.UUID, now: datetime) -> Task:
    """404 when unknown, 403 when not the viewer's, 409 when done already (see domain.errors).

    The completed task is answered without the pupil's name: completing is a write, not a read,
    so it reads no pupil data (the name was shown, and logged, with the task list)."""
    task = await store.task_for_update(task_id)
    if task is None:
        raise TaskNotFound()
    completed = complete_by(viewer, task, now)
    await store.save_completion(completed)
    return completed
