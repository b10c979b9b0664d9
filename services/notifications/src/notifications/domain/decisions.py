"""Which tasks an event creates or completes: pure decisions, applied by the adapters.

The input facts are what notifications needs of a contract event (see `translation`), so the
rules do not depend on the wire format.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from meldcode_contracts import Role

from .tasks import SYSTEM, Assignee, Completion, Task, TaskKind, must_be_utc, task_id_for

SIGNAL_REVIEWER = Role.INTERN_BEGELEIDER
"""Rule 4 / step 2: the IB'er / aandachtsfunctionaris of the school looks at every new signal."""


@dataclass(frozen=True)
class SignalNoticed:
    """A signal about a pupil was recorded (from `SignalRecorded`)."""

    event_id: uuid.UUID
    occurred_at: datetime
    tenant: str
    school: str
    signal_id: uuid.UUID
    pupil_id: uuid.UUID


@dataclass(frozen=True)
class CaseNoticed:
    """A case was opened from signals (from `CaseOpened`)."""

    event_id: uuid.UUID
    occurred_at: datetime
    tenant: str
    school: str
    case_id: uuid.UUID
    pupil_id: uuid.UUID
    signal_ids: tuple[uuid.UUID, ...]
    case_owner_id: str


@dataclass(frozen=True)
class Coverage:
    """A case covers a signal: the signal's new-signal task is done once the case exists."""

    tenant: str
    signal_id: uuid.UUID
    case_id: uuid.UUID
    event_id: uuid.UUID
    covered_at: datetime

    def __post_init__(self) -> None:
        must_be_utc(self.covered_at, "covered_at")

    @property
    def completion(self) -> Completion:
        return Completion(
            completed_at=self.covered_at, completed_by=SYSTEM, fulfilled_by_event_id=self.event_id
        )


@dataclass(frozen=True)
class SystemCompletion:
    """Complete the open tasks of `kind` about these signals of `tenant`."""

    tenant: str
    kind: TaskKind
    signal_ids: tuple[uuid.UUID, ...]
    completion: Completion


@dataclass(frozen=True)
class Decision:
    new_tasks: tuple[Task, ...] = ()
    coverages: tuple[Coverage, ...] = ()
    completions: tuple[SystemCompletion, ...] = ()


def on_signal_recorded(fact: SignalNoticed, covered_by: Coverage | None = None) -> Decision:
    """A new signal gives the school's IB'er a task. When a case already covers the signal (the
    case event arrived first: topics are not ordered among each other) the task is born done, so
    the outcome does not depend on the order of arrival."""
    task = Task(
        task_id=task_id_for(fact.event_id, TaskKind.NEW_SIGNAL),
        tenant=fact.tenant,
        school=fact.school,
        kind=TaskKind.NEW_SIGNAL,
        assignee=Assignee.role_at_school(SIGNAL_REVIEWER),
        created_at=fact.occurred_at,
        source_event_id=fact.event_id,
        pupil_id=fact.pupil_id,
        signal_id=fact.signal_id,
    )
    if covered_by is not None and covered_by.tenant == fact.tenant and covered_by.signal_id == fact.signal_id:
        task = task.complete(covered_by.completion)
    return Decision(new_tasks=(task,))


def on_case_opened(fact: CaseNoticed) -> Decision:
    """A new case gives its owner a task, and completes the new-signal tasks of its signals."""
    task = Task(
        task_id=task_id_for(fact.event_id, TaskKind.NEW_CASE),
        tenant=fact.tenant,
        school=fact.school,
        kind=TaskKind.NEW_CASE,
        assignee=Assignee.user(fact.case_owner_id),
        created_at=fact.occurred_at,
        source_event_id=fact.event_id,
        pupil_id=fact.pupil_id,
        case_id=fact.case_id,
    )
    signal_ids = tuple(dict.fromkeys(fact.signal_ids))
    coverages = tuple(
        Coverage(
            tenant=fact.tenant,
            signal_id=signal_id,
            case_id=fact.case_id,
            event_id=fact.event_id,
            covered_at=fact.occurred_at,
        )
        for signal_id in signal_ids
    )
    completion = Completion(
        completed_at=fact.occurred_at, completed_by=SYSTEM, fulfilled_by_event_id=fact.event_id
    )
    return Decision(
        new_tasks=(task,),
        coverages=coverages,
        completions=(SystemCompletion(fact.tenant, TaskKind.NEW_SIGNAL, signal_ids, completion),),
    )
