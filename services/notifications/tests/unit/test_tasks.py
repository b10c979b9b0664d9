"""Which tasks the events of the Meldcode create and complete, and who sees and completes them."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from meldcode_contracts import Role
from notifications import application
from notifications.domain.access import Viewer, can_see, complete_by
from notifications.domain.added_signals import SignalsAddedNoticed
from notifications.domain.cases import CaseEvent, CaseEventType, ObligationsPublished, PublishedObligation
from notifications.domain.decisions import (
    CaseNoticed,
    SignalNoticed,
    on_case_event,
    on_case_opened,
    on_signal_recorded,
)
from notifications.domain.errors import NotYourTask, TaskAlreadyDone, TaskNotFound
from notifications.domain.pupils import KnownPupil, PupilName
from notifications.domain.task_pages import PageRequest
from notifications.domain.tasks import SYSTEM, Assignee, Task, TaskKind, TaskStatus, task_id_for

from .fakes import InMemoryTaskStore

T0 = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
PUPIL = uuid.uuid4()
IB = Viewer("ib-1", Role.INTERN_BEGELEIDER, "swv-zuid", frozenset({"12AB"}))


def signal(**changes: object) -> SignalNoticed:
    fact = SignalNoticed(
        event_id=uuid.uuid4(),
        occurred_at=T0,
        tenant="swv-zuid",
        school="12AB",
        signal_id=uuid.uuid4(),
        pupil_id=PUPIL,
    )
    return replace(fact, **changes)  # type: ignore[arg-type]


def case(*signals: SignalNoticed, owner: str = "ib-1") -> CaseNoticed:
    return CaseNoticed(
        event_id=uuid.uuid4(),
        occurred_at=T0 + timedelta(days=3),
        tenant="swv-zuid",
        school="12AB",
        case_id=uuid.uuid4(),
        pupil_id=PUPIL,
        signal_ids=tuple(s.signal_id for s in signals),
        case_owner_id=owner,
    )


def test_a_new_signal_gives_the_ib_er_of_that_school_an_open_task() -> None:
    fact = signal()
    [task] = on_signal_recorded(fact).new_tasks
    assert task.kind is TaskKind.NEW_SIGNAL
    assert task.assignee == Assignee(role=Role.INTERN_BEGELEIDER)
    assert (task.tenant, task.school, task.pupil_id, task.signal_id) == (
        "swv-zuid",
        "12AB",
        PUPIL,
        fact.signal_id,
    )
    assert task.status is TaskStatus.OPEN
    assert task.created_at == T0
    assert task.due_at is None


def test_deciding_on_the_same_event_twice_gives_the_same_task() -> None:
    fact = signal()
    assert on_signal_recorded(fact) == on_signal_recorded(fact)
    assert on_signal_recorded(fact).new_tasks[0].task_id == task_id_for(fact.event_id, TaskKind.NEW_SIGNAL)


def test_task_ids_differ_per_kind_for_the_same_event() -> None:
    event_id = uuid.uuid4()
    assert task_id_for(event_id, TaskKind.NEW_SIGNAL) != task_id_for(event_id, TaskKind.NEW_CASE)


def test_a_new_signal_task_is_titled_with_the_pupils_short_name_or_reference() -> None:
    [task] = on_signal_recorded(signal()).new_tasks
    assert task.title(PupilName("Sanne", "J")) == "Nieuw signaal over leerling Sanne J."
    assert task.title(None) == f"Nieuw signaal over leerling {PUPIL.hex[:8]}"


def owner_task(opened: CaseNoticed) -> Task:
    """The owner's task of a new case: casework publishes the parents conversation as open."""
    publication = CaseEvent(
        type=CaseEventType.OBLIGATIONS_CHANGED,
        event_id=uuid.uuid4(),
        occurred_at=opened.occurred_at,
        tenant=opened.tenant,
        school=opened.school,
        case_id=opened.case_id,
        pupil_id=opened.pupil_id,
        detail=ObligationsPublished("geopend", (PublishedObligation("gesprek_ouders"),)),
    )
    [task] = on_case_event(publication, on_case_opened(opened).case_state).obligation_tasks
    return task


def test_a_new_case_gives_its_owner_a_task_to_set_the_next_step() -> None:
    opened = case(signal(), owner="ib-7")
    assert on_case_opened(opened).new_tasks == (), "the task comes with casework's obligations"
    task = owner_task(opened)
    assert task.kind is TaskKind.NEW_CASE
    assert task.assignee == Assignee(user_id="ib-7")
    assert task.case_id == opened.case_id
    assert task.title(None) == "Nieuwe zaak: zet de volgende stap van de Meldcode"


def test_times_must_be_timezone_aware_utc() -> None:
    with pytest.raises(ValueError, match="UTC"):
        on_signal_recorded(signal(occurred_at=datetime(2026, 11, 2, 9, 30)))
    with pytest.raises(ValueError, match="UTC"):
        on_signal_recorded(
            signal(occurred_at=datetime(2026, 11, 2, 9, 30, tzinfo=timezone(timedelta(hours=1))))
        )


def test_a_task_is_assigned_to_someone() -> None:
    with pytest.raises(ValueError, match="assigned"):
        Assignee()


async def test_opening_a_case_completes_the_new_signal_tasks_it_covers() -> None:
    store = InMemoryTaskStore()
    first, second, other = signal(), signal(), signal()
    for fact in (first, second, other):
        await application.signal_recorded(store, fact)
    opened = case(first, second)
    await application.case_opened(store, opened)

    by_signal = {t.signal_id: t for t in store.tasks.values() if t.kind is TaskKind.NEW_SIGNAL}
    for covered in (first, second):
        done = by_signal[covered.signal_id].completion
        assert done is not None
        assert (done.completed_by, done.fulfilled_by_event_id, done.completed_at) == (
            SYSTEM,
            opened.event_id,
            opened.occurred_at,
        )
    assert by_signal[other.signal_id].status is TaskStatus.OPEN


async def test_a_signal_whose_case_arrived_first_gets_a_task_that_is_already_done() -> None:
    store = InMemoryTaskStore()
    late = signal()
    opened = case(late)
    await application.case_opened(store, opened)
    await application.signal_recorded(store, late)
    [task] = [t for t in store.tasks.values() if t.kind is TaskKind.NEW_SIGNAL]
    assert task.completion is not None
    assert task.completion.fulfilled_by_event_id == opened.event_id


async def test_a_case_does_not_complete_tasks_of_another_samenwerkingsverband() -> None:
    store = InMemoryTaskStore()
    elsewhere = signal(tenant="swv-noord")
    await application.signal_recorded(store, elsewhere)
    await application.case_opened(store, case(elsewhere))
    [task] = [t for t in store.tasks.values() if t.kind is TaskKind.NEW_SIGNAL]
    assert task.status is TaskStatus.OPEN


async def test_applying_an_event_twice_creates_its_task_once() -> None:
    store = InMemoryTaskStore()
    fact = signal()
    _, created = await application.signal_recorded(store, fact)
    _, again = await application.signal_recorded(store, fact)
    assert len(created) == 1
    assert again == []
    assert len(store.tasks) == 1


def test_the_school_ib_er_sees_the_role_task_and_an_ib_er_of_another_school_does_not() -> None:
    [task] = on_signal_recorded(signal()).new_tasks
    assert can_see(IB, task)
    assert not can_see(replace(IB, schools=frozenset({"34CD"})), task)
    assert not can_see(replace(IB, tenant="swv-noord"), task)
    assert not can_see(replace(IB, role=Role.TEACHER), task)


def test_a_task_for_a_user_is_seen_by_that_user_only_within_their_schools() -> None:
    task = owner_task(case(signal(), owner="zt-1"))
    owner = Viewer("zt-1", Role.ZORGTEAM, "swv-zuid", frozenset({"12AB"}))
    assert can_see(owner, task)
    assert not can_see(replace(owner, user_id="zt-2"), task)
    assert not can_see(replace(owner, schools=frozenset({"34CD"})), task)
    assert not can_see(replace(owner, tenant="swv-noord"), task)


def test_completing_someone_elses_task_is_refused_and_a_done_task_cannot_be_done_again() -> None:
    [task] = on_signal_recorded(signal()).new_tasks
    now = T0 + timedelta(hours=1)
    with pytest.raises(NotYourTask):
        complete_by(replace(IB, schools=frozenset({"34CD"})), task, now)
    done = complete_by(IB, task, now)
    assert done.completion is not None
    assert (done.completion.completed_by, done.completion.completed_at) == ("ib-1", now)
    with pytest.raises(TaskAlreadyDone):
        complete_by(IB, done, now)


async def test_completing_an_unknown_task_says_it_does_not_exist() -> None:
    with pytest.raises(TaskNotFound):
        await application.complete_task(InMemoryTaskStore(), IB, uuid.uuid4(), T0)


async def test_the_task_list_shows_open_tasks_with_the_pupils_short_name() -> None:
    store = InMemoryTaskStore()
    await application.pupil_registered(
        store, KnownPupil(PUPIL, "swv-zuid", "12AB", PupilName.from_full_name("Sanne", "Jansen"), T0)
    )
    _, [open_id] = await application.signal_recorded(store, signal())
    _, [done_id] = await application.signal_recorded(store, signal(occurred_at=T0 + timedelta(minutes=1)))
    await application.complete_task(store, IB, done_id, T0 + timedelta(hours=1))

    [(task, pupil)] = (await application.tasks_of(store, IB, TaskStatus.OPEN, PageRequest())).items
    assert task.task_id == open_id
    assert task.title(pupil) == "Nieuw signaal over leerling Sanne J."
    everything = (await application.tasks_of(store, IB, None, PageRequest())).items
    assert [t.task_id for t, _ in everything] == [done_id, open_id]  # newest first


def test_a_done_task_knows_who_completed_it() -> None:
    task: Task = on_signal_recorded(signal()).new_tasks[0]
    assert task.status is TaskStatus.OPEN
    assert complete_by(IB, task, T0).status is TaskStatus.DONE


def signals_added(opened: CaseNoticed, *signals: SignalNoticed) -> SignalsAddedNoticed:
    return SignalsAddedNoticed(
        event_id=uuid.uuid4(),
        occurred_at=opened.occurred_at + timedelta(days=7),
        tenant=opened.tenant,
        case_id=opened.case_id,
        signal_ids=tuple(s.signal_id for s in signals),
    )


async def test_signals_added_to_a_case_complete_their_new_signal_tasks_as_opening_does() -> None:
    store = InMemoryTaskStore()
    first, later, not_added, arrives_late = signal(), signal(), signal(), signal()
    opened = case(first)
    await application.signal_recorded(store, first)
    await application.case_opened(store, opened)
    for fact in (later, not_added):
        await application.signal_recorded(store, fact)
    added = signals_added(opened, later, arrives_late)
    await application.signals_added(store, added)
    await application.signal_recorded(store, arrives_late)  # its SignalRecorded came after the case's event

    by_signal = {t.signal_id: t for t in store.tasks.values() if t.kind is TaskKind.NEW_SIGNAL}
    for covered in (later, arrives_late):
        done = by_signal[covered.signal_id].completion
        assert done is not None
        assert (done.completed_by, done.fulfilled_by_event_id) == (SYSTEM, added.event_id)
    assert by_signal[not_added.signal_id].status is TaskStatus.OPEN
    assert store.coverage[("swv-zuid", later.signal_id)].case_id == opened.case_id
