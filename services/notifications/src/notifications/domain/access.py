"""Who sees and completes which task."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from meldcode_vocabulary import Role

from .errors import NotYourTask, TaskNotFound, UndoNotAllowed
from .tasks import SYSTEM, Completion, Task

TASK_USERS = (Role.TEACHER, Role.INTERN_BEGELEIDER, Role.ZORGTEAM)
"""The roles that have a task list."""


@dataclass(frozen=True)
class Viewer:
    """The person asking, as the verified token says."""

    user_id: str
    role: Role
    tenant: str
    schools: frozenset[str]
    invited_cases: frozenset[uuid.UUID] = frozenset()
    """For a zorgteam member: the cases they are invited into (ADR 11); unused for other roles."""


def can_see(viewer: Viewer, task: Task) -> bool:
    """A task is visible when it is assigned to the viewer's user id or to the viewer's role, and
    only ever within the viewer's own samenwerkingsverband and one of the viewer's own schools.

    A zorgteam member sees a task of the zorgteam role only in a case they are invited into (ADR
    11), or when it is about no pupil and no case at all: a school-level alert (rule 14)."""
    if task.tenant != viewer.tenant or task.school not in viewer.schools:
        return False
    assignee = task.assignee
    if assignee.user_id is not None and assignee.user_id == viewer.user_id:
        return True
    if assignee.role is None or assignee.role != viewer.role:
        return False
    if viewer.role is Role.ZORGTEAM:
        return task.case_id in viewer.invited_cases if task.case_id is not None else task.pupil_id is None
    return True


def _refuse_unless_seen(viewer: Viewer, task: Task) -> None:
    """A task the viewer cannot see is not theirs to change; to a zorgteam member a task of a case
    they are not invited into does not exist (ADR 11)."""
    if can_see(viewer, task):
        return
    if viewer.role is Role.ZORGTEAM and task.case_id is not None and task.case_id not in viewer.invited_cases:
        raise TaskNotFound()
    raise NotYourTask()


def complete_by(viewer: Viewer, task: Task, at: datetime) -> Task:
    """The viewer marks the task done: only a task they can see, and only once."""
    _refuse_unless_seen(viewer, task)
    return task.complete(Completion(completed_at=at, completed_by=viewer.user_id))


UNDO_WINDOW = timedelta(minutes=10)
"""How long after completing a task its completer can undo it ("Ongedaan maken").

Undo is for a click by mistake, right after it, as the portal's banner offers it. Later, a done
task is history others may have acted on. A task the system completed stays done: a step recorded
in the case fulfilled it, and only casework can take that back (then it publishes the obligation
again, which gives a new task)."""


def reopen_by(viewer: Viewer, task: Task, at: datetime) -> Task:
    """The viewer undoes their own completion of a task they can see, within `UNDO_WINDOW`."""
    _refuse_unless_seen(viewer, task)
    done = task.completion
    if done is not None and (
        done.completed_by in (SYSTEM, None)
        or done.completed_by != viewer.user_id
        or at - done.completed_at > UNDO_WINDOW
    ):
        raise UndoNotAllowed(int(UNDO_WINDOW.total_seconds() // 60))
    return task.reopen()
