"""The retention job's schedule (rule 16): a loop in the service's lifespan.

Every replica looks every `min(interval, 5 min)`; the one that holds the lock runs when the last
completed run is `retention_interval_seconds` ago (by the database's clock). The use case is
`application.Retention`; operators also run it as `meldcode-signals retention run [--dry-run]`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from meldcode_edge.logging import get_logger
from meldcode_vocabulary.dutch_days import dutch_today

from ..application import Retention
from ..commands import EraseForRetention

log = get_logger(__name__)

LONGEST_TICK = 300.0
"""Seconds between two looks at most, however long the interval."""


async def _schedule(retention: Retention, interval: float, stop: asyncio.Event) -> None:
    tick = min(interval, LONGEST_TICK)
    while not stop.is_set():
        try:
            command = EraseForRetention(today=dutch_today(), trigger="schedule")
            await retention.erase_for_retention_if_due(
                command, interval_seconds=interval, should_stop=stop.is_set
            )
        except Exception as exc:
            log.warning("retention_round_failed", error_type=type(exc).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=tick)


@asynccontextmanager
async def retention_schedule(retention: Retention, interval_seconds: float) -> AsyncIterator[None]:
    """The periodic retention run; on shutdown a run in progress stops after the pupil it is erasing."""
    stop = asyncio.Event()
    task = asyncio.create_task(_schedule(retention, interval_seconds, stop), name="signals-retention")
    try:
        yield
    finally:
        stop.set()
        await task
