"""The tasks of a case's steps: who gets them, when they are due, and which event completes them."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from meldcode_contracts import Role
from notifications import application
from notifications.domain.access import Viewer, can_see
from notifications.domain.cases import (
    CaseEvent,
    CaseEventType,
    CoordinatorNamed,
    DecisionTaken,
    Detail,
    EvaluationPlanned,
    OwnerChange,
    Report,
    Transfer,
)
from notifications.domain.decisions import CaseNoticed, PupilLeft, SignalNoticed, on_case_event
from notifications.domain.tasks import SYSTEM, Assignee, Task, TaskKind, TaskStatus, task_id_for

from .fakes import InMemoryTaskStore

TENANT = "swv-zuid"
SCHOOL = "12AB"
OPENED_AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)  # a Monday
PUPIL = uuid.uuid4()
T = CaseEventType


class Case:
    """One case walked through the application with the in-memory store; each step an hour later."""

    def __init__(self, owner: str = "ib-1") -> None:
        self.store = InMemoryTaskStore()
        self.case_id = uuid.uuid4()
        self.owner = owner
        self.at = OPENED_AT

    async def open(self) -> CaseNoticed:
        fact = CaseNoticed(
            event_id=uuid.uuid4(),
            occurred_at=self.at,
            tenant=TENANT,
            school=SCHOOL,
            case_id=self.case_id,
            pupil_id=PUPIL,
            signal_ids=(uuid.uuid4(),),
            case_owner_id=self.owner,
        )
        await application.case_opened(self.store, fact)
        return fact

    def event(
        self, type: CaseEventType, detail: Detail | None = None, at: datetime | None = None
    ) -> CaseEvent:
        self.at = at or self.at + timedelta(hours=1)
        return CaseEvent(
            type=type,
            event_id=uuid.uuid4(),
            occurred_at=self.at,
            tenant=TENANT,
            school=SCHOOL,
            case_id=self.case_id,
            pupil_id=PUPIL,
            detail=detail,
        )

    async def record(
        self, type: CaseEventType, detail: Detail | None = None, at: datetime | None = None
    ) -> CaseEvent:
        fact = self.event(type, detail, at)
        await application.case_event(self.store, fact)
        return fact

    def of_kind(self, kind: TaskKind) -> list[Task]:
        return sorted(
            (t for t in self.store.tasks.values() if t.kind is kind), key=lambda t: (t.created_at, t.task_id)
        )

    def only(self, kind: TaskKind) -> Task:
        [task] = self.of_kind(kind)
        return task


async def opened_case(owner: str = "ib-1") -> Case:
    case = Case(owner)
    await case.open()
    return case


def done_by(task: Task, event: CaseEvent) -> bool:
    done = task.completion
    return done is not None and (done.completed_by, done.fulfilled_by_event_id, done.completed_at) == (
        SYSTEM,
        event.event_id,
        event.occurred_at,
    )


REPORT = DecisionTaken(outcome="report", who_informs_parents="ib-2")


# new_case


@pytest.mark.parametrize("step", [T.CONVERSATION_HELD, T.CONVERSATION_SKIPPED, T.CLOSED])
async def test_the_new_case_task_is_done_by_the_owners_first_step_or_by_closing(step: CaseEventType) -> None:
    case = await opened_case()
    fulfilling = await case.record(step)
    assert done_by(case.only(TaskKind.NEW_CASE), fulfilling)


# discuss_in_zorgteam


@pytest.mark.parametrize("step", [T.CONVERSATION_HELD, T.CONVERSATION_SKIPPED])
async def test_after_the_parents_conversation_the_owner_brings_the_case_to_the_zorgteam(
    step: CaseEventType,
) -> None:
    case = await opened_case(owner="ib-7")
    held = await case.record(step)
    task = case.only(TaskKind.DISCUSS_IN_ZORGTEAM)
    assert task.assignee == Assignee(user_id="ib-7")
    assert (task.tenant, task.school, task.case_id, task.pupil_id) == (TENANT, SCHOOL, case.case_id, PUPIL)
    assert (task.task_id, task.created_at, task.status) == (
        task_id_for(held.event_id, TaskKind.DISCUSS_IN_ZORGTEAM),
        held.occurred_at,
        TaskStatus.OPEN,
    )
    assert task.title(None) == "Bespreek de zaak in het zorgteam (weging)"


async def test_the_weighing_completes_the_zorgteam_task_and_later_conversations_ask_for_none() -> None:
    case = await opened_case()
    await case.record(T.CONVERSATION_HELD)
    await case.record(T.CONVERSATION_HELD)  # a second conversation before the weighing: still one task
    weighed = await case.record(T.RISK_WEIGHED)
    await case.record(T.CONVERSATION_HELD)  # step 3 recurs after the weighing: nothing to weigh
    assert done_by(case.only(TaskKind.DISCUSS_IN_ZORGTEAM), weighed)


async def test_closing_before_the_weighing_completes_the_zorgteam_task() -> None:
    case = await opened_case()
    await case.record(T.CONVERSATION_SKIPPED)
    closed = await case.record(T.CLOSED)
    assert done_by(case.only(TaskKind.DISCUSS_IN_ZORGTEAM), closed)


# inform_parents_before_report


@pytest.mark.parametrize("outcome", ["report", "report_and_help"])
async def test_a_decision_to_report_asks_who_informs_the_parents_to_do_so_first(outcome: str) -> None:
    case = await opened_case()
    await case.record(T.DECISION_MADE, DecisionTaken(outcome, who_informs_parents="ib-2"))
    task = case.only(TaskKind.INFORM_PARENTS_BEFORE_REPORT)
    assert task.assignee == Assignee(user_id="ib-2")
    assert task.title(None) == "Informeer de ouders over de voorgenomen melding"


@pytest.mark.parametrize("outcome", ["help", "no_suspicion_close"])
async def test_a_decision_not_to_report_asks_nobody_to_inform_the_parents(outcome: str) -> None:
    case = await opened_case()
    await case.record(T.DECISION_MADE, DecisionTaken(outcome, who_informs_parents=None))
    assert case.of_kind(TaskKind.INFORM_PARENTS_BEFORE_REPORT) == []


@pytest.mark.parametrize("step", [T.PARENTS_INFORMED, T.PARENTS_INFORMING_EXCEPTION, T.CLOSED])
async def test_informing_the_parents_or_recording_an_exception_completes_the_informing_task(
    step: CaseEventType,
) -> None:
    case = await opened_case()
    await case.record(T.DECISION_MADE, REPORT)
    fulfilling = await case.record(step)
    assert done_by(case.only(TaskKind.INFORM_PARENTS_BEFORE_REPORT), fulfilling)


async def test_a_new_decision_replaces_the_informing_task_of_the_decision_before() -> None:
    case = await opened_case()
    await case.record(T.DECISION_MADE, REPORT)
    again = await case.record(T.DECISION_MADE, replace(REPORT, who_informs_parents="zt-1"))
    first, second = case.of_kind(TaskKind.INFORM_PARENTS_BEFORE_REPORT)
    assert done_by(first, again)
    assert (second.status, second.assignee, second.source_event_id) == (
        TaskStatus.OPEN,
        Assignee(user_id="zt-1"),
        again.event_id,
    )


async def test_a_decision_to_report_without_a_named_informer_asks_the_case_owner() -> None:
    case = await opened_case(owner="ib-9")
    await case.record(T.DECISION_MADE, DecisionTaken("report", who_informs_parents=None))
    assert case.only(TaskKind.INFORM_PARENTS_BEFORE_REPORT).assignee == Assignee(user_id="ib-9")


# veilig_thuis_feedback_expected


async def test_a_report_gives_the_reporter_a_feedback_task_due_five_working_days_later() -> None:
    case = await opened_case()
    reported = await case.record(
        T.REPORTED, Report(reporter_id="ib-3"), at=datetime(2026, 11, 4, 10, tzinfo=UTC)
    )
    task = case.only(TaskKind.VEILIG_THUIS_FEEDBACK_EXPECTED)
    assert task.assignee == Assignee(user_id="ib-3")
    assert task.created_at == reported.occurred_at
    # Wednesday 4 November + 5 working days = Wednesday 11 November, end of day (23:00 UTC in winter).
    assert task.due_at == datetime(2026, 11, 11, 23, 0, tzinfo=UTC)
    assert task.title(None) == "Terugkoppeling van Veilig Thuis verwacht"


async def test_the_feedback_deadline_of_a_report_on_friday_skips_the_weekend() -> None:
    case = await opened_case()
    await case.record(T.REPORTED, Report(reporter_id="ib-3"), at=datetime(2026, 11, 6, 16, tzinfo=UTC))
    assert case.only(TaskKind.VEILIG_THUIS_FEEDBACK_EXPECTED).due_at == datetime(
        2026, 11, 13, 23, 0, tzinfo=UTC
    )


async def test_a_report_late_on_sunday_evening_counts_from_the_dutch_monday() -> None:
    case = await opened_case()
    # 23:30 UTC on Sunday 8 November is 00:30 on Monday 9 November in the Netherlands.
    await case.record(T.REPORTED, Report(reporter_id="ib-3"), at=datetime(2026, 11, 8, 23, 30, tzinfo=UTC))
    assert case.only(TaskKind.VEILIG_THUIS_FEEDBACK_EXPECTED).due_at == datetime(
        2026, 11, 16, 23, 0, tzinfo=UTC
    )


async def test_feedback_of_veilig_thuis_completes_the_feedback_task_and_closing_does_not() -> None:
    case = await opened_case()
    await case.record(T.REPORTED, Report(reporter_id="ib-3"))
    await case.record(T.CLOSED)
    assert case.only(TaskKind.VEILIG_THUIS_FEEDBACK_EXPECTED).status is TaskStatus.OPEN
    feedback = await case.record(T.FEEDBACK_RECEIVED)
    assert done_by(case.only(TaskKind.VEILIG_THUIS_FEEDBACK_EXPECTED), feedback)


# evaluate_follow_up


async def test_a_follow_up_gives_the_latest_care_coordinator_an_evaluation_task_due_that_day() -> None:
    case = await opened_case()
    await case.record(T.CARE_COORDINATOR_ASSIGNED, CoordinatorNamed("zt-1"))
    await case.record(T.CARE_COORDINATOR_ASSIGNED, CoordinatorNamed("zt-2"))
    await case.record(T.FOLLOW_UP_SCHEDULED, EvaluationPlanned(date(2026, 12, 14)))
    task = case.only(TaskKind.EVALUATE_FOLLOW_UP)
    assert task.assignee == Assignee(user_id="zt-2")
    assert task.due_at == datetime(2026, 12, 14, 23, 0, tzinfo=UTC)
    assert task.title(None) == "Evalueer de hulp (zorgcoördinator)"


async def test_the_evaluation_completes_the_evaluation_task() -> None:
    case = await opened_case()
    await case.record(T.CARE_COORDINATOR_ASSIGNED, CoordinatorNamed("zt-1"))
    await case.record(T.FOLLOW_UP_SCHEDULED, EvaluationPlanned(date(2026, 12, 14)))
    evaluated = await case.record(T.FOLLOW_UP_EVALUATED)
    assert done_by(case.only(TaskKind.EVALUATE_FOLLOW_UP), evaluated)


async def test_a_new_evaluation_date_replaces_the_open_evaluation_task() -> None:
    case = await opened_case()
    await case.record(T.CARE_COORDINATOR_ASSIGNED, CoordinatorNamed("zt-1"))
    await case.record(T.FOLLOW_UP_SCHEDULED, EvaluationPlanned(date(2026, 12, 14)))
    moved = await case.record(T.FOLLOW_UP_SCHEDULED, EvaluationPlanned(date(2027, 1, 11)))
    first, second = case.of_kind(TaskKind.EVALUATE_FOLLOW_UP)
    assert done_by(first, moved)
    assert (second.status, second.due_at) == (TaskStatus.OPEN, datetime(2027, 1, 11, 23, 0, tzinfo=UTC))


# pupil_left_school


async def test_a_pupil_with_an_open_case_leaving_alerts_the_zorgteam_of_the_school() -> None:
    case = await opened_case()
    await case.record(T.PUPIL_LEFT_SCHOOL)
    task = case.only(TaskKind.PUPIL_LEFT_SCHOOL)
    assert task.assignee == Assignee(role=Role.ZORGTEAM)
    assert task.school == SCHOOL
    assert task.title(None) == "Leerling met een open zaak of recente signalen heeft de school verlaten"
    assert can_see(Viewer("zt-5", Role.ZORGTEAM, TENANT, frozenset({SCHOOL})), task)
    assert not can_see(Viewer("zt-5", Role.ZORGTEAM, TENANT, frozenset({"34CD"})), task)


@pytest.mark.parametrize("step", [T.TRANSFERRED, T.CLOSED])
async def test_the_leaving_alert_is_done_by_the_transfer_or_by_closing(step: CaseEventType) -> None:
    case = await opened_case()
    await case.record(T.PUPIL_LEFT_SCHOOL)
    fulfilling = await case.record(step, Transfer("34CD", "ib-34") if step is T.TRANSFERRED else None)
    assert done_by(case.only(TaskKind.PUPIL_LEFT_SCHOOL), fulfilling)


# case_transferred_in and owner changes


async def test_a_transferred_case_gives_its_new_owner_at_the_new_school_a_task() -> None:
    case = await opened_case()
    await case.record(T.TRANSFERRED, Transfer(to_school="34CD", new_owner_id="ib-34"))
    task = case.only(TaskKind.CASE_TRANSFERRED_IN)
    assert (task.assignee, task.school) == (Assignee(user_id="ib-34"), "34CD")
    assert task.title(None) == "Overgedragen zaak: zet de volgende stap van de Meldcode"
    assert can_see(Viewer("ib-34", Role.INTERN_BEGELEIDER, TENANT, frozenset({"34CD"})), task)


async def test_the_next_step_at_the_new_school_completes_the_transferred_case_task() -> None:
    case = await opened_case()
    await case.record(T.TRANSFERRED, Transfer(to_school="34CD", new_owner_id="ib-34"))
    step = await case.record(T.CONVERSATION_HELD)
    assert done_by(case.only(TaskKind.CASE_TRANSFERRED_IN), step)
    # Later tasks for the owner are for the new owner at the new school.
    discuss = case.only(TaskKind.DISCUSS_IN_ZORGTEAM)
    assert (discuss.assignee, discuss.school) == (Assignee(user_id="ib-34"), "34CD")


async def test_a_transfer_moves_the_open_tasks_of_the_previous_owner_to_the_new_owner_and_school() -> None:
    case = await opened_case(owner="ib-1")
    await case.record(T.CONVERSATION_HELD)
    await case.record(T.TRANSFERRED, Transfer(to_school="34CD", new_owner_id="ib-34"))
    discuss = case.only(TaskKind.DISCUSS_IN_ZORGTEAM)
    assert (discuss.assignee, discuss.school, discuss.status) == (
        Assignee(user_id="ib-34"),
        "34CD",
        TaskStatus.OPEN,
    )
    # The task that was done stays with who did it.
    assert case.only(TaskKind.NEW_CASE).assignee == Assignee(user_id="ib-1")


async def test_a_new_owner_takes_over_the_open_tasks_of_the_case_and_gets_the_later_ones() -> None:
    case = await opened_case(owner="ib-1")
    await case.record(T.OWNER_CHANGED, OwnerChange(previous_owner_id="ib-1", new_owner_id="ib-2"))
    assert case.only(TaskKind.NEW_CASE).assignee == Assignee(user_id="ib-2")
    await case.record(T.CONVERSATION_HELD)
    assert case.only(TaskKind.DISCUSS_IN_ZORGTEAM).assignee == Assignee(user_id="ib-2")


async def test_an_owner_change_leaves_the_tasks_of_other_cases_and_people_alone() -> None:
    case, other = await opened_case(owner="ib-1"), Case(owner="ib-1")
    other.store = case.store
    await other.open()
    await case.record(T.REPORTED, Report(reporter_id="ib-3"))
    await case.record(T.OWNER_CHANGED, OwnerChange(previous_owner_id="ib-1", new_owner_id="ib-2"))
    assert [t.assignee.user_id for t in other.of_kind(TaskKind.NEW_CASE) if t.case_id == other.case_id] == [
        "ib-1"
    ]
    assert case.only(TaskKind.VEILIG_THUIS_FEEDBACK_EXPECTED).assignee == Assignee(user_id="ib-3")


# idempotency, replay, unknown cases


async def test_applying_a_case_event_twice_gives_the_same_tasks() -> None:
    case = await opened_case()
    await case.record(T.DECISION_MADE, REPORT)
    decided = await case.record(T.DECISION_MADE, replace(REPORT, who_informs_parents="zt-1"))
    before = dict(case.store.tasks)
    _, created = await application.case_event(case.store, decided)
    assert created == []
    assert case.store.tasks == before
    assert [t.status for t in case.of_kind(TaskKind.INFORM_PARENTS_BEFORE_REPORT)] == [
        TaskStatus.DONE,
        TaskStatus.OPEN,
    ]


async def test_replaying_a_whole_case_gives_exactly_the_same_tasks() -> None:
    async def walk(case: Case, events: list[CaseEvent] | None = None) -> list[CaseEvent]:
        steps: list[tuple[CaseEventType, Detail | None]] = [
            (T.CONVERSATION_HELD, None),
            (T.RISK_WEIGHED, None),
            (T.DECISION_MADE, REPORT),
            (T.PARENTS_INFORMED, None),
            (T.REPORTED, Report("ib-1")),
            (T.FEEDBACK_RECEIVED, None),
            (T.CARE_COORDINATOR_ASSIGNED, CoordinatorNamed("zt-1")),
            (T.FOLLOW_UP_SCHEDULED, EvaluationPlanned(date(2026, 12, 14))),
            (T.FOLLOW_UP_EVALUATED, None),
            (T.CLOSED, None),
        ]
        recorded = events or [case.event(type, detail) for type, detail in steps]
        for fact in recorded:
            await application.case_event(case.store, fact)
        return recorded

    live = Case()
    opened = await live.open()
    events = await walk(live)
    replayed = Case()
    await application.case_opened(replayed.store, opened)
    await walk(replayed, events)
    assert replayed.store.tasks == live.store.tasks
    assert all(t.status is TaskStatus.DONE for t in live.store.tasks.values())
    assert len(live.store.tasks) == 5


async def test_a_case_whose_opening_was_not_seen_still_gets_the_tasks_that_name_their_person() -> None:
    case = Case()
    await case.record(T.CONVERSATION_HELD)  # owner unknown: no zorgteam task
    await case.record(T.REPORTED, Report("ib-3"))
    await case.record(T.CARE_COORDINATOR_ASSIGNED, CoordinatorNamed("zt-1"))
    await case.record(T.FOLLOW_UP_SCHEDULED, EvaluationPlanned(date(2026, 12, 14)))
    assert case.of_kind(TaskKind.DISCUSS_IN_ZORGTEAM) == []
    assert case.only(TaskKind.VEILIG_THUIS_FEEDBACK_EXPECTED).assignee == Assignee(user_id="ib-3")
    assert case.only(TaskKind.EVALUATE_FOLLOW_UP).assignee == Assignee(user_id="zt-1")


async def test_a_case_event_does_not_touch_tasks_of_another_samenwerkingsverband() -> None:
    case = await opened_case()
    elsewhere = replace(case.event(T.CONVERSATION_HELD), tenant="swv-noord")
    await application.case_event(case.store, elsewhere)
    assert case.only(TaskKind.NEW_CASE).status is TaskStatus.OPEN


def test_a_case_event_carries_the_detail_its_type_needs_and_no_other() -> None:
    case = Case()
    with pytest.raises(ValueError, match="needs a Report"):
        case.event(T.REPORTED)
    with pytest.raises(ValueError, match="carries no detail"):
        case.event(T.CLOSED, Report("ib-3"))
    with pytest.raises(ValueError, match="UTC"):
        case.event(T.CLOSED, at=datetime(2026, 11, 2, 9, 30))


def test_every_casework_event_type_has_a_rule() -> None:
    case = Case()
    for type in CaseEventType:
        detail = {
            T.OWNER_CHANGED: OwnerChange("a", "b"),
            T.DECISION_MADE: REPORT,
            T.REPORTED: Report("a"),
            T.CARE_COORDINATOR_ASSIGNED: CoordinatorNamed("a"),
            T.FOLLOW_UP_SCHEDULED: EvaluationPlanned(date(2026, 12, 14)),
            T.TRANSFERRED: Transfer("34CD", "a"),
        }.get(type)
        decision = on_case_event(case.event(type, detail), None)
        assert decision.case_state is not None


# rule 14 at the pupil level: deregistration (PupilDeregistered)


def deregistration(at: datetime) -> PupilLeft:
    return PupilLeft(
        event_id=uuid.uuid4(), occurred_at=at, tenant=TENANT, school=SCHOOL, pupil_id=PUPIL, left_on=at.date()
    )


async def record_signal(store: InMemoryTaskStore, at: datetime) -> None:
    await application.signal_recorded(
        store,
        SignalNoticed(
            event_id=uuid.uuid4(),
            occurred_at=at,
            tenant=TENANT,
            school=SCHOOL,
            signal_id=uuid.uuid4(),
            pupil_id=PUPIL,
        ),
    )


def alerts(store: InMemoryTaskStore) -> list[Task]:
    return [t for t in store.tasks.values() if t.kind is TaskKind.PUPIL_LEFT_SCHOOL]


async def test_a_deregistered_pupil_with_an_open_case_alerts_the_zorgteam_naming_the_case() -> None:
    case = await opened_case()
    await application.pupil_deregistered(case.store, deregistration(OPENED_AT + timedelta(days=3)))
    [alert] = alerts(case.store)
    assert (alert.assignee, alert.school, alert.case_id) == (
        Assignee(role=Role.ZORGTEAM),
        SCHOOL,
        case.case_id,
    )


async def test_a_deregistered_pupil_with_a_signal_of_this_year_and_no_case_alerts_the_zorgteam() -> None:
    store = InMemoryTaskStore()
    await record_signal(store, OPENED_AT)
    await application.pupil_deregistered(store, deregistration(OPENED_AT + timedelta(days=364)))
    [alert] = alerts(store)
    assert alert.case_id is None
    assert alert.pupil_id == PUPIL


async def test_a_pupil_whose_signals_are_old_and_whose_cases_are_closed_leaves_without_an_alert() -> None:
    case = await opened_case()
    await case.record(T.CLOSED)
    await record_signal(case.store, OPENED_AT)
    await application.pupil_deregistered(case.store, deregistration(OPENED_AT + timedelta(days=366)))
    assert alerts(case.store) == []


async def test_the_same_deregistration_delivered_twice_gives_one_alert() -> None:
    store = InMemoryTaskStore()
    await record_signal(store, OPENED_AT)
    fact = deregistration(OPENED_AT + timedelta(days=1))
    await application.pupil_deregistered(store, fact)
    await application.pupil_deregistered(store, fact)
    assert len(alerts(store)) == 1
