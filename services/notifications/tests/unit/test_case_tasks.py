"""The tasks of a case's obligations: who gets them, the due day casework published for them, and
what completes them (the obligation no longer published, or the event that ends them)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta

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
    Invitation,
    OwnerChange,
    Report,
    Transfer,
)
from notifications.domain.decisions import PupilLeft, SignalNoticed, on_case_event
from notifications.domain.errors import TaskNotFound
from notifications.domain.task_pages import PageRequest
from notifications.domain.tasks import Assignee, Task, TaskKind, TaskStatus, task_id_for

from .case_walk import (
    OPENED_AT,
    PUPIL,
    SCHOOL,
    TENANT,
    Case,
    T,
    done_by,
    end_of,
    opened_case,
    published,
)
from .fakes import InMemoryTaskStore

REPORT = DecisionTaken(outcome="report", who_informs_parents="ib-2")
PER_TENANT_DUE = date(2026, 11, 4)
"""Two calendar days after the opening: a term of the samenwerkingsverband no reader could derive."""


# the task of a published obligation: created, due, kept, completed


async def test_opening_a_case_gives_no_task_until_casework_publishes_its_obligations() -> None:
    case = await opened_case(owner="ib-7")
    assert case.of_kind(TaskKind.NEW_CASE) == []

    publication = await case.publish("geopend", ("gesprek_ouders", PER_TENANT_DUE))

    task = case.only(TaskKind.NEW_CASE)
    assert task.assignee == Assignee(user_id="ib-7")
    assert (task.tenant, task.school, task.case_id, task.pupil_id) == (TENANT, SCHOOL, case.case_id, PUPIL)
    assert (task.task_id, task.created_at, task.status) == (
        task_id_for(publication.event_id, TaskKind.NEW_CASE),
        publication.occurred_at,
        TaskStatus.OPEN,
    )
    assert task.due_at == end_of(PER_TENANT_DUE), "the end of the Dutch day casework published"


@pytest.mark.parametrize(
    ("obligation", "kind", "assignee"),
    [
        ("gesprek_ouders", TaskKind.NEW_CASE, "ib-1"),
        ("weging_zorgteam", TaskKind.DISCUSS_IN_ZORGTEAM, "ib-1"),
        ("ouders_informeren", TaskKind.INFORM_PARENTS_BEFORE_REPORT, "ib-2"),
        ("terugkoppeling_veilig_thuis", TaskKind.VEILIG_THUIS_FEEDBACK_EXPECTED, "ib-3"),
        ("evaluatie_uitvoeren", TaskKind.EVALUATE_FOLLOW_UP, "zt-1"),
    ],
)
async def test_each_obligation_with_a_task_is_for_the_person_the_case_names_and_due_as_published(
    obligation: str, kind: TaskKind, assignee: str
) -> None:
    case = await opened_case(owner="ib-1")
    await case.record(T.DECISION_MADE, REPORT)
    await case.record(T.REPORTED, Report(reporter_id="ib-3"))
    await case.record(T.CARE_COORDINATOR_ASSIGNED, CoordinatorNamed("zt-1"))
    due = date(2027, 2, 26)
    await case.publish("volgen", (obligation, due))
    task = case.only(kind)
    assert (task.assignee, task.due_at, task.status) == (
        Assignee(user_id=assignee),
        end_of(due),
        TaskStatus.OPEN,
    )


async def test_an_obligation_without_a_due_day_gives_a_task_without_a_deadline() -> None:
    case = await opened_case()
    await case.record(T.DECISION_MADE, REPORT)
    await case.publish("besluit", "ouders_informeren", "melden_veilig_thuis")
    task = case.only(TaskKind.INFORM_PARENTS_BEFORE_REPORT)
    assert (task.assignee, task.due_at) == (Assignee(user_id="ib-2"), None)
    assert task.title(None) == "Informeer de ouders over de voorgenomen melding"


async def test_a_decision_to_report_without_a_named_informer_asks_the_case_owner() -> None:
    case = await opened_case(owner="ib-1")
    await case.record(T.DECISION_MADE, DecisionTaken(outcome="report_and_help", who_informs_parents=None))
    await case.publish("besluit", "ouders_informeren")
    assert case.only(TaskKind.INFORM_PARENTS_BEFORE_REPORT).assignee == Assignee(user_id="ib-1")


async def test_a_later_decision_not_to_report_forgets_the_informer_of_the_earlier_one() -> None:
    case = await opened_case(owner="ib-1")
    await case.record(T.DECISION_MADE, REPORT)
    await case.record(T.DECISION_MADE, DecisionTaken(outcome="help", who_informs_parents="ib-2"))
    await case.publish("besluit", "ouders_informeren")
    assert case.only(TaskKind.INFORM_PARENTS_BEFORE_REPORT).assignee == Assignee(user_id="ib-1")


async def test_the_task_stays_one_while_the_obligation_stays_published_and_follows_a_new_due_day() -> None:
    case = await opened_case()
    first = await case.publish("geopend", ("gesprek_ouders", PER_TENANT_DUE))
    await case.publish("geopend", ("gesprek_ouders", PER_TENANT_DUE), "overdracht")
    later = date(2026, 11, 30)  # the samenwerkingsverband changed its terms
    await case.publish("geopend", ("gesprek_ouders", later))

    task = case.only(TaskKind.NEW_CASE)
    assert task.task_id == task_id_for(first.event_id, TaskKind.NEW_CASE)
    assert (task.status, task.due_at) == (TaskStatus.OPEN, end_of(later))


async def test_an_obligation_no_longer_published_completes_its_task_by_that_publication() -> None:
    case = await opened_case()
    await case.publish("geopend", ("gesprek_ouders", PER_TENANT_DUE))
    await case.record(T.CONVERSATION_HELD)
    assert case.only(TaskKind.NEW_CASE).status is TaskStatus.OPEN, "the event alone completes nothing"

    moved_on = await case.publish("gesprek_ouders", ("weging_zorgteam", date(2026, 11, 16)))

    assert done_by(case.only(TaskKind.NEW_CASE), moved_on)
    assert case.only(TaskKind.DISCUSS_IN_ZORGTEAM).status is TaskStatus.OPEN


async def test_a_closed_case_publishes_no_obligations_and_so_completes_every_obligation_task() -> None:
    case = await opened_case()
    await case.record(T.DECISION_MADE, REPORT)
    await case.record(T.REPORTED, Report(reporter_id="ib-3"))
    await case.publish(
        "melding", ("terugkoppeling_veilig_thuis", date(2026, 11, 9)), "zorgcoordinator_aanwijzen"
    )
    await case.record(T.CLOSED)
    closed = await case.publish("gesloten")
    assert done_by(case.only(TaskKind.VEILIG_THUIS_FEEDBACK_EXPECTED), closed)


async def test_an_obligation_opened_again_later_gives_a_new_task() -> None:
    case = await opened_case()
    await case.record(T.DECISION_MADE, REPORT)
    await case.publish("besluit", "ouders_informeren")
    await case.publish("besluit", "melden_veilig_thuis")
    await case.record(T.DECISION_MADE, replace(REPORT, who_informs_parents="zt-1"))
    await case.publish("besluit", "ouders_informeren")
    assert [(t.status, t.assignee.user_id) for t in case.of_kind(TaskKind.INFORM_PARENTS_BEFORE_REPORT)] == [
        (TaskStatus.DONE, "ib-2"),
        (TaskStatus.OPEN, "zt-1"),
    ]


async def test_obligations_without_a_task_and_kinds_of_a_newer_casework_give_none_and_are_not_refused() -> (
    None
):
    case = await opened_case()
    await case.publish(
        "stap_van_morgen",
        "zaak_sluiten_geen_vermoeden",
        ("plicht_van_morgen", date(2026, 12, 1)),
        "zaak_sluiten",
    )
    assert [t for t in case.store.tasks.values() if t.case_id == case.case_id] == []


async def test_the_obligation_task_of_an_unknown_owner_waits_for_a_publication_that_names_one() -> None:
    case = Case()  # the opening was not seen: the owner is unknown
    await case.publish("geopend", ("gesprek_ouders", PER_TENANT_DUE))
    assert case.of_kind(TaskKind.NEW_CASE) == []
    await case.record(T.OWNER_CHANGED, OwnerChange(previous_owner_id="ib-1", new_owner_id="ib-2"))
    await case.publish("geopend", ("gesprek_ouders", PER_TENANT_DUE))
    assert case.only(TaskKind.NEW_CASE).assignee == Assignee(user_id="ib-2")


# pupil_left_school


async def test_a_pupil_with_an_open_case_leaving_alerts_the_zorgteam_of_the_school() -> None:
    case = await opened_case()
    await case.record(T.PUPIL_LEFT_SCHOOL)
    task = case.only(TaskKind.PUPIL_LEFT_SCHOOL)
    assert task.assignee == Assignee(role=Role.ZORGTEAM)
    assert task.school == SCHOOL
    assert task.title(None) == "Leerling met een open zaak of recente signalen heeft de school verlaten"
    invited = Viewer("zt-5", Role.ZORGTEAM, TENANT, frozenset({SCHOOL}), frozenset({case.case_id}))
    assert can_see(invited, task)
    assert not can_see(replace(invited, schools=frozenset({"34CD"})), task)
    assert not can_see(replace(invited, invited_cases=frozenset()), task)  # ADR 11


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
    await case.publish("geopend", "gesprek_ouders")  # after the transfer: completes nothing
    assert case.only(TaskKind.CASE_TRANSFERRED_IN).status is TaskStatus.OPEN
    step = await case.record(T.CONVERSATION_HELD)
    assert done_by(case.only(TaskKind.CASE_TRANSFERRED_IN), step)
    await case.publish("gesprek_ouders", "weging_zorgteam")
    # Later tasks for the owner are for the new owner at the new school.
    discuss = case.only(TaskKind.DISCUSS_IN_ZORGTEAM)
    assert (discuss.assignee, discuss.school) == (Assignee(user_id="ib-34"), "34CD")


async def test_a_transfer_moves_the_open_tasks_of_the_previous_owner_to_the_new_owner_and_school() -> None:
    case = await opened_case(owner="ib-1")
    await case.publish("geopend", "gesprek_ouders")
    await case.record(T.CONVERSATION_HELD)
    await case.publish("gesprek_ouders", "weging_zorgteam")
    await case.record(T.TRANSFERRED, Transfer(to_school="34CD", new_owner_id="ib-34"))
    await case.publish("gesprek_ouders", "weging_zorgteam")
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
    await case.publish("geopend", "gesprek_ouders")
    await case.record(T.OWNER_CHANGED, OwnerChange(previous_owner_id="ib-1", new_owner_id="ib-2"))
    assert case.only(TaskKind.NEW_CASE).assignee == Assignee(user_id="ib-2")
    await case.record(T.CONVERSATION_HELD)
    await case.publish("gesprek_ouders", "weging_zorgteam")
    assert case.only(TaskKind.DISCUSS_IN_ZORGTEAM).assignee == Assignee(user_id="ib-2")


async def test_an_owner_change_leaves_the_tasks_of_other_cases_and_people_alone() -> None:
    case, other = await opened_case(owner="ib-1"), Case(owner="ib-1")
    other.store = case.store
    await other.open()
    await other.publish("geopend", "gesprek_ouders")
    await case.record(T.REPORTED, Report(reporter_id="ib-3"))
    await case.publish("melding", "terugkoppeling_veilig_thuis")
    await case.record(T.OWNER_CHANGED, OwnerChange(previous_owner_id="ib-1", new_owner_id="ib-2"))
    assert [t.assignee.user_id for t in other.of_kind(TaskKind.NEW_CASE) if t.case_id == other.case_id] == [
        "ib-1"
    ]
    assert case.only(TaskKind.VEILIG_THUIS_FEEDBACK_EXPECTED).assignee == Assignee(user_id="ib-3")


# idempotency, replay, unknown cases


async def test_applying_a_case_event_twice_gives_the_same_tasks() -> None:
    case = await opened_case()
    await case.record(T.DECISION_MADE, REPORT)
    await case.publish("besluit", "ouders_informeren")
    await case.publish("besluit", "melden_veilig_thuis")
    await case.record(T.DECISION_MADE, replace(REPORT, who_informs_parents="zt-1"))
    decided = await case.publish("besluit", "ouders_informeren")
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
        p = T.OBLIGATIONS_CHANGED
        steps: list[tuple[CaseEventType, Detail | None]] = [
            (p, published("geopend", ("gesprek_ouders", PER_TENANT_DUE))),
            (T.CONVERSATION_HELD, None),
            (p, published("gesprek_ouders", ("weging_zorgteam", date(2026, 11, 16)))),
            (T.RISK_WEIGHED, None),
            (p, published("weging", "besluit_afwegingskader")),
            (T.DECISION_MADE, REPORT),
            (p, published("besluit", "ouders_informeren", "melden_veilig_thuis")),
            (T.PARENTS_INFORMED, None),
            (p, published("besluit", "melden_veilig_thuis")),
            (T.REPORTED, Report("ib-1")),
            (p, published("melding", ("terugkoppeling_veilig_thuis", date(2026, 11, 9)))),
            (T.FEEDBACK_RECEIVED, None),
            (p, published("melding", "zorgcoordinator_aanwijzen")),
            (T.CARE_COORDINATOR_ASSIGNED, CoordinatorNamed("zt-1")),
            (p, published("volgen", "evaluatie_plannen")),
            (T.FOLLOW_UP_SCHEDULED, None),
            (p, published("volgen", ("evaluatie_uitvoeren", date(2026, 12, 14)))),
            (T.FOLLOW_UP_EVALUATED, None),
            (p, published("volgen", "zaak_sluiten")),
            (T.CLOSED, None),
            (p, published("gesloten")),
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
    assert len(live.store.tasks) == 6  # with the decision after the weighing


async def test_a_case_whose_opening_was_not_seen_still_gets_the_tasks_that_name_their_person() -> None:
    case = Case()
    await case.publish("gesprek_ouders", "weging_zorgteam")  # owner unknown: no zorgteam task
    await case.record(T.REPORTED, Report("ib-3"))
    await case.record(T.CARE_COORDINATOR_ASSIGNED, CoordinatorNamed("zt-1"))
    await case.publish("volgen", "weging_zorgteam", "terugkoppeling_veilig_thuis", "evaluatie_uitvoeren")
    assert case.of_kind(TaskKind.DISCUSS_IN_ZORGTEAM) == []
    assert case.only(TaskKind.VEILIG_THUIS_FEEDBACK_EXPECTED).assignee == Assignee(user_id="ib-3")
    assert case.only(TaskKind.EVALUATE_FOLLOW_UP).assignee == Assignee(user_id="zt-1")


async def test_a_case_event_does_not_touch_tasks_of_another_samenwerkingsverband() -> None:
    case = await opened_case()
    await case.publish("geopend", "gesprek_ouders")
    elsewhere = replace(case.event(T.OBLIGATIONS_CHANGED, published("gesprek_ouders")), tenant="swv-noord")
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
            T.TRANSFERRED: Transfer("34CD", "a"),
            T.OBLIGATIONS_CHANGED: published("weging", "besluit_afwegingskader"),
            T.ZORGTEAM_MEMBER_INVITED: Invitation("a"),
            T.ZORGTEAM_INVITATION_WITHDRAWN: Invitation("a"),
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


def notices(store: InMemoryTaskStore) -> list[Task]:
    return [t for t in store.tasks.values() if t.kind is TaskKind.LEAVING_PUPIL_NOTICE]


async def test_a_deregistered_pupil_with_recent_signals_and_no_case_alerts_the_ib_er_and_the_zorgteam_without_naming_the_pupil() -> (
    None
):
    store = InMemoryTaskStore()
    await record_signal(store, OPENED_AT)
    await application.pupil_deregistered(store, deregistration(OPENED_AT + timedelta(days=364)))
    [ib_task] = alerts(store)
    assert (ib_task.assignee, ib_task.school, ib_task.pupil_id, ib_task.case_id) == (
        Assignee(role=Role.INTERN_BEGELEIDER),
        SCHOOL,
        PUPIL,
        None,
    )
    [notice] = notices(store)
    assert (notice.assignee, notice.school, notice.tenant) == (Assignee(role=Role.ZORGTEAM), SCHOOL, TENANT)
    assert (notice.pupil_id, notice.case_id, notice.signal_id) == (None, None, None)
    assert notice.title(None) == (
        "Een leerling met recente signalen heeft de school verlaten; de IB'er bespreekt dit met het zorgteam"
    )


async def test_a_zorgteam_member_of_the_school_sees_the_notice_but_not_the_ib_ers_task() -> None:
    store = InMemoryTaskStore()
    await record_signal(store, OPENED_AT)
    await application.pupil_deregistered(store, deregistration(OPENED_AT + timedelta(days=1)))
    [ib_task], [notice] = alerts(store), notices(store)
    member = Viewer("zt-5", Role.ZORGTEAM, TENANT, frozenset({SCHOOL}))
    ib = Viewer("ib-1", Role.INTERN_BEGELEIDER, TENANT, frozenset({SCHOOL}))
    assert can_see(member, notice) and not can_see(member, ib_task)
    assert can_see(ib, ib_task) and not can_see(ib, notice)
    assert not can_see(replace(member, schools=frozenset({"34CD"})), notice)
    assert not can_see(replace(member, tenant="swv-noord"), notice)
    page = await application.tasks_of(store, member, TaskStatus.OPEN, PageRequest())
    assert [task for task, _ in page.items] == [notice]
    done = await application.complete_task(store, member, notice.task_id, OPENED_AT + timedelta(days=2))
    assert done.status is TaskStatus.DONE


async def test_a_deregistered_pupil_without_recent_signals_or_a_case_gives_no_task_at_all() -> None:
    store = InMemoryTaskStore()
    await record_signal(store, OPENED_AT)
    await application.pupil_deregistered(store, deregistration(OPENED_AT + timedelta(days=366)))
    assert (alerts(store), notices(store)) == ([], [])
    never_signalled = InMemoryTaskStore()
    decision, created = await application.pupil_deregistered(never_signalled, deregistration(OPENED_AT))
    assert (decision.new_tasks, created, never_signalled.tasks) == ((), [], {})


async def test_a_zorgteam_member_not_invited_into_the_case_is_told_its_task_does_not_exist() -> None:
    case = await opened_case()
    await application.pupil_deregistered(case.store, deregistration(OPENED_AT + timedelta(days=3)))
    [alert] = alerts(case.store)
    assert notices(case.store) == []
    member = Viewer("zt-5", Role.ZORGTEAM, TENANT, frozenset({SCHOOL}))
    with pytest.raises(TaskNotFound):
        await application.complete_task(case.store, member, alert.task_id, OPENED_AT + timedelta(days=4))
    invited = replace(member, invited_cases=frozenset({case.case_id}))
    assert (
        await application.complete_task(case.store, invited, alert.task_id, OPENED_AT)
    ).status is TaskStatus.DONE


async def test_a_pupil_whose_signals_are_old_and_whose_cases_are_closed_leaves_without_an_alert() -> None:
    case = await opened_case()
    await case.record(T.CLOSED)
    await record_signal(case.store, OPENED_AT)
    await application.pupil_deregistered(case.store, deregistration(OPENED_AT + timedelta(days=366)))
    assert alerts(case.store) == []


async def test_a_reopened_case_counts_as_open_again_when_its_pupil_leaves() -> None:
    case = await opened_case()
    await case.record(T.CLOSED)
    await case.record(T.REOPENED)
    await application.pupil_deregistered(case.store, deregistration(OPENED_AT + timedelta(days=366)))
    [alert] = alerts(case.store)
    assert (alert.assignee, alert.case_id) == (Assignee(role=Role.ZORGTEAM), case.case_id)


async def test_the_same_deregistration_delivered_twice_gives_one_alert() -> None:
    store = InMemoryTaskStore()
    await record_signal(store, OPENED_AT)
    fact = deregistration(OPENED_AT + timedelta(days=1))
    await application.pupil_deregistered(store, fact)
    await application.pupil_deregistered(store, fact)
    assert (len(alerts(store)), len(notices(store))) == (1, 1)
