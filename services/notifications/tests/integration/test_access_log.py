"""Reading a task list is reading pupil data: each pupil shown is logged (NEN 7513)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from meldcode_contracts import ACCESS_LOG_EVENTS, SIGNALS_EVENTS, DataAccessed
from meldcode_testkit import Suite, eventually, read_topic
from meldcode_testkit.builders import pupil_registered, signal_recorded
from meldcode_testkit.people import IB, auth
from meldcode_testkit.publishing import publish


async def test_listing_tasks_logs_one_access_per_pupil_shown_with_the_reader(suite: Suite) -> None:
    svc = await suite.service("notifications")
    pupils = [uuid.uuid4(), uuid.uuid4()]
    for pupil_id in pupils:
        await publish(suite, SIGNALS_EVENTS, pupil_registered(pupil_id))
        await publish(suite, SIGNALS_EVENTS, signal_recorded(pupil_id))
        await publish(suite, SIGNALS_EVENTS, signal_recorded(pupil_id))

    async with httpx.AsyncClient(base_url=svc.url) as http:

        async def four_tasks() -> bool:
            response = await http.get("/tasks", headers=auth(suite, IB))
            return len(response.json()) == 4

        await eventually(four_tasks)
        correlation_id = f"lijst-{uuid.uuid4()}"
        response = await http.get(
            "/tasks",
            headers={**auth(suite, IB), "User-Agent": "test-portal", "X-Correlation-ID": correlation_id},
        )
        assert len(response.json()) == 4

    # Everything on the topic (the polls above were logged too), then the final read's accesses.
    messages = await read_topic(suite.infra.kafka, suite.topic(ACCESS_LOG_EVENTS), expected=10_000, timeout=5)
    events = [suite.open_event(m["value"]) for m in messages]
    assert all(isinstance(e, DataAccessed) for e in events)
    assert {e.subject_id for e in events} == set(pupils)
    accessed = [e for e in events if isinstance(e, DataAccessed) and e.correlation_id == correlation_id]
    assert sorted(e.payload.pupil_id for e in accessed if e.payload.pupil_id) == sorted(pupils)
    for event in accessed:
        assert (event.actor.user_id, event.actor.role) == ("ib-1", "intern_begeleider")
        assert (event.payload.service, event.payload.action) == ("notifications", "tasks.list")
        assert event.payload.resource == "GET /tasks"
        assert event.payload.client_application == "test-portal"
        assert (event.tenant, event.school) == ("swv-zuid", "12AB")


async def test_completing_a_task_answers_without_the_pupils_name(suite: Suite) -> None:
    """A write is not a read: the completed task comes back with a short reference, not the name
    the (logged) task list showed."""
    svc = await suite.service("notifications")
    pupil_id = uuid.uuid4()
    await publish(suite, SIGNALS_EVENTS, pupil_registered(pupil_id))
    signal = signal_recorded(pupil_id)
    await publish(suite, SIGNALS_EVENTS, signal)
    async with httpx.AsyncClient(base_url=svc.url) as http:

        async def named_task() -> Any:
            found = [
                t for t in (await http.get("/tasks", headers=auth(suite, IB))).json() if "Sanne" in t["title"]
            ]
            return found[0] if found else None

        task = await eventually(named_task)
        done = await http.post(f"/tasks/{task['task_id']}/complete", headers=auth(suite, IB))
    assert done.status_code == 200, done.text
    answer = done.json()
    assert answer["status"] == "done" and answer["pupil_id"] == str(pupil_id)
    assert "Sanne" not in done.text and "de Vries" not in done.text and "V." not in answer["title"]
    assert answer["title"].startswith("Nieuw signaal over leerling ")
