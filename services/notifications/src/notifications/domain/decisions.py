"""Which tasks an event creates or completes: pure decisions, applied by the adapters.

The input facts are what notifications needs of a contract event (see `translation`), so the
rules do not depend on the wire format. What each casework event after `CaseOpened` does is
in `case_rules`, one rule per event type; `on_case_event` applies it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from meldcode_vocabulary import Role

from .case_rules import (
    CASE_RULES,
    COMPLETED_BY,
    LEAVING_PUPIL_ALERTED,
    Reassignment,
    unchanged,
)
from .case_rules import (
    TASK_OF_OBLIGATION as TASK_OF_OBLIGATION,  # where the end-to-end tests read it
)
from .cases import CaseEvent, CaseState
from .tasks import SYSTEM, Assignee, Completion, Task, TaskKind, must_be_utc, task_id_for

SIGNAL_REVIEWER = Role.INTERN_BEGELEIDER
"""Rule 4 / step 2: the IB'er / aandachtsfunctionaris of the school looks at every new signal."""


@dataclass(frozen=True)
class Terms:
    """Notifications' own setting; the terms of a case are casework's (ADR 18)."""

    recent_signals_days: int = 365
    """Rule 14: signals recorded this many days before a pupil leaves count as recent."""

    def __post_init__(self) -> None:
        if self.recent_signals_days < 1:
            raise ValueError("recent_signals_days must be at least 1")


DEFAULT_TERMS = Terms()


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
class PupilLeft:
    """A pupil was deregistered by their school (from `PupilDeregistered`)."""

    event_id: uuid.UUID
    occurred_at: datetime
    tenant: str
    school: str
    pupil_id: uuid.UUID
    left_on: date


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
class CaseCompletion:
    """Complete the open tasks of these kinds about the case, except the ones the fulfilling event
    created itself (so that applying an event twice, in any order of steps, stays the same)."""

    tenant: str
    case_id: uuid.UUID
    kinds: tuple[TaskKind, ...]
    completion: Completion
    assignee_user_id: str | None = None
    """Only the tasks assigned to this user (a withdrawn invitation); else all of the case's."""


@dataclass(frozen=True)
class Decision:
    """Applied in this order: completions, reassignments, new tasks, obligation tasks, coverages,
    case state."""

    new_tasks: tuple[Task, ...] = ()
    coverages: tuple[Coverage, ...] = ()
    completions: tuple[SystemCompletion, ...] = ()
    case_completions: tuple[CaseCompletion, ...] = ()
    reassignments: tuple[Reassignment, ...] = ()
    obligation_tasks: tuple[Task, ...] = ()
    """The open task of each of these kinds of the case: kept (with this due time) when one is
    open, else this one is created."""
    case_state: CaseState | None = None
    """The case as the rules know it after the event, to keep for its next event."""


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


def signals_covered(
    *, tenant: str, case_id: uuid.UUID, event_id: uuid.UUID, at: datetime, signal_ids: Sequence[uuid.UUID]
) -> Decision:
    """A case covers these signals (opened from them, or added later: rule 9): their open new-signal
    tasks are done, and a signal whose `SignalRecorded` arrives later (topics are not ordered among
    each other) gets a task born done."""
    signal_ids = tuple(dict.fromkeys(signal_ids))
    completion = Completion(completed_at=at, completed_by=SYSTEM, fulfilled_by_event_id=event_id)
    return Decision(
        coverages=tuple(
            Coverage(tenant=tenant, signal_id=signal_id, case_id=case_id, event_id=event_id, covered_at=at)
            for signal_id in signal_ids
        ),
        completions=(SystemCompletion(tenant, TaskKind.NEW_SIGNAL, signal_ids, completion),),
    )


def on_case_opened(fact: CaseNoticed) -> Decision:
    """A new case completes the new-signal tasks of its signals; its owner's task comes with the
    obligations casework publishes for it."""
    covered = signals_covered(
        tenant=fact.tenant,
        case_id=fact.case_id,
        event_id=fact.event_id,
        at=fact.occurred_at,
        signal_ids=fact.signal_ids,
    )
    return replace(
        covered,
        case_state=CaseState(
            tenant=fact.tenant,
            case_id=fact.case_id,
            pupil_id=fact.pupil_id,
            school=fact.school,
            owner_id=fact.case_owner_id,
        ),
    )


def on_case_event(event: CaseEvent, known: CaseState | None) -> Decision:
    """The tasks a casework event creates, completes and moves, and the case state after it: its
    rule in `CASE_RULES`, then the open tasks its type fulfils (`COMPLETED_BY`) and the obligation
    tasks it settled.

    `known` is the case as the previous events left it (None when notifications never saw the
    case: then only what the event itself says is used, and tasks for an unknown owner are not
    created).
    """
    case = known if known is not None else CaseState.first_seen(event)
    outcome = CASE_RULES.get(event.type, unchanged)(event, case)
    kinds = COMPLETED_BY[event.type] + outcome.settled
    completion = Completion(
        completed_at=event.occurred_at, completed_by=SYSTEM, fulfilled_by_event_id=event.event_id
    )
    withdrawn = tuple(
        CaseCompletion(event.tenant, event.case_id, (w.kind,), completion, assignee_user_id=w.user_id)
        for w in outcome.withdrawals
    )
    return Decision(
        new_tasks=outcome.new_tasks,
        case_completions=((CaseCompletion(event.tenant, event.case_id, kinds, completion),) if kinds else ())
        + withdrawn,
        reassignments=outcome.reassignments,
        obligation_tasks=outcome.obligation_tasks,
        case_state=outcome.case,
    )


def on_pupil_deregistered(
    fact: PupilLeft, open_case_ids: Sequence[uuid.UUID], recent_signals: int
) -> Decision:
    """Rule 14: a pupil with an open case or recent signals left the school: alert its zorgteam.

    With an open case, the zorgteam's alert names the case (the same one on every replay). With
    recent signals and no case, the IB'er gets the alert naming the pupil and the school's zorgteam
    one that names neither pupil nor case. A pupil without either leaves quietly.
    A case-level `PupilLeftSchool` recorded by the case owner alerts on its own as well.
    """
    if not open_case_ids and recent_signals == 0:
        return Decision()

    def alert(kind: TaskKind, role: Role, about_pupil: bool) -> Task:
        return Task(
            task_id=task_id_for(fact.event_id, kind),
            tenant=fact.tenant,
            school=fact.school,
            kind=kind,
            assignee=Assignee.role_at_school(role),
            created_at=fact.occurred_at,
            source_event_id=fact.event_id,
            pupil_id=fact.pupil_id if about_pupil else None,
            case_id=min(open_case_ids) if open_case_ids else None,
        )

    if open_case_ids:
        return Decision(new_tasks=(alert(TaskKind.PUPIL_LEFT_SCHOOL, LEAVING_PUPIL_ALERTED, True),))
    return Decision(
        new_tasks=(
            alert(TaskKind.PUPIL_LEFT_SCHOOL, SIGNAL_REVIEWER, True),
            alert(TaskKind.LEAVING_PUPIL_NOTICE, LEAVING_PUPIL_ALERTED, False),
        )
    )
