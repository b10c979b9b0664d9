"""`meldcode-<service> reconcile`: store, topics and read models agree, and every difference is named
(event id, aggregate, position) and, where it can be, repaired through the normal code paths."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from meldcode_contracts import NOTIFICATIONS_EVENTS, SIGNALS_EVENTS, Actor, ReminderSent, Role, SignalRecorded
from meldcode_contracts.notices import ReminderSentPayload
from meldcode_servicekit.reconcile import partition_ends, read_until
from meldcode_servicekit.table_outbox import enqueue_event
from meldcode_testkit import REPO_ROOT, Suite, eventually, publish_raw
from meldcode_testkit.scenario import (
    SCHOOL,
    TENANT,
    Staff,
    chronology_signal_ids,
    record_signal,
    register_pupil,
)


async def reconcile(suite: Suite, service: str, *options: str) -> tuple[int, dict[str, Any]]:
    return await suite.reconcile(service, *options)


def kinds(report: dict[str, Any]) -> list[tuple[str, str | None]]:
    return sorted((d["kind"], d["event_id"]) for d in report["differences"])


async def topic_messages(suite: Suite, topic: str) -> list[Any]:
    ends = await partition_ends(suite.infra.kafka, [suite.topic(topic)])
    return [m.record for m in await read_until(suite.infra.kafka, ends)]


async def signal_recorded_on_topic(suite: Suite, signal_id: str) -> Any:
    for record in await topic_messages(suite, SIGNALS_EVENTS):
        event = suite.open_event(record.value)
        if isinstance(event, SignalRecorded) and str(event.payload.signal_id) == signal_id:
            return record
    return None


async def test_all_services_agree_after_a_normal_run_and_an_extra_event_on_the_topic_is_named(
    suite: Suite,
) -> None:
    signals = await suite.service("signals")
    await suite.service("casework")
    await suite.service("notifications")
    reporting = await suite.service("reporting")
    staff = Staff(suite)
    async with httpx.AsyncClient(timeout=30) as http:
        pupil_id = await register_pupil(http, signals.url, staff)
        ids = [await record_signal(http, signals.url, staff, pupil_id, 3, f"Signaal {n}.") for n in range(3)]
        await eventually(
            lambda: _has(http, reporting.url, staff, pupil_id, set(ids)), timeout=60
        )  # and a read (an access-log event) on the way

    # The one command for all services, as an operator runs it beside `make run`.
    env = {k: v for service in suite.services.values() for k, v in service.env.items()}
    result = await asyncio.to_thread(
        subprocess.run,
        ["bash", str(REPO_ROOT / "deploy" / "local" / "reconcile.sh"), "--json"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    reports = {r["service"]: r for r in map(json.loads, result.stdout.strip().splitlines()[-4:])}
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert sorted(reports) == ["casework", "notifications", "reporting", "signals"]
    assert all(r["agree"] and r["differences"] == [] for r in reports.values()), reports
    assert reports["signals"]["counts"]["stored"] == 4
    assert reports["reporting"]["counts"]["processed"] >= 4

    # An event on the topic that the store never held: what a lost commit after the publish leaves.
    original = await eventually(lambda: signal_recorded_on_topic(suite, ids[0]))
    forged = json.loads(original.value)
    forged["event_id"] = str(uuid.uuid4())
    await publish_raw(suite.infra.kafka, original.topic, json.dumps(forged).encode(), key=original.key)

    code, report = await reconcile(suite, "signals")
    assert code == 1
    [difference] = report["differences"]
    assert difference["kind"] == "missing_in_store"
    assert difference["event_id"] == forged["event_id"]
    assert difference["event_type"] == "SignalRecorded"
    assert difference["aggregate"] == pupil_id
    assert difference["topic"] == suite.topic(SIGNALS_EVENTS)
    assert difference["offset"] is not None and difference["partition"] == original.partition
    table = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "signals.entrypoints.cli", "reconcile"],
        env={**os.environ, **suite.services["signals"].env},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert table.returncode == 1
    assert "signals: 1 difference" in table.stdout
    assert f"missing_in_store  {forged['event_id']}  SignalRecorded  {pupil_id}" in table.stdout


async def test_a_stored_event_the_relay_skipped_is_named_republished_and_reaches_the_read_model(
    suite: Suite,
) -> None:
    signals = await suite.service("signals")
    reporting = await suite.service("reporting")
    staff = Staff(suite)
    database = suite.services["signals"].env["SIGNALS_DATABASE_URL"]
    async with httpx.AsyncClient(timeout=30) as http:
        pupil_id = await register_pupil(http, signals.url, staff)
        conn = await asyncpg.connect(database)
        try:
            last = await conn.fetchval("select max(notification_id) from signals_events")
            await eventually(lambda: _relayed(conn, last))
            signals.stop()
            # The relay's position moves past events it will never publish (as if their publish was lost).
            await conn.execute(
                "update outbox_relay_position set position = $1 where relay = 'signals-events'", last + 5
            )
        finally:
            await conn.close()
        signals = await suite.service("signals")
        lost = await record_signal(http, signals.url, staff, pupil_id, 1, "Huilde in de klas.")

        code, report = await reconcile(suite, "signals")
        assert code == 1
        [difference] = report["differences"]
        assert difference["kind"] == "missing_on_topic"
        assert difference["event_type"] == "SignalRecorded"
        assert difference["store_position"] > last
        assert difference["aggregate"] is not None
        assert await signal_recorded_on_topic(suite, lost) is None

        code, report = await reconcile(suite, "signals", "--republish")
        assert (code, report["differences"]) == (0, []), report
        assert report["repairs"] == {"republished": 1}
        assert kinds(report["before_repair"]) == [("missing_on_topic", difference["event_id"])]
        record = await signal_recorded_on_topic(suite, lost)
        assert json.loads(record.value)["event_id"] == difference["event_id"]  # same id: de-duplicated
        await eventually(lambda: _has(http, reporting.url, staff, pupil_id, {lost}), timeout=60)

    code, report = await reconcile(suite, "reporting")
    assert (code, report["differences"]) == (0, []), report


async def test_a_consumer_that_committed_past_an_event_it_never_applied_is_named_and_replays_it(
    suite: Suite,
) -> None:
    signals = await suite.service("signals")
    reporting = await suite.service("reporting")
    staff = Staff(suite)
    async with httpx.AsyncClient(timeout=30) as http:
        pupil_id = await register_pupil(http, signals.url, staff)
        await eventually(lambda: _processed(suite, 1))
        reporting.stop()
        skipped = await record_signal(http, signals.url, staff, pupil_id, 1, "Had geen jas aan.")
        record = await eventually(lambda: signal_recorded_on_topic(suite, skipped))
        # The group's offset is committed past the signal, but no transaction ever applied it: what a
        # database commit lost after the consumer committed its offset leaves behind.
        await _commit_to_end(suite, suite.topic(SIGNALS_EVENTS), f"{suite.topic_prefix}meldcode-reporting")
        reporting = await suite.service("reporting")

        code, report = await reconcile(suite, "reporting")
        assert code == 1
        [difference] = report["differences"]
        event_id = json.loads(record.value)["event_id"]
        assert difference == {
            "kind": "missing_in_read_model",
            "event_id": event_id,
            "event_type": "SignalRecorded",
            "aggregate": pupil_id,
            "store_position": None,
            "topic": record.topic,
            "partition": record.partition,
            "offset": record.offset,
        }
        assert not await _has(http, reporting.url, staff, pupil_id, {skipped})

        code, report = await reconcile(suite, "reporting", "--replay-missing")
        assert (code, report["differences"]) == (0, []), report
        assert report["repairs"] == {"replayed_processed": 1}
        assert await _has(http, reporting.url, staff, pupil_id, {skipped})


async def test_the_event_outbox_names_a_row_lost_after_its_publish_and_republishes_a_row_never_sent(
    suite: Suite,
) -> None:
    await suite.service("notifications")
    database = suite.services["notifications"].env["NOTIFICATIONS_DATABASE_URL"]
    topic = suite.topic(NOTIFICATIONS_EVENTS)
    conn = await asyncpg.connect(database)
    try:
        published = await _enqueue_reminder(conn, topic)
        await eventually(
            lambda: conn.fetchval(
                "select published_at is not null from event_outbox where event_id = $1", published.event_id
            )
        )
        never_sent = await _enqueue_reminder(conn, topic, mark_published=True)
        await conn.execute("delete from event_outbox where event_id = $1", published.event_id)
    finally:
        await conn.close()

    code, report = await reconcile(suite, "notifications")
    assert code == 1
    assert kinds(report) == sorted(
        [("missing_in_store", str(published.event_id)), ("missing_on_topic", str(never_sent.event_id))]
    )
    by_kind = {d["kind"]: d for d in report["differences"]}
    assert by_kind["missing_on_topic"]["store_position"] == never_sent.sequence
    assert by_kind["missing_on_topic"]["aggregate"] == str(never_sent.subject_id)
    assert by_kind["missing_in_store"]["topic"] == topic

    code, report = await reconcile(suite, "notifications", "--republish")
    assert code == 1, "a lost store row cannot be republished: it stays named"
    assert report["repairs"] == {"republished": 1}
    assert kinds(report) == [("missing_in_store", str(published.event_id))]
    on_topic = [json.loads(r.value)["event_id"] for r in await topic_messages(suite, NOTIFICATIONS_EVENTS)]
    assert on_topic.count(str(never_sent.event_id)) == 1


async def _enqueue_reminder(conn: asyncpg.Connection, topic: str, *, mark_published: bool = False) -> Any:
    now = datetime.now(UTC)
    case_id = uuid.uuid4()

    def build(sequence: int) -> ReminderSent:
        return ReminderSent(
            event_id=uuid.uuid4(),
            occurred_at=now,
            recorded_at=now,
            tenant=TENANT,
            school=SCHOOL,
            subject_id=case_id,
            actor=Actor(user_id="notifications", role=Role.SYSTEM),
            correlation_id=f"test-{case_id}",
            sequence=sequence,
            payload=ReminderSentPayload(
                case_id=case_id,
                task_id=uuid.uuid4(),
                task_kind="gesprek_ouders",
                recipient_user_id="ib-bram",
                due_at=now - timedelta(days=1),
            ),
        )

    async with conn.transaction():
        event = await enqueue_event(conn, topic, build)
        if mark_published:  # in the same transaction: the relay never sees it unpublished
            await conn.execute(
                "update event_outbox set published_at = now() where event_id = $1", event.event_id
            )
    assert event is not None
    return event


async def _relayed(conn: asyncpg.Connection, position: int) -> bool:
    at = await conn.fetchval("select position from outbox_relay_position where relay = 'signals-events'")
    return at is not None and at >= position


async def _has(http: httpx.AsyncClient, url: str, staff: Staff, pupil_id: str, signal_ids: set[str]) -> bool:
    return signal_ids <= set(await chronology_signal_ids(http, url, staff, pupil_id))


async def _processed(suite: Suite, at_least: int) -> bool:
    conn = await asyncpg.connect(suite.services["reporting"].env["REPORTING_DATABASE_URL"])
    try:
        return int(await conn.fetchval("select count(*) from processed_events")) >= at_least
    finally:
        await conn.close()


async def _commit_to_end(suite: Suite, topic: str, group: str) -> None:
    consumer = AIOKafkaConsumer(bootstrap_servers=suite.infra.kafka, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        ends = await partition_ends(suite.infra.kafka, [topic])
        consumer.assign(list(ends))
        await consumer.commit({tp: OffsetAndMetadata(end, "") for tp, end in ends.items()})
    finally:
        await consumer.stop()
    assert all(isinstance(tp, TopicPartition) for tp in ends)
