"""What each casework event after `CaseOpened` does to the tasks of its case: one small rule per
event type in `CASE_RULES`, and the kinds of open tasks each type fulfils in `COMPLETED_BY`.
`decisions.on_case_event` reads both.

The tasks of a case's obligations follow what casework published (`CaseObligationsChanged`, ADR
18): an obligation of `TASK_OF_OBLIGATION` that is open gives one open task of its kind, due at
the end of the due day casework set; one that is no longer listed completes it. Notifications
computes no term and knows no working-day calendar. The other obligations (and kinds of a newer
casework) give no task here: the case view lists them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final, TypeVar

from meldcode_vocabulary import ObligationKind, Role
from meldcode_vocabulary.dutch_days import end_of_dutch_day

from .cases import (
    CaseEvent,
    CaseEventType,
    CaseState,
    CoordinatorNamed,
    DecisionTaken,
    Detail,
    Invitation,
    ObligationsPublished,
    OwnerChange,
    Report,
    Transfer,
)
from .tasks import Assignee, Task, TaskKind, task_id_for

LEAVING_PUPIL_ALERTED = Role.ZORGTEAM
"""Rule 14: the zorgteam is alerted when a pupil with an open case or recent signals leaves. With an
open case the alert is the case's (a zorgteam member sees the tasks of the cases they are invited
into); without one the zorgteam gets a school-level alert that names no pupil (ADR 11), and the
IB'er (`decisions.SIGNAL_REVIEWER`), who alone sees pupils outside cases, gets the task naming the
pupil."""


@dataclass(frozen=True)
class Reassignment:
    """Move the open tasks of the case assigned to `from_user_id` to `to_user_id` (and, on a
    transfer, to the new school, where the new owner can see them)."""

    tenant: str
    case_id: uuid.UUID
    from_user_id: str
    to_user_id: str
    to_school: str | None = None
    kinds: tuple[TaskKind, ...] = ()
    """Only the open tasks of these kinds; all of them when empty."""


@dataclass(frozen=True)
class Withdrawal:
    """The open tasks of `kind` of the case assigned to `user_id` are no longer theirs to do
    (completed by `system`, fulfilled by the withdrawing event)."""

    kind: TaskKind
    user_id: str


@dataclass(frozen=True)
class CaseOutcome:
    """What one rule of `CASE_RULES` decided: the case after the event, the tasks it creates and
    moves, and the kinds of obligation tasks that are settled (no longer listed)."""

    case: CaseState
    new_tasks: tuple[Task, ...] = ()
    reassignments: tuple[Reassignment, ...] = ()
    obligation_tasks: tuple[Task, ...] = ()
    settled: tuple[TaskKind, ...] = ()
    withdrawals: tuple[Withdrawal, ...] = ()


def case_task(
    event: CaseEvent, kind: TaskKind, assignee: Assignee, school: str, due_at: datetime | None = None
) -> Task:
    """The task of `kind` that `event` creates about its case (the same one on every replay)."""
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


D = TypeVar("D", bound=Detail)


def detail_of(event: CaseEvent, wanted: type[D]) -> D:
    """The event's detail; `CaseEvent` already checked that its type carries this one."""
    detail = event.detail
    if not isinstance(detail, wanted):
        raise TypeError(f"{event.type.value} carries no {wanted.__name__}")
    return detail


# --- The obligations casework published --------------------------------------------------------

TASK_OF_OBLIGATION: Final[Mapping[str, TaskKind]] = {
    ObligationKind.PARENTS_CONVERSATION: TaskKind.NEW_CASE,
    ObligationKind.WEIGHING: TaskKind.DISCUSS_IN_ZORGTEAM,
    ObligationKind.INFORM_PARENTS: TaskKind.INFORM_PARENTS_BEFORE_REPORT,
    ObligationKind.FEEDBACK: TaskKind.VEILIG_THUIS_FEEDBACK_EXPECTED,
    ObligationKind.EVALUATE: TaskKind.EVALUATE_FOLLOW_UP,
    # Step 5 / rule 7 (docs/domain/rules.md "Rule 7", docs/domain/steps.md step 5): after the
    # weighing the case owner decides by the afwegingskader; again after a failed evaluation
    # (rule 12). Casework opens the obligation after `RiskWeighed` and closes it with
    # `DecisionMade`, so the task is the owner's from the weighing until the decision.
    ObligationKind.DECISION: TaskKind.TAKE_DECISION,
    ObligationKind.DECISION_AFTER_FAILED_EVALUATION: TaskKind.TAKE_DECISION,
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


def obligations_changed(event: CaseEvent, case: CaseState) -> CaseOutcome:
    """One open task per listed obligation kind (for its assignee, when known); the kinds no longer
    listed are settled."""
    open_kinds: set[TaskKind] = set()
    tasks: list[Task] = []
    for obligation in detail_of(event, ObligationsPublished).obligations:
        kind = TASK_OF_OBLIGATION.get(obligation.kind)
        if kind is None or kind in open_kinds:
            continue
        open_kinds.add(kind)
        if (user := assignee_of(kind, case)) is not None:
            due = end_of_dutch_day(obligation.due_on) if obligation.due_on is not None else None
            tasks.append(case_task(event, kind, Assignee.user(user), case.school, due))
    settled = tuple(k for k in TASK_OF_OBLIGATION.values() if k not in open_kinds)
    return CaseOutcome(case, obligation_tasks=tuple(tasks), settled=settled)


# --- Who the case names, and where it is -------------------------------------------------------


def decision_made(event: CaseEvent, case: CaseState) -> CaseOutcome:
    decision = detail_of(event, DecisionTaken)
    return CaseOutcome(
        replace(case, parents_informer_id=decision.who_informs_parents if decision.reports else None)
    )


def reported(event: CaseEvent, case: CaseState) -> CaseOutcome:
    return CaseOutcome(replace(case, reporter_id=detail_of(event, Report).reporter_id))


def coordinator_assigned(event: CaseEvent, case: CaseState) -> CaseOutcome:
    """Rule 12 (docs/domain/rules.md "Rule 12", docs/domain/steps.md step 6): the care coordinator
    evaluates the help on the evaluation date. A coordinator named in place of another takes over
    the open evaluation task; the first one gets it with the obligation casework publishes."""
    coordinator = detail_of(event, CoordinatorNamed).coordinator_id
    previous = case.care_coordinator_id
    moved = (
        (
            Reassignment(
                event.tenant, event.case_id, previous, coordinator, kinds=(TaskKind.EVALUATE_FOLLOW_UP,)
            ),
        )
        if previous and previous != coordinator
        else ()
    )
    return CaseOutcome(replace(case, care_coordinator_id=coordinator), reassignments=moved)


# --- The zorgteam's weighing (step 4) ----------------------------------------------------------


def member_invited(event: CaseEvent, case: CaseState) -> CaseOutcome:
    """Step 4 / rule 6 (docs/domain/rules.md "Rule 6", docs/domain/steps.md step 4):
    the weighing is multidisciplinary, in the zorgteam; whoever the IB'er invites into the case
    takes part in it, so the invitation is their task until the weighing is recorded. Invited after
    the weighing, there is no weighing left to take part in (they still see the case, ADR 11)."""
    if case.weighed or case.closed:
        return CaseOutcome(case)
    member = detail_of(event, Invitation).member_id
    task = case_task(event, TaskKind.TAKE_PART_IN_WEIGHING, Assignee.user(member), case.school)
    return CaseOutcome(case, new_tasks=(task,))


def invitation_withdrawn(event: CaseEvent, case: CaseState) -> CaseOutcome:
    """The member no longer takes part in the case (ADR 11): their weighing task goes with it."""
    member = detail_of(event, Invitation).member_id
    return CaseOutcome(case, withdrawals=(Withdrawal(TaskKind.TAKE_PART_IN_WEIGHING, member),))


def risk_weighed(event: CaseEvent, case: CaseState) -> CaseOutcome:
    return CaseOutcome(replace(case, weighed=True))


def owner_changed(event: CaseEvent, case: CaseState) -> CaseOutcome:
    """The previous owner's open tasks go to the new owner (rule 4, docs/domain/rules.md "Rule 4":
    a case has one owner, who takes its next steps)."""
    change = detail_of(event, OwnerChange)
    return CaseOutcome(
        replace(case, owner_id=change.new_owner_id),
        reassignments=(
            Reassignment(event.tenant, event.case_id, change.previous_owner_id, change.new_owner_id),
        ),
    )


def transferred(event: CaseEvent, case: CaseState) -> CaseOutcome:
    """The owner's open tasks go to the new owner at the new school, who sets the next step there."""
    transfer = detail_of(event, Transfer)
    moved = (
        (Reassignment(event.tenant, event.case_id, case.owner_id, transfer.new_owner_id, transfer.to_school),)
        if case.owner_id
        else ()
    )
    return CaseOutcome(
        replace(case, owner_id=transfer.new_owner_id, school=transfer.to_school),
        new_tasks=(
            case_task(
                event, TaskKind.CASE_TRANSFERRED_IN, Assignee.user(transfer.new_owner_id), transfer.to_school
            ),
        ),
        reassignments=moved,
    )


def pupil_left_school(event: CaseEvent, case: CaseState) -> CaseOutcome:
    """Rule 14, recorded on the case by its owner: the zorgteam of the school is alerted."""
    alert = case_task(
        event, TaskKind.PUPIL_LEFT_SCHOOL, Assignee.role_at_school(LEAVING_PUPIL_ALERTED), event.school
    )
    return CaseOutcome(case, new_tasks=(alert,))


def unchanged(event: CaseEvent, case: CaseState) -> CaseOutcome:
    return CaseOutcome(case)


CaseRule = Callable[[CaseEvent, CaseState], CaseOutcome]

CASE_RULES: dict[CaseEventType, CaseRule] = {
    CaseEventType.OBLIGATIONS_CHANGED: obligations_changed,
    CaseEventType.DECISION_MADE: decision_made,
    CaseEventType.REPORTED: reported,
    CaseEventType.CARE_COORDINATOR_ASSIGNED: coordinator_assigned,
    CaseEventType.PUPIL_LEFT_SCHOOL: pupil_left_school,
    CaseEventType.OWNER_CHANGED: owner_changed,
    CaseEventType.ZORGTEAM_MEMBER_INVITED: member_invited,
    CaseEventType.ZORGTEAM_INVITATION_WITHDRAWN: invitation_withdrawn,
    CaseEventType.RISK_WEIGHED: risk_weighed,
    CaseEventType.TRANSFERRED: transferred,
    CaseEventType.CLOSED: lambda event, case: CaseOutcome(replace(case, closed=True)),
    CaseEventType.REOPENED: lambda event, case: CaseOutcome(replace(case, closed=False)),
}
"""The events that do more than complete tasks; every other one leaves the case `unchanged`."""


NEXT_STEP_SET = (TaskKind.CASE_TRANSFERRED_IN,)
"""Any step recorded on a case completes the "set the next step" task of a transferred case."""

COMPLETED_BY: dict[CaseEventType, tuple[TaskKind, ...]] = {
    CaseEventType.OWNER_CHANGED: (),
    CaseEventType.CONVERSATION_HELD: NEXT_STEP_SET,
    CaseEventType.CONVERSATION_SKIPPED: NEXT_STEP_SET,
    # Step 4: the weighing is recorded, so taking part in it is done for every invited member.
    CaseEventType.RISK_WEIGHED: (TaskKind.TAKE_PART_IN_WEIGHING, *NEXT_STEP_SET),
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
    # The obligations' tasks: those no longer listed (`obligations_changed`). Not the transfer's
    # task: casework publishes after the transfer itself.
    CaseEventType.OBLIGATIONS_CHANGED: (),
    CaseEventType.ZORGTEAM_MEMBER_INVITED: (),
    CaseEventType.ZORGTEAM_INVITATION_WITHDRAWN: (),
}
"""Which open tasks of the case each event fulfils (completed by `system`)."""
