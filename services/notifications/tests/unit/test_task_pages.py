"""The task list in pages: newest first, and paging through it loses and repeats nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from meldcode_contracts import Role
from notifications import application
from notifications.domain.access import Viewer
from notifications.domain.decisions import SignalNoticed
from notifications.domain.task_pages import (
    Direction,
    InvalidCursor,
    PageRequest,
    TaskPosition,
    cursor_of,
    page_request_of,
)
from notifications.domain.tasks import Task, TaskStatus

from .fakes import InMemoryTaskStore

IB = Viewer("ib-1", Role.INTERN_BEGELEIDER, "swv-zuid", frozenset({"12AB"}))
T0 = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


async def signal_at(store: InMemoryTaskStore, at: datetime) -> None:
    await application.signal_recorded(
        store, SignalNoticed(uuid.uuid4(), at, "swv-zuid", "12AB", uuid.uuid4(), uuid.uuid4())
    )


async def busy_store(count: int) -> InMemoryTaskStore:
    """`count` signal tasks, three of them at each instant (ties are ordered by task id)."""
    store = InMemoryTaskStore()
    for n in range(count):
        await signal_at(store, T0 + timedelta(minutes=n // 3))
    return store


def newest_first(store: InMemoryTaskStore) -> list[uuid.UUID]:
    return [t.task_id for t in sorted(store.tasks.values(), key=TaskPosition.of, reverse=True)]


async def walk(
    store: InMemoryTaskStore, limit: int, direction: Direction = Direction.OLDER
) -> list[list[Task]]:
    pages: list[list[Task]] = []
    page = await application.tasks_of(store, IB, TaskStatus.OPEN, PageRequest(limit=limit))
    pages.append([t for t, _ in page.items])
    while page.older is not None:
        page = await application.tasks_of(store, IB, TaskStatus.OPEN, page_request_of(page.older, limit))
        pages.append([t for t, _ in page.items])
    if direction is Direction.NEWER:
        pages = [pages[-1]]
        while page.newer is not None:
            page = await application.tasks_of(store, IB, TaskStatus.OPEN, page_request_of(page.newer, limit))
            pages.insert(0, [t for t, _ in page.items])
    return pages


async def test_the_first_page_holds_the_newest_tasks() -> None:
    store = await busy_store(12)
    page = await application.tasks_of(store, IB, TaskStatus.OPEN, PageRequest(limit=5))
    assert [t.task_id for t, _ in page.items] == newest_first(store)[:5]
    assert page.items[0][0].created_at == T0 + timedelta(minutes=3)
    assert page.newer is None and page.older is not None


async def test_paging_forward_through_more_than_a_page_shows_every_task_once_newest_first() -> None:
    store = await busy_store(23)
    pages = await walk(store, limit=5)
    assert [len(p) for p in pages] == [5, 5, 5, 5, 3]
    assert [t.task_id for p in pages for t in p] == newest_first(store)


async def test_paging_back_from_the_last_page_gives_the_same_pages() -> None:
    store = await busy_store(23)
    assert await walk(store, limit=5, direction=Direction.NEWER) == await walk(store, limit=5)


async def test_tasks_arriving_while_paging_neither_shift_nor_repeat_the_older_pages() -> None:
    store = await busy_store(10)
    first = await application.tasks_of(store, IB, TaskStatus.OPEN, PageRequest(limit=4))
    before = newest_first(store)
    for n in range(3):
        await signal_at(store, T0 + timedelta(hours=1, minutes=n))
    assert first.older is not None
    rest = await application.tasks_of(store, IB, TaskStatus.OPEN, page_request_of(first.older, 10))
    assert [t.task_id for t, _ in (*first.items, *rest.items)] == before
    assert rest.older is None
    assert rest.newer is not None
    back = await application.tasks_of(store, IB, TaskStatus.OPEN, page_request_of(rest.newer, 10))
    assert [t.task_id for t, _ in back.items] == newest_first(store)[:7]  # the new ones too
    assert back.newer is None


async def test_a_list_that_fits_one_page_has_no_neighbours() -> None:
    store = await busy_store(3)
    page = await application.tasks_of(store, IB, TaskStatus.OPEN, PageRequest(limit=3))
    assert (len(page.items), page.older, page.newer) == (3, None, None)


def test_a_cursor_reads_back_as_its_position_and_direction() -> None:
    position = TaskPosition(T0, uuid.uuid4())
    for direction in Direction:
        assert page_request_of(cursor_of(position, direction), 7) == PageRequest(7, position, direction)


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "nonsense",
        "b2xkZXJ8bm90LWEtZGF0ZXx4",
        cursor_of(TaskPosition(T0, uuid.uuid4()), Direction.OLDER)[:-6],
    ],
)
def test_a_cursor_this_service_did_not_write_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        page_request_of(cursor)


def test_a_page_holds_one_to_five_hundred_tasks() -> None:
    with pytest.raises(ValueError, match="a page holds"):
        PageRequest(limit=0)
    with pytest.raises(ValueError, match="a page holds"):
        PageRequest(limit=501)
