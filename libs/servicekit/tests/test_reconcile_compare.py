"""The comparisons of `reconcile`, without I/O: which disagreements are differences and which are
only pending work (the relay's backlog, the consumer's lag, parked messages)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from aiokafka import TopicPartition

from meldcode_servicekit.reconcile import (
    DIFFERENT_ON_TOPIC,
    MISSING_IN_READ_MODEL,
    MISSING_ON_TOPIC,
    READ_MODEL_NOT_ON_TOPIC,
    UNTRANSLATABLE,
    Report,
    StoredEvent,
    TopicMessage,
    compare_outbox,
    compare_read_model,
    envelope_identity,
    topic_only,
)
from meldcode_servicekit.reconcile_cli import render

TOPIC = "meldcode.signals.events.v1"


@dataclass(frozen=True)
class Record:
    topic: str
    partition: int
    offset: int
    value: bytes = b""


def message(
    event_id: uuid.UUID | None, offset: int, partition: int = 0, subject: uuid.UUID | None = None
) -> TopicMessage:
    return TopicMessage(event_id, "SignalRecorded", subject or uuid.uuid4(), Record(TOPIC, partition, offset))


def stored(position: int, *, published: bool = True, error: str | None = None) -> StoredEvent:
    return StoredEvent(
        uuid.uuid4(), uuid.uuid4(), position, published, event_type="SignalRecorded", error=error
    )


def test_the_envelope_identity_is_read_without_opening_sealed_fields() -> None:
    event_id, subject = uuid.uuid4(), uuid.uuid4()
    value = json.dumps(
        {
            "event_id": str(event_id),
            "event_type": "SignalRecorded",
            "subject_id": str(subject),
            "payload": {"description": "enc:v1:00:abc"},
        }
    ).encode()
    assert envelope_identity(value) == (event_id, "SignalRecorded", subject)
    assert envelope_identity(b"not json") == (None, None, None)
    assert envelope_identity(b'["a list"]') == (None, None, None)
    assert envelope_identity(b'{"event_id": "not-a-uuid"}') == (None, None, None)


def test_a_published_event_missing_on_the_topic_is_a_difference_a_pending_one_is_not() -> None:
    on_wire, lost, pending, broken = (
        stored(1),
        stored(2),
        stored(3, published=False),
        stored(4, error="KeyError"),
    )
    report = Report("signals")
    missing = compare_outbox(
        [on_wire, lost, pending, broken],
        [message(on_wire.event_id, 0, subject=on_wire.aggregate), message(on_wire.event_id, 1)],
        report,
    )
    assert missing == [lost]
    assert [(d.kind, d.event_id, d.store_position) for d in report.differences] == [
        (MISSING_ON_TOPIC, lost.event_id, 2),
        (UNTRANSLATABLE, broken.event_id, 4),
    ]
    assert report.counts["pending_relay"] == 1
    assert report.counts["duplicates_on_topic"] == 1


def test_one_event_id_for_two_different_events_is_named() -> None:
    reused = stored(5)
    report = Report("signals")
    assert compare_outbox([reused], [message(reused.event_id, 3)], report) == []  # the subject differs
    [difference] = report.differences
    assert (difference.kind, difference.event_id, difference.store_position, difference.offset) == (
        DIFFERENT_ON_TOPIC,
        reused.event_id,
        5,
        3,
    )


def test_events_on_the_topic_that_the_store_lacks_are_found_once() -> None:
    known = stored(1)
    extra = uuid.uuid4()
    found = topic_only(
        [known], [message(known.event_id, 0), message(extra, 1), message(extra, 2), message(None, 3)]
    )
    assert [m.event_id for m in found] == [extra]


def test_a_read_model_is_compared_up_to_the_committed_offsets_only() -> None:
    applied, skipped, lagging, parked, newer = (uuid.uuid4() for _ in range(5))
    messages = [
        message(applied, 0),
        message(skipped, 1),
        message(parked, 2),
        message(None, 3),  # unreadable and never parked: skipped as well
        message(lagging, 4),
    ]
    processed: dict[uuid.UUID, Any] = {
        applied: {"event_type": "SignalRecorded", "topic": TOPIC, "partition": 0, "offset": 0},
        newer: {
            "event_type": "SignalRecorded",
            "topic": TOPIC,
            "partition": 0,
            "offset": 9,
        },  # after the ends
    }
    tp = TopicPartition(TOPIC, 0)
    report = Report("reporting")
    replay = compare_read_model(messages, {tp: 5}, {tp: 4}, processed, {(TOPIC, 0, 2)}, report)
    assert [m.where for m in replay] == [(TOPIC, 0, 1), (TOPIC, 0, 3)]
    assert [(d.kind, d.event_id, d.offset) for d in report.differences] == [
        (MISSING_IN_READ_MODEL, skipped, 1),
        (MISSING_IN_READ_MODEL, None, 3),
    ]
    assert report.counts["consumer_lag"] == 1
    assert report.counts["parked_by_consumer"] == 1


def test_a_read_model_row_of_an_event_no_topic_holds_is_named() -> None:
    ghost = uuid.uuid4()
    processed = {ghost: {"event_type": "CaseOpened", "topic": TOPIC, "partition": 1, "offset": 3}}
    report = Report("reporting")
    compare_read_model([], {TopicPartition(TOPIC, 1): 10}, {}, processed, set(), report)
    [difference] = report.differences
    assert (difference.kind, difference.event_id, difference.partition, difference.offset) == (
        READ_MODEL_NOT_ON_TOPIC,
        ghost,
        1,
        3,
    )


def test_the_table_names_each_difference_with_its_positions() -> None:
    report = Report("signals")
    compare_outbox([stored(7)], [], report)
    text = render(report, "signals")
    assert text.splitlines()[0] == "signals: 1 difference"
    assert "missing_on_topic" in text and str(report.differences[0].event_id) in text
    assert "STORE POS" in text and "  7  " in text
    assert render(Report("reporting"), "reporting") == "reporting: agree"
