"""In-memory `TaskStore` and `NotificationStore` (fakes, not mocks): the same behaviour as the
Postgres adapters."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from meldcode_contracts.jgz import PupilReference
from notifications import commands
from notifications.domain.access import Viewer, can_see
from notifications.domain.cases import CaseState
from notifications.domain.decisions import Coverage, Decision
from notifications.domain.pupils import KnownPupil, PupilName
from notifications.domain.task_pages import Direction, Page, PageRequest, TaskPosition, cut_page
from notifications.domain.tasks import Task, TaskKind, TaskStatus


class InMemoryTaskStore:
    def __init__(self) -> None:
        self.pupils: dict[uuid.UUID, KnownPupil] = {}
        self.tasks: dict[uuid.UUID, Task] = {}
        self.coverage: dict[tuple[str, uuid.UUID], Coverage] = {}
        self.cases: dict[uuid.UUID, CaseState] = {}

    async def remember_pupil(self, pupil: KnownPupil) -> None:
        self.pupils.setdefault(pupil.pupil_id, pupil)

    async def coverage_of(self, tenant: str, signal_id: uuid.UUID) -> Coverage | None:
        return self.coverage.get((tenant, signal_id))

    async def case_state(self, tenant: str, case_id: uuid.UUID) -> CaseState | None:
        case = self.cases.get(case_id)
        return case if case is not None and case.tenant == tenant else None

    async def open_cases_of(self, tenant: str, pupil_id: uuid.UUID) -> list[uuid.UUID]:
        return [
            c.case_id
            for c in self.cases.values()
            if c.tenant == tenant and c.pupil_id == pupil_id and not c.closed
        ]

    async def signals_since(self, tenant: str, pupil_id: uuid.UUID, since: datetime) -> int:
        return sum(
            1
            for t in self.tasks.values()
            if t.tenant == tenant
            and t.pupil_id == pupil_id
            and t.kind is TaskKind.NEW_SIGNAL
            and t.created_at >= since
        )

    async def apply_decision(self, decision: Decision) -> list[uuid.UUID]:
        for completion in decision.completions:
            for task_id, task in self.tasks.items():
                if (
                    task.tenant == completion.tenant
                    and task.kind == completion.kind
                    and task.signal_id in completion.signal_ids
                    and task.status is TaskStatus.OPEN
                ):
                    self.tasks[task_id] = replace(task, completion=completion.completion)
        for done in decision.case_completions:
            for task_id, task in self.tasks.items():
                if (
                    task.tenant == done.tenant
                    and task.case_id == done.case_id
                    and task.kind in done.kinds
                    and task.status is TaskStatus.OPEN
                    and task.source_event_id != done.completion.fulfilled_by_event_id
                    and done.assignee_user_id in (None, task.assignee.user_id)
                ):
                    self.tasks[task_id] = replace(task, completion=done.completion)
        for moved in decision.reassignments:
            for task_id, task in self.tasks.items():
                if (
                    task.tenant == moved.tenant
                    and task.case_id == moved.case_id
                    and task.assignee.user_id == moved.from_user_id
                    and task.status is TaskStatus.OPEN
                    and (not moved.kinds or task.kind in moved.kinds)
                ):
                    self.tasks[task_id] = replace(
                        task,
                        assignee=replace(task.assignee, user_id=moved.to_user_id),
                        school=moved.to_school or task.school,
                    )
        created = []
        for task in decision.new_tasks:
            if task.task_id not in self.tasks:
                self.tasks[task.task_id] = task
                created.append(task.task_id)
        for task in decision.obligation_tasks:
            kept = next(
                (
                    t
                    for t in sorted(self.tasks.values(), key=lambda t: (t.created_at, t.task_id))
                    if (t.tenant, t.case_id, t.kind, t.status)
                    == (task.tenant, task.case_id, task.kind, TaskStatus.OPEN)
                ),
                None,
            )
            if kept is None:
                self.tasks[task.task_id] = task
                created.append(task.task_id)
            else:
                self.tasks[kept.task_id] = replace(kept, due_at=task.due_at)
        for coverage in decision.coverages:
            self.coverage.setdefault((coverage.tenant, coverage.signal_id), coverage)
        case = decision.case_state
        if case is not None and self.cases.get(case.case_id, case).tenant == case.tenant:
            self.cases[case.case_id] = case
        return created

    async def visible_tasks(
        self, viewer: Viewer, status: TaskStatus | None, page: PageRequest
    ) -> Page[tuple[Task, PupilName | None]]:
        newer = page.direction is Direction.NEWER
        found = sorted(
            (
                t
                for t in self.tasks.values()
                if can_see(viewer, t)
                and status in (None, t.status)
                and (
                    page.position is None
                    or (TaskPosition.of(t) > page.position if newer else TaskPosition.of(t) < page.position)
                )
            ),
            key=TaskPosition.of,
            reverse=not newer,
        )
        return cut_page([(t, self._name(t)) for t in found[: page.limit + 1]], page, lambda item: item[0])

    async def task_for_update(self, task_id: uuid.UUID) -> Task | None:
        return self.tasks.get(task_id)

    async def save_completion(self, task: Task) -> bool:
        if self.tasks[task.task_id].status is not TaskStatus.OPEN:
            return False
        self.tasks[task.task_id] = task
        return True

    async def count_visible(self, viewer: Viewer, status: TaskStatus | None) -> int:
        return sum(1 for t in self.tasks.values() if can_see(viewer, t) and status in (None, t.status))

    async def save_reopening(self, task: Task, completed_by: str) -> bool:
        done = self.tasks[task.task_id].completion
        if done is None or done.completed_by != completed_by:
            return False
        self.tasks[task.task_id] = task
        return True

    def _name(self, task: Task) -> PupilName | None:
        pupil = self.pupils.get(task.pupil_id) if task.pupil_id else None
        return pupil.name if pupil and pupil.tenant == task.tenant else None


class InMemoryNotificationStore(InMemoryTaskStore):
    """The whole `NotificationStore`: besides the tasks, what was remembered, requested and
    enqueued, in order, as (what, argument) pairs."""

    def __init__(self, known_pupils: dict[uuid.UUID, PupilReference] | None = None) -> None:
        super().__init__()
        self.known_pupils = known_pupils or {}
        self.kept: list[tuple[str, object]] = []
        self.deliveries: dict[uuid.UUID, commands.JgzMessage] = {}
        self.staff_emails: dict[tuple[str, str], str | None] = {}
        """(school, user id) -> the e-mail address while listed (None: delisted or none)."""

    async def erase_pupil(self, pupil_id: uuid.UUID, now: datetime) -> None:
        self.kept.append(("erased", pupil_id))

    async def remember_identity(self, command: commands.RememberPupilIdentity) -> None:
        self.kept.append(("identity", command))

    async def remember_signal(self, command: commands.RememberSignal) -> None:
        self.kept.append(("signal", command))

    async def remember_consultation(self, command: commands.RememberConsultation) -> None:
        self.kept.append(("consultation", command))

    async def remember_case_fact(self, command: commands.RememberCaseFact) -> None:
        self.kept.append(("case_fact", command))

    async def request_melding_document(self, command: commands.RequestMeldingDocument, now: datetime) -> None:
        self.kept.append(("document", command))

    async def list_staff_member(self, command: commands.ListStaffMember) -> None:
        self.kept.append(("listed", command))
        self.staff_emails[(command.school, command.user_id)] = command.email

    async def delist_staff_member(self, command: commands.DelistStaffMember) -> None:
        self.kept.append(("delisted", command))
        self.staff_emails[(command.school, command.user_id)] = None

    async def email_of(self, user_id: str, school: str) -> str | None:
        return self.staff_emails.get((school, user_id))

    async def invite(self, case_id: uuid.UUID, member_id: str) -> None:
        self.kept.append(("invited", (case_id, member_id)))

    async def withdraw_invitation(self, case_id: uuid.UUID, member_id: str) -> None:
        self.kept.append(("withdrawn", (case_id, member_id)))

    async def pupil_reference(self, tenant: str, school: str, pupil_id: uuid.UUID) -> PupilReference:
        return self.known_pupils.get(pupil_id) or PupilReference(pupil_id=pupil_id, school=school)

    async def enqueue_delivery(
        self,
        delivery_id: uuid.UUID,
        command: commands.DeliverToJgz,
        message: commands.JgzMessage,
        now: datetime,
    ) -> bool:
        if delivery_id in self.deliveries:
            return False
        self.deliveries[delivery_id] = message
        return True
