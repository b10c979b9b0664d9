"""Reading signals' event store by notification id, for the read models caught up from it (the
retention job's departures, the staff directory)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.application import Application


def read_since(
    application: Application[Any], start: int, batch_size: int, topics: Sequence[str]
) -> tuple[int, list[Any]]:
    """(position reached, the domain events of `topics` after `start`): blocking, for a thread.
    (Notification ids commit in order: nothing below a position read can appear later.)"""
    stop = application.recorder.max_notification_id() or 0
    if stop <= start:
        return start, []
    notifications = application.recorder.select_notifications(
        start, batch_size, stop=stop, topics=topics, inclusive_of_start=False
    )
    # A full batch may have more behind it; a short one has read everything up to `stop`.
    reached = notifications[-1].id if len(notifications) == batch_size else stop
    return reached, [application.mapper.to_domain_event(n) for n in notifications]
