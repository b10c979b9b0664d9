"""Who sees and completes which task."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from meldcode_contracts import Role

from .errors import NotYourTask
from .tasks import Completion, Task

TASK_USERS = (Role.TEACHER, Role.INTERN_BEGELEIDER, Role.ZORGTEAM)
"""The roles that have a task list."""


@dataclass(frozen=True)
class Viewer:
    """The person asking, as the verified token says."""

    user_id: str
    role: Role
    tenant: str
    schools: frozenset[str]


def can_see(viewer: Viewer, task: Task) -> bool:
    """A task is visible when it is assigned to the viewer's user id or to the viewer's role, and
    only ever within the viewer's own samenwerkingsverband and one of the viewer's own schools."""
    if task.tenant != viewer.tenant or task.school not in viewer.schools:
        return False
    assignee = task.assignee
    return (assignee.user_id is not None and assignee.user_id == viewer.user_id) or (
        assignee.role is not None and assignee.role == viewer.role
    )


def complete_by(viewer: Viewer, task: Task, at: datetime) -> Task:
    """The viewer marks the task done: only a task they can see, and only once."""
    if not can_see(viewer, task):
        raise NotYourTask()
    return task.complete(Completion(completed_at=at, completed_by=viewer.user_id))
