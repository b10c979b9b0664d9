"""The e-mail that tells a person a new task is theirs: the kind of task (its fixed Dutch title) and
a link to the portal's task page, never a pupil, a case detail or a name (as the reminders).

Only a task for one person is mailed (a task for a role at a school has no one address), and only
when it is new and open. Its Message-ID is a uuid5 of the task and the person, so a retry, a
redelivered event or a replay gives the same message, and the outbox keeps it once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from .tasks import TITLES, Task, TaskStatus

TASK_MAIL_NAMESPACE = uuid.UUID("9a3c51e2-6b7d-5f80-a4c2-d1e6f7a8b9c0")
TEMPLATE = "task_assigned"


@dataclass(frozen=True)
class TaskMail:
    task_id: uuid.UUID
    kind: str
    user_id: str
    school: str
    task_title: str
    portal_url: str
    """The portal's task page, where the person sees which pupil it is about."""

    @property
    def template(self) -> str:
        return TEMPLATE


def task_mails(tasks: Iterable[Task], portal_url: str) -> list[TaskMail]:
    """One mail per new open task that is for one person."""
    return [
        TaskMail(
            task_id=task.task_id,
            kind=task.kind.value,
            user_id=task.assignee.user_id,
            school=task.school,
            task_title=TITLES[task.kind],
            portal_url=f"{portal_url.rstrip('/')}/taken",
        )
        for task in tasks
        if task.assignee.user_id and task.status is TaskStatus.OPEN and task.kind in TITLES
    ]


def message_id_for_task(task_id: uuid.UUID, user_id: str, domain: str) -> str:
    return f"<{uuid.uuid5(TASK_MAIL_NAMESPACE, f'{task_id}:{user_id}')}@{domain}>"
