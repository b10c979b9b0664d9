"""The rebuild's replay in worker processes, one group of partitions each (ADR 25 part N2), against
the reporting service as a real process with real Kafka and PostgreSQL: the same checksums as the
live tables and as a replay in one process, and a worker's failure fails the rebuild."""

from __future__ import annotations

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer

from meldcode_contracts import ALL_TOPICS, Envelope
from meldcode_testkit import Suite
from meldcode_testkit.builders import Events, Notices
from reporting.adapters.rebuild import rebuild, topic_partitions
from reporting.adapters.replay_workers import ReplayWorkerFailed, ReplayWorkers, WorkerSpec
from reporting.config import Settings
from reporting.entrypoints.consumer import handle_event, handle_page

from .histories import a_pupil_with_a_whole_case, publish_all


def settings_of(suite: Suite, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The settings the reporting service runs with (its environment)."""
    for name, value in suite.services["reporting"].env.items():
        monkeypatch.setenv(name, value)
    return Settings()


async def a_published_history(suite: Suite, events: Events, notices: Notices, count: int) -> list[Envelope]:
    """Pupils, signals, corrections, whole cases (their events on the casework and the
    notifications topic), notices and access-log entries, keyed by subject as the owners publish."""
    history: list[Envelope] = []
    while len(history) < count:
        history += a_pupil_with_a_whole_case(events, notices, start=len(history))
    await publish_all(suite, history)
    return history


async def test_a_rebuild_in_two_workers_gives_the_checksums_of_the_live_tables_and_of_one_process(
    suite: Suite, events: Events, notices: Notices, monkeypatch: pytest.MonkeyPatch
) -> None:
    await suite.service("reporting")
    settings = settings_of(suite, monkeypatch)
    history = await a_published_history(suite, events, notices, 1500)
    group = settings.group("meldcode-reporting")
    seen: list[tuple[int, int]] = []

    in_workers = await rebuild(
        settings,
        handle_event,
        group=group,
        handle_page=handle_page,
        workers=2,
        in_process_below=0,
        progress=lambda done, total: seen.append((done, total)),
    )
    in_process = await rebuild(settings, handle_event, group=group, handle_page=handle_page, workers=1)

    assert in_workers.ok, in_workers.as_json()
    assert in_workers.events == in_process.events == len(history)
    assert {t.name: t.rebuilt_checksum for t in in_workers.tables} == {
        t.name: t.rebuilt_checksum for t in in_process.tables
    }
    assert {t.name: t.rows for t in in_workers.tables}["processed_events"] == len(history)
    assert seen and seen[-1] == (len(history), len(history))  # the children's counts reach the parent


async def test_a_worker_that_fails_fails_the_replay_with_its_error(
    suite: Suite, events: Events, notices: Notices, monkeypatch: pytest.MonkeyPatch
) -> None:
    await suite.service("reporting")
    settings = settings_of(suite, monkeypatch)
    await a_published_history(suite, events, notices, 300)
    database_url = settings.migration_database_url or settings.database_url
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute('create schema "rebuild_dropped"')
        await conn.execute('drop schema "rebuild_dropped"')  # gone before the workers write
    finally:
        await conn.close()
    partitions = await topic_partitions(settings)
    workers = ReplayWorkers(
        WorkerSpec(settings, database_url, "rebuild_dropped", handle_event, handle_page), 2
    )
    consumer = AIOKafkaConsumer(**settings.kafka.client_options(), group_id=None)
    await consumer.start()
    try:
        end = await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()
    assert len([tp for tp in partitions if end[tp] > 0]) > 2  # work for both workers
    assert {tp.topic for tp in partitions} == {settings.topic(t) for t in ALL_TOPICS}

    with pytest.raises(
        ReplayWorkerFailed, match=r"failed in its worker process: UndefinedTableError"
    ) as failed:
        await workers.replay(
            {tp: 0 for tp in partitions}, end, done=0, total=sum(end.values()), progress=None
        )
    assert isinstance(failed.value.__cause__, asyncpg.UndefinedTableError)  # the worker's own error
