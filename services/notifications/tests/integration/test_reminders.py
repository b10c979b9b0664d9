"""Each deadline rule fires its reminder at the right moment (injected clock), exactly once: not
again after a restart, nor after the event that created the task is delivered again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from meldcode_contracts import Envelope
from meldcode_testkit.builders.demo_case_events import FAMILY, GIVEN, demo_case

from .harness import Harness, Mailbox

SECOND = timedelta(seconds=1)
RULES = [
    # trigger event, task kind, deadline (end of the Dutch day casework published, UTC), recipient,
    # words in the subject. The task comes with the CaseObligationsChanged that follows the trigger.
    # Friday 4 Sep 2026 + 5 working days = Friday 11 Sep (CEST: 22:00 UTC).
    (
        "CaseOpened",
        "new_case",
        datetime(2026, 9, 11, 22, tzinfo=UTC),
        "bram@school.example",
        "gesprek met de ouders",
    ),
    # Saturday 19 Sep + 10 working days = Friday 2 Oct.
    (
        "ParentsConversationHeld",
        "discuss_in_zorgteam",
        datetime(2026, 10, 2, 22, tzinfo=UTC),
        "bram@school.example",
        "weging",
    ),
    # Sunday 4 Oct + 5 working days = Friday 9 Oct.
    (
        "AmkNotified",
        "veilig_thuis_feedback_expected",
        datetime(2026, 10, 9, 22, tzinfo=UTC),
        "bram@school.example",
        "terugkoppeling",
    ),
    # The evaluation date, Monday 26 Oct, after the switch to CET (23:00 UTC); for the care coordinator.
    (
        "FollowUpScheduled",
        "evaluate_follow_up",
        datetime(2026, 10, 26, 23, tzinfo=UTC),
        "carla@smw.example",
        "evaluatie",
    ),
]


async def apply_until(harness: Harness, events: list[Envelope], event_type: str) -> Envelope:
    """Apply the events up to the first `event_type` and casework's publication after it; that
    publication (which creates or completes the tasks) is returned."""
    seen = False
    for event in events:
        await harness.apply(event)
        seen = seen or event.event_type == event_type
        if seen and event.event_type == "CaseObligationsChanged":
            return event
    raise AssertionError(f"no {event_type} followed by a CaseObligationsChanged in the demo events")


async def reminders_sent(harness: Harness) -> int:
    return int(await harness.scalar("select count(*) from event_outbox where event_type = 'ReminderSent'"))


@pytest.mark.parametrize(("trigger", "kind", "deadline", "recipient", "subject_words"), RULES)
async def test_a_deadline_fires_one_reminder_at_its_moment_and_never_again_after_a_restart_or_redelivery(
    harness: Harness,
    smtp: tuple[Mailbox, int],
    trigger: str,
    kind: str,
    deadline: datetime,
    recipient: str,
    subject_words: str,
) -> None:
    mailbox, _ = smtp
    event = await apply_until(harness, demo_case().events, trigger)
    assert await harness.scalar("select due_at from tasks where kind = $1", kind) == deadline

    await harness.run(deadline - SECOND)
    assert (mailbox.raw, await reminders_sent(harness)) == ([], 0)

    await harness.run(deadline)
    [message] = mailbox.messages
    assert message["To"] == recipient
    assert subject_words in message["Subject"].lower()
    assert await reminders_sent(harness) == 1

    await harness.restart()
    await harness.apply(event)  # the same publication delivered again
    await harness.run(deadline + timedelta(days=30))
    await harness.restart()
    await harness.run(deadline + timedelta(days=60))
    assert len(mailbox.raw) == 1
    assert await reminders_sent(harness) == 1


async def test_a_task_done_before_its_deadline_sends_no_reminder(
    harness: Harness, smtp: tuple[Mailbox, int]
) -> None:
    events = demo_case().events
    await apply_until(harness, events, "ParentsConversationHeld")  # completes new_case before its deadline
    await harness.run(datetime(2026, 12, 1, tzinfo=UTC))
    subjects = [m["Subject"].lower() for m in smtp[0].messages]
    assert not any("gesprek met de ouders" in s for s in subjects)
    assert (
        await harness.scalar(
            "select r.status from reminders r join tasks t using (task_id) where t.kind = 'new_case'"
        )
        == "cancelled"
    )


async def test_no_email_of_the_demo_case_names_the_pupil(harness: Harness, smtp: tuple[Mailbox, int]) -> None:
    """Time runs on between the events, so every reminder of the case fires before its task is done."""
    events = demo_case().events
    for event, following in zip(events, [*events[1:], None], strict=True):
        await harness.apply(event)
        await harness.run(
            (following.occurred_at if following else event.occurred_at + timedelta(days=60)) - SECOND
        )
    messages = smtp[0].messages
    assert len(messages) >= 4  # every rule fired at least once
    for message in messages:
        text = f"{message['Subject']}\n{message.get_payload(decode=True).decode()}"
        for personal in (GIVEN, FAMILY, "Vries", "L-2024-117", "2013"):
            assert personal not in text
        assert "https://meldcode.example.nl/taken" in text
    assert len({m["Message-ID"] for m in messages}) == len(messages)
