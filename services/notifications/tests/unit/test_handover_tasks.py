"""The next person is told: an invited zorgteam member takes part in the weighing, the case owner
decides after it, and a new care coordinator takes over the evaluation."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from meldcode_contracts import Role
from meldcode_vocabulary import ObligationKind
from notifications import application
from notifications.adapters.mail import render_reminder
from notifications.domain.access import UNDO_WINDOW, Viewer
from notifications.domain.cases import CoordinatorNamed, DecisionTaken, Invitation, OwnerChange
from notifications.domain.errors import NotYourTask, TaskNotDone, UndoNotAllowed
from notifications.domain.task_mail import TaskMail
from notifications.domain.tasks import TaskKind, TaskStatus, task_title

from .case_walk import PUPIL, SCHOOL, TENANT, T, done_by, opened_case

WEIGH = TaskKind.TAKE_PART_IN_WEIGHING
DECIDE = TaskKind.TAKE_DECISION


async def test_an_invited_zorgteam_member_gets_a_task_to_take_part_in_the_weighing() -> None:
    case = await opened_case()
    invited = await case.record(T.ZORGTEAM_MEMBER_INVITED, Invitation("zt-anna"))
    task = case.only(WEIGH)
    assert (task.assignee.user_id, task.case_id, task.pupil_id) == ("zt-anna", case.case_id, invited.pupil_id)
    assert task.status is TaskStatus.OPEN
    assert task.created_at == invited.occurred_at
    assert task_title(WEIGH, None, task.pupil_id) == "Neem deel aan de weging in het zorgteam"


async def test_withdrawing_the_invitation_ends_only_that_members_task() -> None:
    case = await opened_case()
    await case.record(T.ZORGTEAM_MEMBER_INVITED, Invitation("zt-anna"))
    await case.record(T.ZORGTEAM_MEMBER_INVITED, Invitation("zt-bert"))
    withdrawn = await case.record(T.ZORGTEAM_INVITATION_WITHDRAWN, Invitation("zt-anna"))
    by_member = {t.assignee.user_id: t for t in case.of_kind(WEIGH)}
    assert done_by(by_member["zt-anna"], withdrawn)
    assert by_member["zt-bert"].status is TaskStatus.OPEN


async def test_recording_the_weighing_completes_every_members_task() -> None:
    case = await opened_case()
    await case.record(T.ZORGTEAM_MEMBER_INVITED, Invitation("zt-anna"))
    await case.record(T.ZORGTEAM_MEMBER_INVITED, Invitation("zt-bert"))
    weighed = await case.record(T.RISK_WEIGHED)
    assert all(done_by(t, weighed) for t in case.of_kind(WEIGH))


async def test_a_member_invited_after_the_weighing_gets_no_weighing_task() -> None:
    case = await opened_case()
    await case.record(T.RISK_WEIGHED)
    await case.record(T.ZORGTEAM_MEMBER_INVITED, Invitation("zt-late"))
    assert case.of_kind(WEIGH) == []


async def test_a_reinvited_member_gets_a_new_task() -> None:
    case = await opened_case()
    await case.record(T.ZORGTEAM_MEMBER_INVITED, Invitation("zt-anna"))
    await case.record(T.ZORGTEAM_INVITATION_WITHDRAWN, Invitation("zt-anna"))
    await case.record(T.ZORGTEAM_MEMBER_INVITED, Invitation("zt-anna"))
    assert [t.status for t in case.of_kind(WEIGH)] == [TaskStatus.DONE, TaskStatus.OPEN]


async def test_after_the_weighing_the_case_owner_decides_until_the_decision_is_made() -> None:
    case = await opened_case(owner="ib-1")
    await case.record(T.RISK_WEIGHED)
    await case.publish("weighed", ObligationKind.DECISION)
    task = case.only(DECIDE)
    assert (task.assignee.user_id, task.status) == ("ib-1", TaskStatus.OPEN)
    assert task_title(DECIDE, None, task.pupil_id) == "Neem een besluit (stap 5)"
    await case.record(T.DECISION_MADE, DecisionTaken("help", None))
    published = await case.publish("decided", ObligationKind.ORGANISE_HELP)
    assert done_by(case.only(DECIDE), published)


async def test_a_decision_again_after_a_failed_evaluation_is_the_owners_task_too() -> None:
    case = await opened_case(owner="ib-1")
    await case.publish("follow_up", ObligationKind.DECISION_AFTER_FAILED_EVALUATION)
    assert case.only(DECIDE).assignee.user_id == "ib-1"


async def test_a_new_case_owner_takes_over_the_decision() -> None:
    case = await opened_case(owner="ib-1")
    await case.publish("weighed", ObligationKind.DECISION)
    await case.record(T.OWNER_CHANGED, OwnerChange("ib-1", "ib-2"))
    assert case.only(DECIDE).assignee.user_id == "ib-2"


async def test_a_care_coordinator_named_in_place_of_another_takes_over_only_the_evaluation() -> None:
    case = await opened_case(owner="zc-1")
    await case.record(T.CARE_COORDINATOR_ASSIGNED, CoordinatorNamed("zc-1"))
    await case.publish("follow_up", ObligationKind.EVALUATE, ObligationKind.DECISION)
    assert case.only(TaskKind.EVALUATE_FOLLOW_UP).assignee.user_id == "zc-1"
    await case.record(T.CARE_COORDINATOR_ASSIGNED, CoordinatorNamed("zc-2"))
    assert case.only(TaskKind.EVALUATE_FOLLOW_UP).assignee.user_id == "zc-2"
    assert case.only(DECIDE).assignee.user_id == "zc-1"  # the owner's own task stays theirs


async def test_an_invitation_delivered_twice_gives_one_task() -> None:
    case = await opened_case()
    invited = await case.record(T.ZORGTEAM_MEMBER_INVITED, Invitation("zt-anna"))
    _, created = await application.case_event(case.store, invited)
    assert created == []
    assert len(case.of_kind(WEIGH)) == 1


# the task list: a count for the badge, and undoing a completion


def viewer_of(user_id: str, role: Role = Role.INTERN_BEGELEIDER) -> Viewer:
    return Viewer(user_id=user_id, role=role, tenant=TENANT, schools=frozenset({SCHOOL}))


async def test_the_count_is_of_the_viewers_open_tasks_only() -> None:
    case = await opened_case(owner="ib-1")
    await case.publish("weighed", ObligationKind.DECISION)
    await case.record(T.ZORGTEAM_MEMBER_INVITED, Invitation("zt-anna"))
    ib = viewer_of("ib-1")
    assert await application.count_tasks(case.store, ib, TaskStatus.OPEN) == 1
    task = case.only(DECIDE)
    await application.complete_task(case.store, ib, task.task_id, case.at)
    assert await application.count_tasks(case.store, ib, TaskStatus.OPEN) == 0


async def test_the_completer_can_undo_within_the_window_and_not_after() -> None:
    case = await opened_case(owner="ib-1")
    await case.publish("weighed", ObligationKind.DECISION)
    ib = viewer_of("ib-1")
    task = case.only(DECIDE)
    await application.complete_task(case.store, ib, task.task_id, case.at)
    reopened = await application.reopen_task(case.store, ib, task.task_id, case.at + UNDO_WINDOW)
    assert reopened.status is TaskStatus.OPEN
    assert case.only(DECIDE).status is TaskStatus.OPEN
    await application.complete_task(case.store, ib, task.task_id, case.at)
    with pytest.raises(UndoNotAllowed):
        await application.reopen_task(
            case.store, ib, task.task_id, case.at + UNDO_WINDOW + timedelta(seconds=1)
        )


async def test_an_open_task_or_one_done_by_a_step_in_the_case_cannot_be_undone() -> None:
    case = await opened_case(owner="ib-1")
    await case.publish("weighed", ObligationKind.DECISION)
    ib = viewer_of("ib-1")
    task = case.only(DECIDE)
    with pytest.raises(TaskNotDone):
        await application.reopen_task(case.store, ib, task.task_id, case.at)
    await case.publish("decided")
    with pytest.raises(UndoNotAllowed):
        await application.reopen_task(case.store, ib, task.task_id, case.at)


async def test_someone_else_cannot_undo_a_completion() -> None:
    case = await opened_case(owner="ib-1")
    await case.record(T.ZORGTEAM_MEMBER_INVITED, Invitation("zt-anna"))
    task = case.only(WEIGH)
    anna = viewer_of("zt-anna", Role.ZORGTEAM)
    await application.complete_task(case.store, anna, task.task_id, case.at)
    with pytest.raises(NotYourTask):
        await application.reopen_task(case.store, viewer_of("ib-1"), task.task_id, case.at)


# the e-mail that tells the person


class FakeStaffEmails:
    def __init__(self, addresses: dict[str, str]) -> None:
        self.addresses = addresses

    async def email_of(self, user_id: str, school: str) -> str | None:
        return self.addresses.get(user_id)


class FakeMailbox:
    def __init__(self) -> None:
        self.sent: dict[tuple[object, str], tuple[TaskMail, str]] = {}

    async def enqueue_task_mail(self, mail: TaskMail, address: str, now: datetime) -> bool:
        key = (mail.task_id, mail.user_id)
        if key in self.sent:
            return False
        self.sent[key] = (mail, address)
        return True


async def test_the_invited_member_is_mailed_a_link_without_pupil_data_and_someone_without_address_is_not() -> (
    None
):
    case = await opened_case()
    mailbox = FakeMailbox()
    mailing = application.Mailing(
        FakeStaffEmails({"zt-anna": "anna@ggd.example"}), mailbox, "https://p.example/"
    )
    for member in ("zt-anna", "zt-nobody"):
        invited = case.event(T.ZORGTEAM_MEMBER_INVITED, Invitation(member))
        await application.tell_assignees(await application.case_event(case.store, invited), mailing, case.at)
    [(mail, address)] = mailbox.sent.values()
    assert address == "anna@ggd.example"
    assert (mail.task_title, mail.portal_url) == (
        "Neem deel aan de weging in het zorgteam",
        "https://p.example/taken",
    )
    rendered = render_reminder(mail)
    assert "Neem deel aan de weging" in rendered.subject
    assert "https://p.example/taken" in rendered.body
    assert str(PUPIL) not in rendered.body and str(case.case_id) not in rendered.body


async def test_a_task_for_a_role_or_one_delivered_again_is_not_mailed() -> None:
    case = await opened_case()
    mailbox = FakeMailbox()
    mailing = application.Mailing(
        FakeStaffEmails({"zt-anna": "anna@ggd.example"}), mailbox, "https://p.example"
    )
    invited = case.event(T.ZORGTEAM_MEMBER_INVITED, Invitation("zt-anna"))
    assert (
        await application.tell_assignees(await application.case_event(case.store, invited), mailing, case.at)
        == 1
    )
    assert (
        await application.tell_assignees(await application.case_event(case.store, invited), mailing, case.at)
        == 0
    )
    left = case.event(T.PUPIL_LEFT_SCHOOL)
    assert (
        await application.tell_assignees(await application.case_event(case.store, left), mailing, case.at)
        == 0
    )
