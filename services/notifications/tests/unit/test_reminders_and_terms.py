"""Deadlines with the Dutch holiday calendar and configurable terms; reminder identity; backoff."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from notifications.domain.decisions import CaseNoticed, Terms, on_case_opened
from notifications.domain.reminders import ReminderMail, message_id_for, reminder_for, reminder_id_for
from notifications.domain.tasks import Assignee, Task, TaskKind
from notifications.domain.webhooks import Backoff, delivery_id_for, has_legal_basis
from notifications.domain.workdays import DUTCH_HOLIDAYS, NO_HOLIDAYS, add_working_days

OPENED = datetime(2026, 5, 11, 9, tzinfo=UTC)  # Monday; Ascension Day is Thursday 14 May 2026


def opened(at: datetime = OPENED) -> CaseNoticed:
    return CaseNoticed(
        event_id=uuid.uuid4(),
        occurred_at=at,
        tenant="swv-zuid",
        school="12AB",
        case_id=uuid.uuid4(),
        pupil_id=uuid.uuid4(),
        signal_ids=(uuid.uuid4(),),
        case_owner_id="ib-1",
    )


def test_working_days_skip_dutch_public_holidays() -> None:
    # Tuesday 22 Dec 2026 + 5: Wed 23, Thu 24, (Christmas Fri 25, weekend), Mon 28, Tue 29, Wed 30.
    assert add_working_days(date(2026, 12, 22), 5, DUTCH_HOLIDAYS) == date(2026, 12, 30)
    assert add_working_days(date(2026, 12, 22), 5, NO_HOLIDAYS) == date(2026, 12, 29)
    assert date(2026, 4, 27) in DUTCH_HOLIDAYS  # Koningsdag
    assert date(2025, 5, 5) in DUTCH_HOLIDAYS and date(2026, 5, 5) not in DUTCH_HOLIDAYS  # lustrum only


def test_a_new_case_is_due_when_the_parents_conversation_term_has_passed_skipping_ascension_day() -> None:
    [task] = on_case_opened(opened()).new_tasks
    # Mon 11 May + 5 working days, without Thursday 14 May: Tue, Wed, Fri, Mon, Tue 19 May (CEST).
    assert task.due_at == datetime(2026, 5, 19, 22, tzinfo=UTC)


def test_the_terms_are_configurable() -> None:
    [task] = on_case_opened(opened(), Terms(parents_conversation_working_days=1)).new_tasks
    assert task.due_at == datetime(2026, 5, 12, 22, tzinfo=UTC)
    with pytest.raises(ValueError, match="at least 1"):
        Terms(weighing_working_days=0)


def task(kind: TaskKind, due_at: datetime | None) -> Task:
    return Task(
        task_id=uuid.uuid4(),
        tenant="swv-zuid",
        school="12AB",
        kind=kind,
        assignee=Assignee.user("ib-1"),
        created_at=OPENED,
        source_event_id=uuid.uuid4(),
        due_at=due_at,
    )


def test_only_the_deadline_kinds_get_a_reminder_with_an_id_of_task_and_deadline() -> None:
    due = OPENED + timedelta(days=7)
    t = task(TaskKind.VEILIG_THUIS_FEEDBACK_EXPECTED, due)
    reminder = reminder_for(t)
    assert reminder is not None and reminder.reminder_id == reminder_id_for(t.task_id, due)
    assert reminder_for(task(TaskKind.NEW_SIGNAL, due)) is None
    assert reminder_for(task(TaskKind.EVALUATE_FOLLOW_UP, None)) is None


def test_the_message_id_is_stable_per_reminder_and_person() -> None:
    r = uuid.uuid4()
    assert message_id_for(r, "ib-1", "x.nl") == message_id_for(r, "ib-1", "x.nl")
    assert message_id_for(r, "ib-1", "x.nl") != message_id_for(r, "ib-2", "x.nl")
    assert message_id_for(r, "ib-1", "x.nl").endswith("@x.nl>")


def test_a_reminder_mail_names_only_the_kind_of_task_and_the_portal() -> None:
    mail = ReminderMail.of(task(TaskKind.EVALUATE_FOLLOW_UP, OPENED), "https://portal.example/")
    assert (mail.template, mail.portal_url) == ("evaluation_due", "https://portal.example/taken")


def test_backoff_doubles_is_capped_and_jittered_in_the_upper_half() -> None:
    backoff = Backoff(base_seconds=2, cap_seconds=60)
    assert [backoff.delay(n, lambda: 1.0).total_seconds() for n in (1, 2, 3, 10)] == [2, 4, 8, 60]
    assert backoff.delay(3, lambda: 0.0).total_seconds() == 4
    assert backoff.delay(100, lambda: 0.5).total_seconds() == 45


def test_a_delivery_is_one_per_event_and_a_handover_needs_a_recorded_legal_basis() -> None:
    event_id = uuid.uuid4()
    assert delivery_id_for(event_id) == delivery_id_for(event_id)
    assert has_legal_basis("toestemming_ouders")
    assert not has_legal_basis("")
    assert not has_legal_basis("omdat het moet")
    assert not has_legal_basis(None)
