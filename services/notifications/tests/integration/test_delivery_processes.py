"""The notifications service and the JGZ simulator as real processes, fed through Kafka, with a real
SMTP server: webhooks survive a failing receiver, a hand-over without a legal basis is never sent,
and a SIGKILL in the middle of sending leaves every e-mail and webhook delivered exactly once."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from meldcode_contracts import (
    CASEWORK_EVENTS,
    NOTIFICATIONS_EVENTS,
    SIGNALS_EVENTS,
    Actor,
    AmkNotified,
    CaseHandedOverToJgz,
    CaseObligationsChanged,
    CaseObligationsChangedPayload,
    Envelope,
    JgzConsultationRequested,
    PupilRegistered,
    PupilRegisteredPayload,
    Role,
    serialize_event,
)
from meldcode_contracts.cases import (
    AmkNotifiedPayload,
    CaseHandedOverToJgzPayload,
    JgzConsultationRequestedPayload,
    OpenObligation,
)
from meldcode_testkit import Suite, eventually, publish_raw, read_topic

from .harness import DIRECTORY, Mailbox, free_port

TENANT = "swv-zuid"
SECRET = "gedeeld-geheim-voor-tests"
PAST = datetime.now(UTC).replace(microsecond=0) - timedelta(days=30)


class Simulator:
    def __init__(self, port: int, log: Path, fail_first: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self._log = log.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jgz_simulator.cli",
                "serve",
                "--port",
                str(port),
                "--secret",
                SECRET,
                "--fail-first",
                str(fail_first),
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health/live", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise TimeoutError("simulator did not start")

    async def received(self) -> dict[str, Any]:
        async with httpx.AsyncClient() as http:
            body: dict[str, Any] = (await http.get(f"{self.url}/received")).json()
            return body

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(10)
        self._log.close()


@pytest.fixture
def simulator_factory(tmp_path: Path) -> Iterator[Any]:
    started: list[Simulator] = []

    def start(fail_first: int = 0) -> Simulator:
        sim = Simulator(free_port(), tmp_path / "simulator.log", fail_first)
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


def service_env(sim: Simulator, smtp_port: int) -> dict[str, str]:
    return {
        "MELDCODE_JGZ_PARTNERS": json.dumps(
            {
                TENANT: {
                    "organisation": "GGD Zuid JGZ",
                    "webhook_url": f"{sim.url}/webhooks/meldcode",
                    "secrets": [SECRET],
                }
            }
        ),
        "NOTIFICATIONS_SMTP_PORT": str(smtp_port),
        "NOTIFICATIONS_USER_DIRECTORY": json.dumps(DIRECTORY),
        "NOTIFICATIONS_SCHEDULER_INTERVAL_SECONDS": "0.2",
        "NOTIFICATIONS_WEBHOOK_BACKOFF_BASE_SECONDS": "0.2",
        "NOTIFICATIONS_WEBHOOK_BACKOFF_CAP_SECONDS": "1",
        "NOTIFICATIONS_EMAIL_BACKOFF_BASE_SECONDS": "0.2",
        "NOTIFICATIONS_DOCUMENT_GRACE_SECONDS": "0",
    }


def envelope(subject: uuid.UUID, at: datetime = PAST) -> dict[str, Any]:
    return {
        "event_id": uuid.uuid4(),
        "occurred_at": at,
        "recorded_at": at,
        "tenant": TENANT,
        "school": "12AB",
        "subject_id": subject,
        "actor": Actor(user_id="ib-bram", role=Role.INTERN_BEGELEIDER),
        "correlation_id": str(uuid.uuid4()),
        "sequence": 1,
    }


def pupil(pupil_id: uuid.UUID) -> PupilRegistered:
    return PupilRegistered(
        **envelope(pupil_id),
        payload=PupilRegisteredPayload(
            pupil_id=pupil_id,
            pupil_number="L-7",
            given_name="Sanne",
            family_name="de Vries",
            date_of_birth=datetime(2013, 5, 17).date(),
        ),
    )


def consultation_requested(pupil_id: uuid.UUID) -> JgzConsultationRequested:
    case_id = uuid.uuid4()
    return JgzConsultationRequested(
        **envelope(case_id),
        payload=JgzConsultationRequestedPayload(
            case_id=case_id,
            pupil_id=pupil_id,
            request_id=uuid.uuid4(),
            requested_on=PAST.date(),
            jgz_organisation="GGD Zuid JGZ",
            question="Is de groei van de leerling in orde?",
            requested_by="ib-bram",
        ),
    )


def handed_over(pupil_id: uuid.UUID, legal_basis: str) -> CaseHandedOverToJgz:
    case_id = uuid.uuid4()
    return CaseHandedOverToJgz(
        **envelope(case_id),
        payload=CaseHandedOverToJgzPayload(
            case_id=case_id,
            pupil_id=pupil_id,
            handover_id=uuid.uuid4(),
            handed_over_on=PAST.date(),
            jgz_organisation="GGD Zuid JGZ",
            legal_basis=legal_basis,
            legal_basis_explanation="Ouders stemden in.",
            summary="Zorgen over verwaarlozing; hulp via wijkteam.",
        ),
    )


def reported(pupil_id: uuid.UUID) -> AmkNotified:
    case_id = uuid.uuid4()
    return AmkNotified(
        **envelope(case_id),
        payload=AmkNotifiedPayload(
            case_id=case_id,
            pupil_id=pupil_id,
            reported_on=PAST.date(),
            veilig_thuis_region="Zuid",
            veilig_thuis_organisation="Veilig Thuis Zuid",
            reporter_id="ib-bram",
            reporter_anonymous_to_family=False,
            signal_ids=[uuid.uuid4()],
            school_continues="Opvang op school.",
            parents_informed=True,
            pupil_age_on_report=13,
            child_informed=True,
        ),
    )


def feedback_due(report: AmkNotified) -> CaseObligationsChanged:
    """What casework publishes after the report: feedback of Veilig Thuis due 5 working days on
    (ADR 18), here long past, so the reminder is due at once."""
    case_id = report.payload.case_id
    return CaseObligationsChanged(
        **{**envelope(case_id), "sequence": report.sequence + 1, "correlation_id": report.correlation_id},
        payload=CaseObligationsChangedPayload(
            case_id=case_id,
            pupil_id=report.payload.pupil_id,
            step="melding",
            obligations=[
                OpenObligation(kind="terugkoppeling_veilig_thuis", due_on=PAST.date() + timedelta(days=7))
            ],
        ),
    )


async def publish(suite: Suite, topic: str, *events: Envelope) -> None:
    if len(events) == 1:
        [event] = events
        await publish_raw(
            suite.infra.kafka, suite.topic(topic), serialize_event(event), str(event.subject_id).encode()
        )
        return
    producer = AIOKafkaProducer(bootstrap_servers=suite.infra.kafka, acks="all")
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(
                suite.topic(topic), serialize_event(event), key=str(event.subject_id).encode()
            )
    finally:
        await producer.stop()


async def notices(suite: Suite, event_type: str, expected: int, timeout: float = 30) -> list[Any]:
    messages = await read_topic(
        suite.infra.kafka, suite.topic(NOTIFICATIONS_EVENTS), expected=10_000, timeout=timeout
    )
    found = [suite.open_event(m["value"]) for m in messages]
    return [e for e in found if e.event_type == event_type]


async def test_a_receiver_failing_three_times_gets_the_webhook_on_the_fourth_attempt(
    suite: Suite, smtp: tuple[Mailbox, int], simulator_factory: Any
) -> None:
    sim = simulator_factory(fail_first=3)
    await suite.service("notifications", **service_env(sim, smtp[1]))
    pupil_id = uuid.uuid4()
    request = consultation_requested(pupil_id)
    await publish(suite, SIGNALS_EVENTS, pupil(pupil_id))
    await asyncio.sleep(1)  # the pupil is known before the request (other topic, no order between them)
    await publish(suite, CASEWORK_EVENTS, request)

    async def delivered() -> list[Any]:
        return list((await sim.received())["received"])

    [received] = await eventually(delivered, timeout=60)
    assert received["attempts"] == 4
    message = received["message"]
    assert message["message_type"] == "jgz.consultation_request.v1"
    assert message["case_reference"] == str(request.payload.case_id)
    assert message["request_id"] == str(request.payload.request_id)
    assert message["pupil"]["family_name"] == "de Vries"
    assert message["question"] == request.payload.question

    async def delivered_event() -> list[Any]:
        return await notices(suite, "JgzWebhookDelivered", 1, timeout=3)

    [event] = await eventually(delivered_event, timeout=30)
    assert (event.payload.attempts, event.payload.status_code) == (4, 200)
    assert str(event.payload.delivery_id) == received["delivery_id"] == message["message_id"]
    assert event.payload.source_event_id == request.event_id
    assert event.subject_id == request.payload.case_id


async def test_a_handover_without_a_legal_basis_is_never_sent_and_one_with_a_basis_is(
    suite: Suite, smtp: tuple[Mailbox, int], simulator_factory: Any
) -> None:
    sim = simulator_factory()
    await suite.service("notifications", **service_env(sim, smtp[1]))
    pupil_id = uuid.uuid4()
    without, with_basis = handed_over(pupil_id, ""), handed_over(pupil_id, "toestemming_ouders")
    await publish(suite, CASEWORK_EVENTS, without, with_basis)

    async def delivered() -> list[Any]:
        return list((await sim.received())["received"])

    received = await eventually(delivered, timeout=60)
    await asyncio.sleep(2)  # time for a wrong second delivery to show up
    received = await delivered()
    assert [r["message"]["handover_id"] for r in received] == [str(with_basis.payload.handover_id)]
    assert received[0]["message"]["legal_basis"] == "toestemming_ouders"


def reminder_ids(mailbox: Mailbox) -> set[str]:
    """The Message-IDs of the reminders received (the task mails beside them say "Nieuwe taak")."""
    return {m["Message-ID"] for m in mailbox.messages if str(m["Subject"]).startswith("Herinnering:")}


async def test_after_a_sigkill_while_sending_every_due_email_and_webhook_arrives_exactly_once(
    suite: Suite, smtp: tuple[Mailbox, int], simulator_factory: Any
) -> None:
    mailbox, smtp_port = smtp
    mailbox.delay = 0.05
    sim = simulator_factory()
    env = service_env(sim, smtp_port)
    pupil_id = uuid.uuid4()
    n = 25
    reports = [reported(pupil_id) for _ in range(n)]  # each: a feedback reminder that is due already
    requests = [consultation_requested(pupil_id) for _ in range(n)]
    service = await suite.service("notifications", **env)
    await publish(suite, CASEWORK_EVENTS, *reports, *(feedback_due(r) for r in reports), *requests)

    async def some_sent() -> bool:
        return len(mailbox.raw) >= 3 or len((await sim.received())["received"]) >= 3

    await eventually(some_sent, timeout=60, interval=0.02)
    service.stop(signal.SIGKILL)
    killed_at = (len(reminder_ids(mailbox)), len((await sim.received())["received"]))
    await suite.service("notifications")

    async def all_arrived() -> bool:
        return len(reminder_ids(mailbox)) == n and len((await sim.received())["received"]) == n

    await eventually(all_arrived, timeout=90, interval=0.5)
    await asyncio.sleep(2)
    # Accepted once each: a copy is possible only for the one message in flight at the kill (same
    # Message-ID). The mailbox also holds the task mails of the cases' new tasks; they are counted
    # by the same rule.
    assert len(mailbox.raw) <= len({m["Message-ID"] for m in mailbox.messages}) + 1
    assert len(reminder_ids(mailbox)) == n
    inbox = await sim.received()
    assert len(inbox["received"]) == n
    assert sum(inbox["attempts"].values()) <= n + 1
    assert killed_at[0] < n or killed_at[1] < n, "the kill came after everything was sent"

    async def all_events() -> bool:
        reminders = await notices(suite, "ReminderSent", n, timeout=3)
        deliveries = await notices(suite, "JgzWebhookDelivered", n, timeout=3)
        return len({e.event_id for e in reminders}) == n and len({e.event_id for e in deliveries}) == n

    await eventually(all_events, timeout=60)
