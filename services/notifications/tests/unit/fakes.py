"""An in-memory `TaskStore` (a fake, not a mock): the same behaviour as the Postgres adapter."""

from __future__ import annotations

import uuid
from dataclasses import replace

from notifications.domain.access import Viewer, can_see
from notifications.domain.decisions import Coverage, Decision
from notifications.domain.pupils import KnownPupil, PupilName
from notifications.domain.tasks import Task, TaskStatus


class InMemoryTaskStore:
    def __init__(self) -> None:
        self.pupils: dict[uuid.UUID, KnownPupil] = {}
        self.tasks: dict[uuid.UUID, Task] = {}
        self.coverage: dict[tuple[str, uuid.UUID], Coverage] = {}

    async def remember_pupil(self, pupil: KnownPupil) -> None:
        self.pupils.setdefault(pupil.pupil_id, pupil)

    async def coverage_of(self, tenant: str, signal_id: uuid.UUID) -> Coverage | None:
        return self.coverage.get((tenant, signal_id))

    async def apply_decision(self, decision: Decision) -> list[uuid.UUID]:
        created = []
        for task in decision.new_tasks:
            if task.task_id not in self.tasks:
                self.tasks[task.task_id] = task
                created.append(task.task_id)
        for coverage in decision.coverages:
            self.coverage.setdefault((coverage.tenant, coverage.signal_id), coverage)
        for completion in decision.completions:
            for task_id, task in self.tasks.items():
                if (
                    task.tenant == completion.tenant
                    and task.kind == completion.kind
                    and task.signal_id in completion.signal_ids
                    and task.status is TaskStatus.OPEN
                ):
                    self.tasks[task_id] = replace(task, completion=completion.completion)
        return created

    async def visible_tasks(
        self, viewer: Viewer, status: TaskStatus | None, limit: int
    ) -> list[tuple[Task, PupilName | None]]:
        found = sorted(
            (t for t in self.tasks.values() if can_see(viewer, t) and status in (None, t.status)),
            key=lambda t: (t.created_at, t.task_id),
        )
        return [(t, self._name(t)) for t in found[:limit]]

    async def task_for_update(self, task_id: uuid.UUID) -> Task | None:
        return self.tasks.get(task_id)

    async def save_completion(self, task: Task) -> bool:
        if self.tasks[task.task_id].status is not TaskStatus.OPEN:
            return False
        self.tasks[task.task_id] = task
        return True

    async def pupil_of(self, task: Task) -> PupilName | None:
        return self._name(task)

    def _name(self, task: Task) -> PupilName | None:
        pupil = self.pupils.get(task.pupil_id) if task.pupil_id else None
        return pupil.name if pupil and pupil.tenant == task.tenant else None
