"""Reconcile a service's event store with its topic, and its read model with the topics it consumes.

`meldcode-<service> reconcile` (see `reconcile_cli`) names every event id on which two of them
disagree, with its aggregate and its position on each side, and can repair what is repairable:

- **Outbox -> topic.** Every stored event that the relay says it published (notification id up to
  `outbox_relay_position`, or an `event_outbox` row with `published_at`) and that translates to a
  contract event must be on the topic (`missing_on_topic`), with its event type and subject
  (`different_on_topic` otherwise); every event on the topic must be in the store
  (`missing_in_store`: what a lost database commit after the publish leaves behind). Events
  the relay has not reached yet are *pending*, not a difference: it will publish them.
- **Topics -> read model.** Every event on a consumed topic below the consumer group's committed
  offset must be in `processed_events` (`missing_in_read_model`), because the consumer commits an
  offset only after the database transaction that recorded the event; a message between the
  committed offset and the end of the partition is lag, not a difference. Every `processed_events`
  row must name an event on the topic (`read_model_not_on_topic`). Messages the consumer parked on
  its dead-letter topic are counted as parked (see `dead-letters`), not as differences.

The order of the reads makes a running service safe to check: the relay position and the committed
offsets are read before the ends of the partitions, and those before the topics; whatever happens
after that snapshot is either pending, lag, or beyond the ends and thus not compared.

Repairs go through the same code as normal operation, so they are idempotent: `republish` translates
and seals a stored event exactly like the relay (same `event_id`: consumers de-duplicate), and
`replay_missing` feeds a skipped message to the service's own `EventConsumer.process`.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio
import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from eventsourcing.application import Application

from meldcode_contracts import Envelope, dead_letter_topic, serialize_event

from .consuming import EventConsumer, Handler
from .deadletters import read_dead_letters
from .kafka_connection import KafkaConnection, connection
from .keystore import KeyStore
from .outbox import Translate, contract_event_id
from .sealing import seal_event
from .settings import ServiceSettings

READ_POLL_MS = 500
READ_TIMEOUT_SECONDS = 120.0
STORE_BATCH = 500


# --- what a service holds ---------------------------------------------------------------------


@dataclass(frozen=True)
class EventStoreOutbox:
    """An eventsourcing application whose stored-events table is the outbox (signals, casework)."""

    relay: str
    topic: str
    application: Application[Any]
    translate: Translate


@dataclass(frozen=True)
class TableOutbox:
    """A service that publishes through `event_outbox` rows (notifications)."""

    topic: str


@dataclass(frozen=True)
class ReadModel:
    """The topics a service consumes and the handler its consumer applies them with."""

    topics: Sequence[str]
    handle: Handler


@dataclass(frozen=True)
class ReconcileTargets:
    service: str
    outbox: EventStoreOutbox | TableOutbox | None = None
    read_model: ReadModel | None = None


# --- the report -------------------------------------------------------------------------------

MISSING_ON_TOPIC = "missing_on_topic"
MISSING_IN_STORE = "missing_in_store"
DIFFERENT_ON_TOPIC = "different_on_topic"
UNTRANSLATABLE = "untranslatable"
MISSING_IN_READ_MODEL = "missing_in_read_model"
READ_MODEL_NOT_ON_TOPIC = "read_model_not_on_topic"


@dataclass(frozen=True)
class Difference:
    """One event on which two sides disagree. `store_position` is the notification id (event store)
    or the `event_outbox` position; topic/partition/offset is where the event is on the wire (or,
    for a read-model row, where the consumer read it)."""

    kind: str
    event_id: uuid.UUID | None
    event_type: str | None = None
    aggregate: uuid.UUID | None = None
    store_position: int | None = None
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "event_id": str(self.event_id) if self.event_id else None,
            "event_type": self.event_type,
            "aggregate": str(self.aggregate) if self.aggregate else None,
            "store_position": self.store_position,
            "topic": self.topic,
            "partition": self.partition,
            "offset": self.offset,
        }


@dataclass
class Report:
    service: str
    differences: list[Difference] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    repairs: dict[str, int] = field(default_factory=dict)

    @property
    def agree(self) -> bool:
        return not self.differences

    def as_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "agree": self.agree,
            "counts": self.counts,
            "differences": [d.as_json() for d in self.differences],
            "repairs": self.repairs,
        }


# --- the wire ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicMessage:
    """A message on a topic, read without opening its sealed fields: the envelope is plain JSON."""

    event_id: uuid.UUID | None
    event_type: str | None
    subject_id: uuid.UUID | None
    record: Any  # the aiokafka ConsumerRecord, for a replay through the consumer

    @property
    def where(self) -> tuple[str, int, int]:
        return (self.record.topic, self.record.partition, self.record.offset)


def envelope_identity(value: bytes | None) -> tuple[uuid.UUID | None, str | None, uuid.UUID | None]:
    """Event id, event type and subject id of a message, or Nones where it does not hold them."""
    try:
        document = json.loads(value or b"")
    except (ValueError, UnicodeDecodeError):
        return None, None, None
    if not isinstance(document, dict):
        return None, None, None
    event_type = document.get("event_type")
    return (
        _uuid(document.get("event_id")),
        event_type if isinstance(event_type, str) else None,
        _uuid(document.get("subject_id")),
    )


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if isinstance(value, str) else None
    except ValueError:
        return None


async def partition_ends(kafka: KafkaConnection | str, topics: Iterable[str]) -> dict[TopicPartition, int]:
    """The high-water mark of every partition of `topics` (topics that do not exist have none)."""
    admin = AIOKafkaAdminClient(**connection(kafka).client_options())
    await admin.start()
    try:
        described = await admin.describe_topics(sorted(set(topics)))
    finally:
        await admin.close()
    partitions = [
        TopicPartition(d["topic"], p["partition"])
        for d in described
        if not d.get("error_code")
        for p in d.get("partitions", [])
    ]
    if not partitions:
        return {}
    consumer = AIOKafkaConsumer(**connection(kafka).client_options(), group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        return dict(await consumer.end_offsets(partitions))
    finally:
        await consumer.stop()


async def read_until(kafka: KafkaConnection | str, ends: dict[TopicPartition, int]) -> list[TopicMessage]:
    """Every message from the beginning of each partition up to (not including) its end in `ends`."""
    wanted = [tp for tp, end in ends.items() if end > 0]
    if not wanted:
        return []
    consumer = AIOKafkaConsumer(**connection(kafka).client_options(), group_id=None, enable_auto_commit=False)
    await consumer.start()
    messages: list[TopicMessage] = []
    try:
        consumer.assign(wanted)
        await consumer.seek_to_beginning(*wanted)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + READ_TIMEOUT_SECONDS
        while [tp for tp in wanted if await consumer.position(tp) < ends[tp]]:
            if loop.time() > deadline:
                raise TimeoutError(f"could not read the topics to their ends within {READ_TIMEOUT_SECONDS}s")
            batch = await consumer.getmany(*wanted, timeout_ms=READ_POLL_MS)
            for tp, records in batch.items():
                for record in records:
                    if record.offset < ends[tp]:
                        messages.append(TopicMessage(*envelope_identity(record.value), record=record))
    finally:
        await consumer.stop()
    return sorted(messages, key=lambda m: m.where)


async def committed_offsets(kafka: KafkaConnection | str, group: str) -> dict[TopicPartition, int]:
    """The consumer group's committed offset per partition (partitions it never committed: absent)."""
    admin = AIOKafkaAdminClient(**connection(kafka).client_options())
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return {tp: meta.offset for tp, meta in offsets.items() if meta.offset >= 0}


# --- the stores -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredEvent:
    """A stored event that leaves the service as a contract event (`event` is None when it does not)."""

    event_id: uuid.UUID
    aggregate: uuid.UUID
    position: int
    published: bool
    event: Envelope | None = None
    event_type: str | None = None
    error: str | None = None
    row: Any = None  # an `event_outbox` row, republished as it is


def read_event_store(outbox: EventStoreOutbox, *, published_up_to: int, after: int = 0) -> list[StoredEvent]:
    """Every stored event after notification id `after`, translated like the relay translates it;
    blocking (eventsourcing's recorder): run it in a worker thread. Events that translate to None
    never leave the service and are left out."""
    app = outbox.application
    found: list[StoredEvent] = []
    start = after
    while True:
        notifications = app.recorder.select_notifications(start, STORE_BATCH, inclusive_of_start=False)
        if not notifications:
            return found
        for n in notifications:
            originator = (
                n.originator_id if isinstance(n.originator_id, uuid.UUID) else uuid.UUID(n.originator_id)
            )
            event_id = contract_event_id(originator, n.originator_version)
            try:
                contract_event = outbox.translate(app.mapper.to_domain_event(n))
            except Exception as exc:
                found.append(
                    StoredEvent(event_id, originator, n.id, n.id <= published_up_to, error=type(exc).__name__)
                )
                continue
            if contract_event is not None:
                found.append(
                    StoredEvent(
                        event_id,
                        originator,
                        n.id,
                        n.id <= published_up_to,
                        event=contract_event,
                        event_type=contract_event.event_type,
                    )
                )
        start = notifications[-1].id


async def relay_position(pool: asyncpg.Pool, relay: str) -> int:
    value = await pool.fetchval("select position from outbox_relay_position where relay = $1", relay)
    return int(value or 0)


async def read_table_outbox(
    pool: asyncpg.Pool, event_ids: Sequence[uuid.UUID] | None = None
) -> list[StoredEvent]:
    """The `event_outbox` rows (only those with `event_ids` when given); `published` when marked so."""
    rows = await pool.fetch(
        """select position, event_id, event_type, topic, key, value, published_at is not null as published
           from event_outbox where $1::uuid[] is null or event_id = any($1::uuid[]) order by position""",
        event_ids,
    )
    return [
        StoredEvent(
            r["event_id"],
            _uuid(bytes(r["key"]).decode("utf-8", "replace")) or r["event_id"],
            r["position"],
            r["published"],
            event_type=r["event_type"],
            row=r,
        )
        for r in rows
    ]


async def read_processed(pool: asyncpg.Pool) -> dict[uuid.UUID, asyncpg.Record]:
    rows = await pool.fetch(
        """select event_id, event_type, topic, partition, "offset", outcome from processed_events"""
    )
    return {r["event_id"]: r for r in rows}


# --- the comparisons ----------------------------------------------------------------------------


def compare_outbox(
    stored: Sequence[StoredEvent], messages: Sequence[TopicMessage], report: Report
) -> list[StoredEvent]:
    """Store against topic; returns the stored events the topic lacks (to republish). Topic events
    that are not in `stored` are only candidates: the caller looks again (they may be newer)."""
    on_topic: dict[uuid.UUID, TopicMessage] = {}
    for m in messages:
        if m.event_id is not None:
            on_topic.setdefault(m.event_id, m)
    missing: list[StoredEvent] = []
    pending = 0
    for s in stored:
        if s.error is not None:
            report.differences.append(Difference(UNTRANSLATABLE, s.event_id, None, s.aggregate, s.position))
        elif s.event_id in on_topic:
            m = on_topic[s.event_id]
            subject = s.event.subject_id if s.event is not None else s.aggregate  # a row: its key
            if (m.event_type, m.subject_id) != (s.event_type, subject):
                # One id, two events: a version reused after the store lost (or restored past) it.
                topic, partition, offset = m.where
                report.differences.append(
                    Difference(
                        DIFFERENT_ON_TOPIC,
                        s.event_id,
                        s.event_type,
                        s.aggregate,
                        s.position,
                        topic,
                        partition,
                        offset,
                    )
                )
        elif s.published:
            missing.append(s)
            report.differences.append(
                Difference(MISSING_ON_TOPIC, s.event_id, s.event_type, s.aggregate, s.position)
            )
        else:
            pending += 1
    report.counts.update(
        stored=len(stored),
        pending_relay=pending,
        on_topic=len(on_topic),
        duplicates_on_topic=sum(1 for m in messages if m.event_id is not None) - len(on_topic),
        unreadable_on_topic=sum(1 for m in messages if m.event_id is None),
    )
    return missing


def topic_only(stored: Sequence[StoredEvent], messages: Sequence[TopicMessage]) -> list[TopicMessage]:
    known = {s.event_id for s in stored}
    seen: set[uuid.UUID] = set()
    extra = []
    for m in messages:
        if m.event_id is not None and m.event_id not in known and m.event_id not in seen:
            seen.add(m.event_id)
            extra.append(m)
    return extra


def name_missing_in_store(extra: Sequence[TopicMessage], report: Report) -> None:
    for m in extra:
        topic, partition, offset = m.where
        report.differences.append(
            Difference(
                MISSING_IN_STORE, m.event_id, m.event_type, m.subject_id, None, topic, partition, offset
            )
        )


def compare_read_model(
    messages: Sequence[TopicMessage],
    ends: dict[TopicPartition, int],
    committed: dict[TopicPartition, int],
    processed: dict[uuid.UUID, Any],
    parked_at: set[tuple[str, int, int]],
    report: Report,
) -> list[TopicMessage]:
    """Topics against `processed_events`; returns the messages the consumer skipped (to replay)."""
    skipped: list[TopicMessage] = []
    lag = parked = 0
    on_topic: set[uuid.UUID] = set()
    for m in messages:
        topic, partition, offset = m.where
        if m.event_id is not None:
            on_topic.add(m.event_id)
            if m.event_id in processed:
                continue
        if m.where in parked_at:
            parked += 1
        elif offset >= committed.get(TopicPartition(topic, partition), 0):
            lag += 1
        else:
            skipped.append(m)
            report.differences.append(
                Difference(
                    MISSING_IN_READ_MODEL,
                    m.event_id,
                    m.event_type,
                    m.subject_id,
                    None,
                    topic,
                    partition,
                    offset,
                )
            )
    for event_id, row in processed.items():
        if event_id in on_topic:
            continue
        end = ends.get(TopicPartition(row["topic"], row["partition"]))
        if end is not None and row["offset"] >= end:
            continue  # read after the snapshot of the ends
        report.differences.append(
            Difference(
                READ_MODEL_NOT_ON_TOPIC,
                event_id,
                row["event_type"],
                None,
                None,
                row["topic"],
                row["partition"],
                row["offset"],
            )
        )
    report.counts.update(
        consumed_on_topic=len(on_topic),
        processed=len(processed),
        parked_by_consumer=parked,
        consumer_lag=lag,
    )
    return skipped


# --- one run ------------------------------------------------------------------------------------


@dataclass
class Findings:
    report: Report
    republish: list[StoredEvent] = field(default_factory=list)
    replay: list[TopicMessage] = field(default_factory=list)


async def reconcile(settings: ServiceSettings, targets: ReconcileTargets, pool: asyncpg.Pool) -> Findings:
    """Compare once. Reads in the order that makes a running service safe to check (module doc)."""
    bootstrap = settings.kafka
    report = Report(targets.service)
    findings = Findings(report)
    outbox, read_model = targets.outbox, targets.read_model

    stored: list[StoredEvent] = []
    outbox_topics: list[str] = []
    if isinstance(outbox, EventStoreOutbox):
        published_up_to = await relay_position(pool, outbox.relay)
        stored = await anyio.to_thread.run_sync(
            lambda: read_event_store(outbox, published_up_to=published_up_to)
        )
        outbox_topics = [settings.topic(outbox.topic)]
    elif isinstance(outbox, TableOutbox):
        stored = await read_table_outbox(pool)
        outbox_topics = sorted({settings.topic(outbox.topic), *(s.row["topic"] for s in stored)})

    consumed_topics: list[str] = []
    committed: dict[TopicPartition, int] = {}
    if read_model is not None:
        consumed_topics = [settings.topic(t) for t in read_model.topics]
        committed = await committed_offsets(bootstrap, settings.group(f"meldcode-{targets.service}"))

    ends = await partition_ends(bootstrap, [*outbox_topics, *consumed_topics])

    processed: dict[uuid.UUID, Any] = {}
    if read_model is not None:
        processed = await read_processed(pool)

    messages = await read_until(bootstrap, ends)

    if outbox is not None:
        wire = [m for m in messages if m.record.topic in outbox_topics]
        findings.republish = compare_outbox(stored, wire, report)
        extra = topic_only(stored, wire)
        if extra:  # written and published after the store was read? Look again before naming them.
            if isinstance(outbox, EventStoreOutbox):
                last = max((s.position for s in stored), default=0)
                newer = await anyio.to_thread.run_sync(
                    lambda: read_event_store(outbox, published_up_to=0, after=last)
                )
            else:
                newer = await read_table_outbox(pool, [m.event_id for m in extra if m.event_id])
            extra = topic_only([*stored, *newer], extra)
        name_missing_in_store(extra, report)

    if read_model is not None:
        dead_letters = await read_dead_letters(bootstrap, settings.topic(dead_letter_topic(targets.service)))
        parked_at = {
            (d.original_topic, d.original_partition, d.original_offset)
            for d in dead_letters
            if d.original_topic is not None
            and d.original_partition is not None
            and d.original_offset is not None
        }
        consumed = [m for m in messages if m.record.topic in consumed_topics]
        findings.replay = compare_read_model(consumed, ends, committed, processed, parked_at, report)
    return findings


# --- repairs ------------------------------------------------------------------------------------


def relay_value(event: Envelope, keystore: KeyStore | None) -> bytes:
    """The bytes the relay publishes for a contract event (sealed when there is a key store)."""
    return serialize_event(event) if keystore is None else seal_event(event, keystore)


async def republish(
    settings: ServiceSettings,
    outbox: EventStoreOutbox | TableOutbox,
    missing: Sequence[StoredEvent],
    keystore: KeyStore | None,
    producer: AIOKafkaProducer,
) -> int:
    """Publish the stored events the topic lacks, in store order, as the relay would have."""
    deliveries = []
    for s in sorted(missing, key=lambda s: s.position):
        if s.row is not None:
            topic, key, value = s.row["topic"], bytes(s.row["key"]), bytes(s.row["value"])
            event_type = s.row["event_type"]
        else:
            assert s.event is not None and isinstance(outbox, EventStoreOutbox)
            event = s.event
            topic, key, event_type = (
                settings.topic(outbox.topic),
                str(event.subject_id).encode(),
                event.event_type,
            )
            value = await anyio.to_thread.run_sync(relay_value, event, keystore)
        deliveries.append(
            await producer.send(topic, value=value, key=key, headers=[("event_type", event_type.encode())])
        )
    await asyncio.gather(*deliveries)
    return len(deliveries)


async def replay_missing(consumer: EventConsumer, skipped: Sequence[TopicMessage]) -> dict[str, int]:
    """Apply the messages a consumer skipped through its own idempotent code path, in topic order;
    returns how many were processed, were duplicates (applied meanwhile) or were parked."""
    outcomes: dict[str, int] = {}
    for m in sorted(skipped, key=lambda m: m.where):
        outcome = await consumer.process(m.record.value or b"", m.record)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
