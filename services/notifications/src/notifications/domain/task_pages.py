"""A task list in pages, newest first, with keyset cursors.

The list is ordered by `created_at` descending, then `task_id` descending (a total, stable order:
two tasks of the same instant keep their places). A page is asked for from a position: the tasks
after it (older, "Volgende") or before it (newer, "Vorige"). Unlike an offset, a position does not
shift when new tasks arrive while someone pages, so nothing is skipped or shown twice.

A cursor is the position written as an opaque URL-safe token with its direction; it holds only a
time and a task id, no personal data.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar

from .tasks import Task, must_be_utc

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class Direction(StrEnum):
    OLDER = "older"
    """The tasks after the position in the list (older ones): the next page."""
    NEWER = "newer"
    """The tasks before the position in the list (newer ones): the previous page."""


@dataclass(frozen=True, order=True)
class TaskPosition:
    """Where a task stands in the list; a larger position is newer (earlier in the list)."""

    created_at: datetime
    task_id: uuid.UUID

    def __post_init__(self) -> None:
        must_be_utc(self.created_at, "created_at")

    @classmethod
    def of(cls, task: Task) -> TaskPosition:
        return cls(task.created_at, task.task_id)


@dataclass(frozen=True)
class PageRequest:
    """`limit` tasks from `position` on in `direction` (from the top of the list without one)."""

    limit: int = DEFAULT_PAGE_SIZE
    position: TaskPosition | None = None
    direction: Direction = Direction.OLDER

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_PAGE_SIZE:
            raise ValueError(f"a page holds 1 to {MAX_PAGE_SIZE} tasks")


class InvalidCursor(ValueError):
    """The cursor is not one this service wrote."""


def cursor_of(position: TaskPosition, direction: Direction) -> str:
    text = f"{direction.value}|{position.created_at.isoformat()}|{position.task_id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def page_request_of(cursor: str | None, limit: int = DEFAULT_PAGE_SIZE) -> PageRequest:
    """The page a cursor points to (the first page without one); `InvalidCursor` when it is not ours."""
    if cursor is None:
        return PageRequest(limit=limit)
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        direction, created_at, task_id = text.split("|")
        position = TaskPosition(datetime.fromisoformat(created_at), uuid.UUID(task_id))
        return PageRequest(limit=limit, position=position, direction=Direction(direction))
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InvalidCursor(str(error)) from error


Item = TypeVar("Item")


@dataclass(frozen=True)
class Page(Generic[Item]):
    """The tasks of one page, newest first, and the cursors to its neighbours (None at an end)."""

    items: tuple[Item, ...]
    older: str | None = None
    newer: str | None = None


def cut_page(fetched: Sequence[Item], request: PageRequest, task_of: Callable[[Item], Task]) -> Page[Item]:
    """The page from what the store fetched for `request`: at most `limit + 1` items strictly past
    the position, in the direction asked (newest first for older ones, oldest first for newer ones);
    the extra item only tells that there is more."""
    more = len(fetched) > request.limit
    kept = list(fetched[: request.limit])
    if request.direction is Direction.NEWER:
        kept.reverse()
    if not kept:
        return Page(items=())
    first, last = TaskPosition.of(task_of(kept[0])), TaskPosition.of(task_of(kept[-1]))
    has_older = more if request.direction is Direction.OLDER else True
    has_newer = request.position is not None if request.direction is Direction.OLDER else more
    return Page(
        items=tuple(kept),
        older=cursor_of(last, Direction.OLDER) if has_older else None,
        newer=cursor_of(first, Direction.NEWER) if has_newer else None,
    )
