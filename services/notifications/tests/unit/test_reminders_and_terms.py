"""Notifications' own terms; reminder identity; backoff. (The terms of a case are casework's.)"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from notifications.domain.decisions import Terms
from notifications.domain.reminders import ReminderMail, message_id_for, reminder_for, reminder_id_for
from notifications.domain.tasks import Assignee, Task, TaskKind
from notifications.domain.webhooks import Backoff, delivery_id_for, has_legal_basis

OPENED = datetime(2026, 5, 11, 9, tzinfo=UTC)


def test_the_rule_14_term_is_configurable_and_at_least_a_day() -> None:
    assert Terms().recent_signals_days == 365
    assert Terms(recent_signals_days=30).recent_signals_days == 30
    with pytest.raises(ValueError, match="at least 1"):
        Terms(recent_signals_days=0)


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
