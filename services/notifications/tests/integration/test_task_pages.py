"""GET /tasks in pages, newest first: the keyset query on a real PostgreSQL, and the `Link`
header through the running service."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import asyncpg
import httpx
import pytest

from meldcode_contracts import SIGNALS_EVENTS, Role, SignalRecorded
from meldcode_edge.migrations import apply_migrations
from meldcode_servicekit.table_outbox import TABLE_OUTBOX_SCHEMA
from meldcode_testkit import Infrastructure, Suite, eventually
from meldcode_testkit.builders import NOW, TENANT, signal_recorded
from meldcode_testkit.people import IB, auth
from meldcode_testkit.publishing import publish
from notifications.adapters.migrations import MIGRATIONS
from notifications.adapters.tasks import PostgresTaskStore
from notifications.domain.access import Viewer
from notifications.domain.task_pages import Direction, PageRequest, page_request_of
from notifications.entrypoints.consumer import handle_event

IB_VIEWER = Viewer("ib-1", Role.INTERN_BEGELEIDER, TENANT, frozenset({"12AB"}))


def signal_at(minutes: int) -> SignalRecorded:
    event = signal_recorded(uuid.uuid4())
    at = NOW + timedelta(minutes=minutes)
    return event.model_copy(update={"occurred_at": at, "recorded_at": at})


@pytest.fixture
async def conn(infrastructure: Infrastructure, isolation: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(await infrastructure.create_database(f"{isolation}_pages"))
    try:
        for statement in TABLE_OUTBOX_SCHEMA:
            await connection.execute(statement)
        await apply_migrations(connection, MIGRATIONS)
        yield connection
    finally:
        await connection.close()


async def newest_first(conn: asyncpg.Connection) -> list[uuid.UUID]:
    rows = await conn.fetch("select task_id from tasks order by created_at desc, task_id desc")
    return [r["task_id"] for r in rows]


async def test_paging_through_more_tasks_than_a_page_gives_each_once_newest_first(
    conn: asyncpg.Connection,
) -> None:
    for n in range(23):  # three at each instant: ties are ordered by task id
        async with conn.transaction():
            await handle_event(conn, signal_at(n // 3))
    store = PostgresTaskStore(conn)
    pages = [await store.visible_tasks(IB_VIEWER, None, PageRequest(limit=5))]
    while (older := pages[-1].older) is not None:
        pages.append(await store.visible_tasks(IB_VIEWER, None, page_request_of(older, 5)))
    assert [len(p.items) for p in pages] == [5, 5, 5, 5, 3]
    assert [t.task_id for p in pages for t, _ in p.items] == await newest_first(conn)
    assert pages[0].items[0][0].created_at == NOW + timedelta(minutes=7)

    back = [pages[-1]]
    while (newer := back[0].newer) is not None:
        request = page_request_of(newer, 5)
        assert request.direction is Direction.NEWER
        back.insert(0, await store.visible_tasks(IB_VIEWER, None, request))
    assert [p.items for p in back] == [p.items for p in pages]


async def test_a_zorgteam_members_page_is_full_of_what_they_may_see(conn: asyncpg.Connection) -> None:
    """The visibility rule is in the query: the IB'er's tasks do not eat up the member's page."""
    for n in range(6):
        async with conn.transaction():
            await handle_event(conn, signal_at(n))
    notices = []
    for n in range(4):
        notice = uuid.uuid4()
        notices.append(notice)
        await conn.execute(
            """insert into tasks (task_id, tenant, school, kind, assignee_role, created_at, source_event_id)
               values ($1, $2, '12AB', 'leaving_pupil_notice', 'zorgteam', $3, $4)""",
            notice,
            TENANT,
            NOW - timedelta(days=1, minutes=n),
            uuid.uuid4(),
        )
    member = Viewer("zt-1", Role.ZORGTEAM, TENANT, frozenset({"12AB"}))
    page = await PostgresTaskStore(conn).visible_tasks(member, None, PageRequest(limit=3))
    assert [t.task_id for t, _ in page.items] == notices[:3]
    assert page.older is not None


async def test_the_link_header_leads_through_every_task_of_the_service(suite: Suite) -> None:
    svc = await suite.service("notifications")
    events = [signal_at(n) for n in range(7)]
    for event in events:
        await publish(suite, SIGNALS_EVENTS, event)
    expected = [str(e.payload.signal_id) for e in reversed(events)]

    async with httpx.AsyncClient(base_url=svc.url) as http:

        async def all_there() -> bool:
            response = await http.get("/tasks", params={"limit": 500}, headers=auth(suite, IB))
            return len(response.json()) == len(events)

        await eventually(all_there)
        seen: list[str] = []
        response = await http.get("/tasks", params={"limit": 3}, headers=auth(suite, IB))
        assert "prev" not in response.links
        while True:
            assert response.status_code == 200, response.text
            seen.extend(t["signal_id"] for t in response.json())
            if "next" not in response.links:
                break
            response = await http.get(response.links["next"]["url"], headers=auth(suite, IB))
            assert "prev" in response.links
        assert seen == expected

        refused = await http.get("/tasks", params={"cursor": "not-ours"}, headers=auth(suite, IB))
        assert refused.status_code == 422
        assert refused.json()["rule"] == "task-cursor"
