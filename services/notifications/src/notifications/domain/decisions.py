"""Which tasks an event creates or completes: pure decisions, applied by the adapters.

The input facts are what notifications needs of a contract event (see `translation`), so the
rules do not depend on the wire format.

The tasks of a case's obligations follow what casework published (`CaseObligationsChanged`, ADR
18): an obligation of `TASK_OF_OBLIGATION` that is open gives one open task of its kind, due at
the end of the due day casework set; one that is no longer listed completes it. Notifications
computes no term and knows no working-day calendar. The other obligations (and kinds of a newer
casework) give no task here: the case view lists them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Final

from meldcode_vocabulary import ObligationKind, Role

from .cases import (
    CaseEvent,
    CaseEventType,
    CaseState,
    CoordinatorNamed,
    DecisionTaken,
    ObligationsPublished,
    OwnerChange,
    Report,
    Transfer,
)
from .dutch_days import end_of_dutch_day
from .tasks import SYSTEM, Assignee, Completion, Task, TaskKind, must_be_utc, task_id_for

SIGNAL_REVIEWER = Role.INTERN_BEGELEIDER
"""Rule 4 / step 2: the IB'er / aandachtsfunctionaris of the school looks at every new signal."""
LEAVING_PUPIL_ALERTED = Role.ZORGTEAM
"""Rule 14: the zorgteam is alerted when a pupil with an open case or recent signals leaves. With an
open case the alert is the case's (a zorgteam member sees the tasks of the cases they are invited
into); without one the zorgteam gets a school-level alert that names no pupil (ADR 11), and the
IB'er (`SIGNAL_REVIEWER`), who alone sees pupils outside cases, gets the task naming the pupil."""


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


@dataclass(frozen=True)
class Reassignment:
    """Move the open tasks of the case assigned to `from_user_id` to `to_user_id` (and, on a
    transfer, to the new school, where the new owner can see them)."""

    tenant: str
    case_id: uuid.UUID
    from_user_id: str
    to_user_id: str
    to_school: str | None = None


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


TASK_OF_OBLIGATION: Final[Mapping[str, TaskKind]] = {
    ObligationKind.PARENTS_CONVERSATION: TaskKind.NEW_CASE,
    ObligationKind.WEIGHING: TaskKind.DISCUSS_IN_ZORGTEAM,
    ObligationKind.INFORM_PARENTS: TaskKind.INFORM_PARENTS_BEFORE_REPORT,
    ObligationKind.FEEDBACK: TaskKind.VEILIG_THUIS_FEEDBACK_EXPECTED,
    ObligationKind.EVALUATE: TaskKind.EVALUATE_FOLLOW_UP,
}
"""The published obligations that give a task, and its kind."""


def assignee_of(kind: TaskKind, case: CaseState) -> str | None:
    """Who acts on the task of an obligation: the case owner, unless the case names someone else."""
    named = {
        TaskKind.INFORM_PARENTS_BEFORE_REPORT: case.parents_informer_id,
        TaskKind.VEILIG_THUIS_FEEDBACK_EXPECTED: case.reporter_id,
        TaskKind.EVALUATE_FOLLOW_UP: case.care_coordinator_id,
    }.get(kind)
    return named or case.owner_id


NEXT_STEP_SET = (TaskKind.CASE_TRANSFERRED_IN,)
"""Any step recorded on a case completes the "set the next step" task of a transferred case."""

COMPLETED_BY: dict[CaseEventType, tuple[TaskKind, ...]] = {
    CaseEventType.OWNER_CHANGED: (),
    CaseEventType.CONVERSATION_HELD: NEXT_STEP_SET,
    CaseEventType.CONVERSATION_SKIPPED: NEXT_STEP_SET,
    CaseEventType.RISK_WEIGHED: NEXT_STEP_SET,
    CaseEventType.DECISION_MADE: NEXT_STEP_SET,
    CaseEventType.HELP_ORGANISED: NEXT_STEP_SET,
    CaseEventType.PARENTS_INFORMED: NEXT_STEP_SET,
    CaseEventType.PARENTS_INFORMING_EXCEPTION: NEXT_STEP_SET,
    CaseEventType.CHILD_INFORMED: NEXT_STEP_SET,
    CaseEventType.CHILD_INFORMING_EXCEPTION: NEXT_STEP_SET,
    CaseEventType.REPORTER_ANONYMITY_AGREED: NEXT_STEP_SET,
    CaseEventType.REPORTED: NEXT_STEP_SET,
    CaseEventType.FEEDBACK_RECEIVED: (),
    CaseEventType.CARE_COORDINATOR_ASSIGNED: NEXT_STEP_SET,
    CaseEventType.FOLLOW_UP_SCHEDULED: NEXT_STEP_SET,
    CaseEventType.FOLLOW_UP_EVALUATED: NEXT_STEP_SET,
    CaseEventType.CLOSED: (TaskKind.PUPIL_LEFT_SCHOOL, *NEXT_STEP_SET),
    CaseEventType.REOPENED: (),
    CaseEventType.PUPIL_LEFT_SCHOOL: (),
    CaseEventType.TRANSFERRED: (TaskKind.PUPIL_LEFT_SCHOOL, *NEXT_STEP_SET),
    # The obligations' tasks: those no longer listed (`on_case_event`). Not the transfer's task:
    # casework publishes after the transfer itself.
    CaseEventType.OBLIGATIONS_CHANGED: (),
}
"""Which open tasks of the case each event fulfils (completed by `system`)."""


def on_case_event(event: CaseEvent, known: CaseState | None) -> Decision:
    """The tasks a casework event creates, completes and moves, and the case state after it.

    `known` is the case as the previous events left it (None when notifications never saw the
    case: then only what the event itself says is used, and tasks for an unknown owner are not
    created).
    """
    case = known if known is not None else CaseState.first_seen(event)
    new_tasks: list[Task] = []
    reassignments: list[Reassignment] = []

    def task(kind: TaskKind, assignee: Assignee, school: str, due_at: datetime | None = None) -> Task:
        return Task(
            task_id=task_id_for(event.event_id, kind),
            tenant=event.tenant,
            school=school,
            kind=kind,
            assignee=assignee,
            created_at=event.occurred_at,
            source_event_id=event.event_id,
            pupil_id=event.pupil_id,
            case_id=event.case_id,
            due_at=due_at,
        )

    detail = event.detail
    obligation_tasks: list[Task] = []
    settled: tuple[TaskKind, ...] = ()
    if isinstance(detail, ObligationsPublished):
        open_kinds = set()
        for obligation in detail.obligations:
            kind = TASK_OF_OBLIGATION.get(obligation.kind)
            if kind is None or kind in open_kinds:
                continue
            open_kinds.add(kind)
            if (user := assignee_of(kind, case)) is not None:
                due = end_of_dutch_day(obligation.due_on) if obligation.due_on is not None else None
                obligation_tasks.append(task(kind, Assignee.user(user), case.school, due))
        settled = tuple(k for k in TASK_OF_OBLIGATION.values() if k not in open_kinds)
    elif isinstance(detail, DecisionTaken):
        case = replace(case, parents_informer_id=detail.who_informs_parents if detail.reports else None)
    elif isinstance(detail, Report):
        case = replace(case, reporter_id=detail.reporter_id)
    elif isinstance(detail, CoordinatorNamed):
        case = replace(case, care_coordinator_id=detail.coordinator_id)
    elif event.type is CaseEventType.PUPIL_LEFT_SCHOOL:
        new_tasks.append(
            task(TaskKind.PUPIL_LEFT_SCHOOL, Assignee.role_at_school(LEAVING_PUPIL_ALERTED), event.school)
        )
    elif isinstance(detail, OwnerChange):
        reassignments.append(
            Reassignment(event.tenant, event.case_id, detail.previous_owner_id, detail.new_owner_id)
        )
        case = replace(case, owner_id=detail.new_owner_id)
    elif isinstance(detail, Transfer):
        if case.owner_id:
            reassignments.append(
                Reassignment(
                    event.tenant, event.case_id, case.owner_id, detail.new_owner_id, detail.to_school
                )
            )
        new_tasks.append(
            task(TaskKind.CASE_TRANSFERRED_IN, Assignee.user(detail.new_owner_id), detail.to_school)
        )
        case = replace(case, owner_id=detail.new_owner_id, school=detail.to_school)
    elif event.type is CaseEventType.CLOSED:
        case = replace(case, closed=True)
    elif event.type is CaseEventType.REOPENED:
        case = replace(case, closed=False)

    kinds = COMPLETED_BY[event.type] + settled
    completions = (
        (
            CaseCompletion(
                event.tenant,
                event.case_id,
                kinds,
                Completion(
                    completed_at=event.occurred_at, completed_by=SYSTEM, fulfilled_by_event_id=event.event_id
                ),
            ),
        )
        if kinds
        else ()
    )
    return Decision(
        new_tasks=tuple(new_tasks),
        case_completions=completions,
        reassignments=tuple(reassignments),
        obligation_tasks=tuple(obligation_tasks),
        case_state=case,
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
