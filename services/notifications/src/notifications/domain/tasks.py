"""The task: something one person, or a role at a school, has to do next in the Meldcode.

Tasks are derived from contract events. A task's id is a uuid5 of the event it came from and its
kind, so deriving it twice (a redelivery, a replay) yields the same task. Its `created_at` is the
event's `occurred_at` for the same reason, and a `due_at` is the end of the due day casework
published (see `dutch_days`), never computed from the clock. Later issues add kinds (reminders, JGZ hand-overs); the shape stays the same.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from meldcode_vocabulary import Role

from .errors import TaskAlreadyDone, TaskNotDone
from .pupils import PupilName, pupil_display

TASK_NAMESPACE = uuid.UUID("6f1c2a52-7d4e-5b8a-9c1e-3a0b5d7e9f21")
SYSTEM = "system"
"""`completed_by` of a task that the system completed because a later event fulfilled it."""


class TaskKind(StrEnum):
    NEW_SIGNAL = "new_signal"
    """A signal was recorded: the school's IB'er looks at it (step 2, collegiale consultatie)."""
    NEW_CASE = "new_case"
    """A case was opened: its owner sets the next step of the Meldcode (step 3)."""
    DISCUSS_IN_ZORGTEAM = "discuss_in_zorgteam"
    """The parents conversation was held or skipped: the case owner brings the case to the
    zorgteam for the weighing (step 4)."""
    INFORM_PARENTS_BEFORE_REPORT = "inform_parents_before_report"
    """The decision is to report: who informs the parents does so before the report (rule 8)."""
    VEILIG_THUIS_FEEDBACK_EXPECTED = "veilig_thuis_feedback_expected"
    """A report was made: the reporter expects feedback of Veilig Thuis by the day casework set (rule 11)."""
    EVALUATE_FOLLOW_UP = "evaluate_follow_up"
    """An evaluation date was set: the care coordinator evaluates the help on it (step 6, rule 12)."""
    PUPIL_LEFT_SCHOOL = "pupil_left_school"
    """Alert: a pupil with an open case left the school (the zorgteam of the case acts), or a pupil
    with recent signals and no case did (the IB'er acts) (rule 14)."""
    LEAVING_PUPIL_NOTICE = "leaving_pupil_notice"
    """Alert for the school's zorgteam: a pupil with recent signals and no case left; who it is, is
    not said (no case to be invited into, ADR 11): the IB'er brings it to the zorgteam (rule 14)."""
    CASE_TRANSFERRED_IN = "case_transferred_in"
    """A case was handed over to this school: its new owner sets the next step (rule 14)."""
    TAKE_PART_IN_WEIGHING = "take_part_in_weighing"
    """A zorgteam member was invited into the case: they take part in the weighing (step 4, rule 6);
    withdrawn with the invitation, done when the weighing is recorded."""
    TAKE_DECISION = "take_decision"
    """The weighing was recorded (or an evaluation failed): the case owner decides by the
    afwegingskader (step 5, rule 7)."""


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


def task_id_for(source_event_id: uuid.UUID, kind: TaskKind) -> uuid.UUID:
    """The same event and kind always give the same task id (idempotent creation)."""
    return uuid.uuid5(TASK_NAMESPACE, f"{source_event_id}:{kind.value}")


def must_be_utc(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() != timedelta(0):
        raise ValueError(f"{name} must be a timezone-aware UTC datetime")
    return value


@dataclass(frozen=True)
class Assignee:
    """Who a task is for: a user (by id), or a role at the task's school, or both."""

    role: Role | None = None
    user_id: str | None = None

    def __post_init__(self) -> None:
        if self.role is None and not self.user_id:
            raise ValueError("a task is assigned to a role, a user or both")

    @classmethod
    def role_at_school(cls, role: Role) -> Assignee:
        return cls(role=role)

    @classmethod
    def user(cls, user_id: str) -> Assignee:
        return cls(user_id=user_id)


@dataclass(frozen=True)
class Completion:
    completed_at: datetime
    completed_by: str
    """User id of who completed it, or `SYSTEM`."""
    fulfilled_by_event_id: uuid.UUID | None = None
    """The event that made the task unnecessary, when the system completed it."""

    def __post_init__(self) -> None:
        must_be_utc(self.completed_at, "completed_at")


@dataclass(frozen=True)
class Task:
    task_id: uuid.UUID
    tenant: str
    school: str
    kind: TaskKind
    assignee: Assignee
    created_at: datetime
    source_event_id: uuid.UUID
    pupil_id: uuid.UUID | None = None
    case_id: uuid.UUID | None = None
    signal_id: uuid.UUID | None = None
    due_at: datetime | None = None
    completion: Completion | None = None

    def __post_init__(self) -> None:
        must_be_utc(self.created_at, "created_at")
        if self.due_at is not None:
            must_be_utc(self.due_at, "due_at")

    @property
    def status(self) -> TaskStatus:
        return TaskStatus.OPEN if self.completion is None else TaskStatus.DONE

    def complete(self, completion: Completion) -> Task:
        if self.completion is not None:
            raise TaskAlreadyDone()
        return replace(self, completion=completion)

    def reopen(self) -> Task:
        if self.completion is None:
            raise TaskNotDone()
        return replace(self, completion=None)

    def title(self, pupil: PupilName | None) -> str:
        """The Dutch title, with the pupil shown as briefly as possible (see `pupils`)."""
        return task_title(self.kind, pupil, self.pupil_id)


TITLES: dict[TaskKind, str] = {
    TaskKind.NEW_CASE: "Nieuwe zaak: zet de volgende stap van de Meldcode",
    TaskKind.DISCUSS_IN_ZORGTEAM: "Bespreek de zaak in het zorgteam (weging)",
    TaskKind.INFORM_PARENTS_BEFORE_REPORT: "Informeer de ouders over de voorgenomen melding",
    TaskKind.VEILIG_THUIS_FEEDBACK_EXPECTED: "Terugkoppeling van Veilig Thuis verwacht",
    TaskKind.EVALUATE_FOLLOW_UP: "Evalueer de hulp (zorgcoördinator)",
    TaskKind.PUPIL_LEFT_SCHOOL: "Leerling met een open zaak of recente signalen heeft de school verlaten",
    TaskKind.LEAVING_PUPIL_NOTICE: (
        "Een leerling met recente signalen heeft de school verlaten; de IB'er bespreekt dit met het zorgteam"
    ),
    TaskKind.CASE_TRANSFERRED_IN: "Overgedragen zaak: zet de volgende stap van de Meldcode",
    TaskKind.TAKE_PART_IN_WEIGHING: "Neem deel aan de weging in het zorgteam",
    TaskKind.TAKE_DECISION: "Neem een besluit (stap 5)",
}
"""Fixed titles: no personal details. Only `new_signal` shows the pupil, as briefly as possible."""


def task_title(kind: TaskKind, pupil: PupilName | None, pupil_id: uuid.UUID | None) -> str:
    if kind is TaskKind.NEW_SIGNAL:
        about = pupil_display(pupil, pupil_id) if pupil_id is not None else "onbekend"
        return f"Nieuw signaal over leerling {about}"
    return TITLES[kind]
