"""The notifications service as a real process, fed real contract events through Kafka."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import httpx

from meldcode_contracts import (
    CASEWORK_EVENTS,
    SIGNALS_EVENTS,
    SignalRecorded,
    dead_letter_topic,
)
from meldcode_testkit import Suite, eventually, publish_raw, read_topic
from meldcode_testkit.builders import (
    NOW,
    case_opened,
    obligations_published,
    pupil_registered,
    signal_recorded,
)
from meldcode_testkit.people import IB, IB_OTHER_SCHOOL, TEACHER, auth
from meldcode_testkit.publishing import publish


async def tasks(
    http: httpx.AsyncClient, suite: Suite, claims: dict[str, Any], status: str = "open"
) -> list[Any]:
    response = await http.get("/tasks", params={"status": status}, headers=auth(suite, claims))
    assert response.status_code == 200, response.text
    body: list[Any] = response.json()
    return body


async def wait_for_task(
    http: httpx.AsyncClient,
    suite: Suite,
    claims: dict[str, Any],
    signal: SignalRecorded,
    status: str = "open",
) -> dict[str, Any]:
    async def probe() -> Any:
        return next(
            (
                t
                for t in await tasks(http, suite, claims, status)
                if t["signal_id"] == str(signal.payload.signal_id)
            ),
            None,
        )

    task: dict[str, Any] = await eventually(probe)
    return task


async def test_a_signal_gives_the_schools_ib_er_a_task_and_not_an_ib_er_of_another_school(
    suite: Suite,
) -> None:
    svc = await suite.service("notifications")
    pupil_id = uuid.uuid4()
    signal = signal_recorded(pupil_id)
    await publish(suite, SIGNALS_EVENTS, pupil_registered(pupil_id))
    await publish(suite, SIGNALS_EVENTS, signal)
    async with httpx.AsyncClient(base_url=svc.url) as http:
        task = await wait_for_task(http, suite, IB, signal)
        assert task["title"] == "Nieuw signaal over leerling Sanne V."
        assert task["kind"] == "new_signal"
        assert task["assignee_role"] == "intern_begeleider"
        assert task["pupil_id"] == str(pupil_id)
        assert datetime.fromisoformat(task["created_at"]) == NOW
        assert await tasks(http, suite, IB_OTHER_SCHOOL, "all") == []
        assert await tasks(http, suite, TEACHER, "all") == []
        other_tenant = await http.get(
            "/tasks", headers={"Authorization": f"Bearer {suite.infra.token(tenant='swv-noord', **IB)}"}
        )
        assert other_tenant.json() == []
        auditor = await http.get(
            "/tasks", headers=auth(suite, {"sub": "a-1", "role": "auditor", "schools": ("12AB",)})
        )
        assert auditor.status_code == 403


async def test_a_signal_about_a_pupil_not_known_yet_shows_a_short_reference(suite: Suite) -> None:
    svc = await suite.service("notifications")
    pupil_id = uuid.uuid4()
    signal = signal_recorded(pupil_id)
    await publish(suite, SIGNALS_EVENTS, signal)
    async with httpx.AsyncClient(base_url=svc.url) as http:
        task = await wait_for_task(http, suite, IB, signal)
    assert task["title"] == f"Nieuw signaal over leerling {pupil_id.hex[:8]}"


async def test_a_redelivered_event_gives_no_second_task(suite: Suite) -> None:
    svc = await suite.service("notifications")
    pupil_id = uuid.uuid4()
    signal, later = signal_recorded(pupil_id), signal_recorded(pupil_id)
    await publish(suite, SIGNALS_EVENTS, signal)
    await publish(suite, SIGNALS_EVENTS, signal)
    await publish(suite, SIGNALS_EVENTS, later)  # same key, same partition: processed after both copies
    async with httpx.AsyncClient(base_url=svc.url) as http:
        await wait_for_task(http, suite, IB, later)
        found = await tasks(http, suite, IB, "all")
    assert sorted(t["signal_id"] for t in found) == sorted(str(s.payload.signal_id) for s in (signal, later))


async def test_an_assignee_completes_a_task_once_and_others_cannot(suite: Suite) -> None:
    svc = await suite.service("notifications")
    signal = signal_recorded(uuid.uuid4())
    await publish(suite, SIGNALS_EVENTS, signal)
    async with httpx.AsyncClient(base_url=svc.url) as http:
        task = await wait_for_task(http, suite, IB, signal)
        url = f"/tasks/{task['task_id']}/complete"
        assert (await http.post(url, headers=auth(suite, IB_OTHER_SCHOOL))).status_code == 403
        done = await http.post(url, headers=auth(suite, IB))
        assert done.status_code == 200, done.text
        assert done.json()["status"] == "done"
        assert done.json()["completed_by"] == "ib-1"
        again = await http.post(url, headers=auth(suite, IB))
        assert again.status_code == 409
        assert again.json()["rule"] == "task-done-once"
        unknown = await http.post(f"/tasks/{uuid.uuid4()}/complete", headers=auth(suite, IB))
        assert unknown.status_code == 404
        assert await tasks(http, suite, IB, "open") == []
        [listed] = await tasks(http, suite, IB, "done")
        assert listed["task_id"] == task["task_id"]


async def test_opening_a_case_completes_the_new_signal_tasks_it_covers(suite: Suite) -> None:
    svc = await suite.service("notifications")
    pupil_id = uuid.uuid4()
    covered, uncovered = signal_recorded(pupil_id), signal_recorded(pupil_id)
    await publish(suite, SIGNALS_EVENTS, covered)
    await publish(suite, SIGNALS_EVENTS, uncovered)
    owner = {"sub": "zt-1", "role": "zorgteam", "schools": ("12AB",)}
    async with httpx.AsyncClient(base_url=svc.url) as http:
        await wait_for_task(http, suite, IB, uncovered)
        opened = case_opened(pupil_id, covered, owner="zt-1")
        await publish(suite, CASEWORK_EVENTS, opened)
        await publish(suite, CASEWORK_EVENTS, obligations_published(opened))  # the owner's task comes with it
        [case_task] = await eventually(lambda: tasks(http, suite, owner))
        done = await wait_for_task(http, suite, IB, covered, status="done")
        still_open = await tasks(http, suite, IB, "open")
    assert case_task["title"] == "Nieuwe zaak: zet de volgende stap van de Meldcode"
    assert case_task["case_id"] == str(opened.payload.case_id)
    assert case_task["due_at"] == "2026-11-09T23:00:00Z", "the end of the due day casework published"
    assert (done["completed_by"], done["fulfilled_by_event_id"]) == ("system", str(opened.event_id))
    assert [t["signal_id"] for t in still_open] == [str(uncovered.payload.signal_id)]


async def test_a_poison_message_is_parked_and_the_next_good_message_is_still_processed(suite: Suite) -> None:
    svc = await suite.service("notifications")
    pupil_id = uuid.uuid4()
    await publish_raw(suite.infra.kafka, suite.topic(SIGNALS_EVENTS), b"{not json", str(pupil_id).encode())
    signal = signal_recorded(pupil_id)
    await publish(suite, SIGNALS_EVENTS, signal)
    async with httpx.AsyncClient(base_url=svc.url) as http:
        await wait_for_task(http, suite, IB, signal)
    [parked] = await read_topic(
        suite.infra.kafka, suite.topic(dead_letter_topic("notifications")), expected=1
    )
    assert parked["value"] == b"{not json"
    assert parked["headers"]["x-error"].startswith(b"invalid contract event")
    assert parked["headers"]["x-original-topic"] == suite.topic(SIGNALS_EVENTS).encode()
