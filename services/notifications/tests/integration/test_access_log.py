"""Reading a task list is reading pupil data: each pupil shown is logged (NEN 7513)."""

from __future__ import annotations

import uuid

import httpx

from meldcode_contracts import ACCESS_LOG_EVENTS, SIGNALS_EVENTS, DataAccessed
from meldcode_testkit import Suite, eventually, read_topic

from .test_notifications import IB, auth, publish, pupil_registered, signal_recorded


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
