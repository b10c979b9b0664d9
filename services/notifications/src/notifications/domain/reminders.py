"""Reminders: when a task's deadline passes while it is still open, its people get one e-mail.

A reminder is one row per (task, deadline): its id is a uuid5 of both, so creating it again (a
redelivered event, a replay) is the same reminder, and a reminder that was sent stays sent. The
deadline is the end of the due day casework published (`decisions`); only *firing* looks at the clock.

The e-mail is content-free: the kind of task (a fixed Dutch title) and a link to the portal,
never a pupil, a case detail or a name (see `ReminderMail`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .tasks import TITLES, Task, TaskKind, TaskStatus, must_be_utc

REMINDER_NAMESPACE = uuid.UUID("0b7d3f1e-2c4a-5e6f-8a9b-1c2d3e4f5a6b")
MAIL_NAMESPACE = uuid.UUID("4e5f6a7b-8c9d-5e0f-a1b2-c3d4e5f6a7b8")

REMINDING_KINDS: dict[TaskKind, str] = {
    TaskKind.NEW_CASE: "parents_conversation_overdue",
    TaskKind.DISCUSS_IN_ZORGTEAM: "weighing_overdue",
    TaskKind.VEILIG_THUIS_FEEDBACK_EXPECTED: "veilig_thuis_feedback_overdue",
    TaskKind.EVALUATE_FOLLOW_UP: "evaluation_due",
}
"""The task kinds whose deadline sends a reminder, and the name of the e-mail template for each."""


class ReminderStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    """Fired: the e-mails and `ReminderSent` were enqueued in the same transaction."""
    CANCELLED = "cancelled"
    """The task was done before its deadline (or when the scheduler came to it)."""
    NO_RECIPIENT = "no_recipient"
    """Fired, but nobody the task is for has an e-mail address in the directory."""


def reminder_id_for(task_id: uuid.UUID, due_at: datetime) -> uuid.UUID:
    return uuid.uuid5(REMINDER_NAMESPACE, f"{task_id}:{must_be_utc(due_at, 'due_at').isoformat()}")


def message_id_for(reminder_id: uuid.UUID, recipient_user_id: str, domain: str) -> str:
    """The stable RFC 5322 Message-ID of one reminder e-mail to one person: the same on every
    retry, so a receiver can drop a second copy (see the README, 'The one window')."""
    return f"<{uuid.uuid5(MAIL_NAMESPACE, f'{reminder_id}:{recipient_user_id}')}@{domain}>"


@dataclass(frozen=True)
class Reminder:
    reminder_id: uuid.UUID
    task_id: uuid.UUID
    due_at: datetime

    def __post_init__(self) -> None:
        must_be_utc(self.due_at, "due_at")


def reminder_for(task: Task) -> Reminder | None:
    """The reminder an open task with a deadline gets; None for kinds without reminders."""
    if task.due_at is None or task.kind not in REMINDING_KINDS or task.status is not TaskStatus.OPEN:
        return None
    return Reminder(reminder_id_for(task.task_id, task.due_at), task.task_id, task.due_at)


def is_due(reminder: Reminder, now: datetime) -> bool:
    return must_be_utc(now, "now") >= reminder.due_at


@dataclass(frozen=True)
class ReminderMail:
    """What one reminder e-mail says: only the kind of task and where to look."""

    template: str
    task_title: str
    portal_url: str

    @classmethod
    def of(cls, task: Task, portal_url: str) -> ReminderMail:
        return cls(
            template=REMINDING_KINDS[task.kind],
            task_title=TITLES[task.kind],
            portal_url=f"{portal_url.rstrip('/')}/taken",
        )
