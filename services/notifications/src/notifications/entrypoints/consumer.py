"""Kafka consumer of notifications: turns signals and casework events into tasks.

Runs inside the EventConsumer's transaction that also records the event id, so each event is
applied once; task ids derived from the event make creation idempotent on their own as well.
"""

from __future__ import annotations

import uuid

import asyncpg

from meldcode_contracts import CaseOpened, Envelope, PupilRegistered, SignalRecorded
from meldcode_servicekit.logging import get_logger

from .. import application, translation
from ..adapters.tasks import PostgresTaskStore
from ..domain.decisions import Decision

log = get_logger(__name__)


async def handle_event(conn: asyncpg.Connection, event: Envelope) -> None:
    store = PostgresTaskStore(conn)
    if isinstance(event, PupilRegistered):
        await application.pupil_registered(store, translation.pupil_known(event))
    elif isinstance(event, SignalRecorded):
        _log(event, *await application.signal_recorded(store, translation.signal_noticed(event)))
    elif isinstance(event, CaseOpened):
        _log(event, *await application.case_opened(store, translation.case_noticed(event)))
    elif (fact := translation.case_event(event)) is not None:
        _log(event, *await application.case_event(store, fact))
    # Other events (SignalCorrected, ...) create no task yet.


def _log(event: Envelope, decision: Decision, created: list[uuid.UUID]) -> None:
    """Ids only: never a name or description."""
    for task in decision.new_tasks:
        if task.task_id in created:
            log.info(
                "task_created",
                task_id=str(task.task_id),
                kind=task.kind.value,
                status=task.status.value,
                source_event_id=str(event.event_id),
            )
    for completion in decision.completions:
        log.info(
            "tasks_completed_by_event",
            kind=completion.kind.value,
            signal_ids=[str(s) for s in completion.signal_ids],
            source_event_id=str(event.event_id),
        )
    for done in decision.case_completions:
        log.info(
            "case_tasks_completed_by_event",
            kinds=[k.value for k in done.kinds],
            case_id=str(done.case_id),
            source_event_id=str(event.event_id),
        )
    for moved in decision.reassignments:
        # Not the user ids: which case and which event is enough to trace it.
        log.info("case_tasks_reassigned", case_id=str(moved.case_id), source_event_id=str(event.event_id))
