"""Histories of contract events for the reporting tests, published as their owners publish them."""

from __future__ import annotations

from aiokafka import AIOKafkaProducer

from meldcode_contracts import EVENTS_BY_TOPIC, Envelope, serialize_event
from meldcode_testkit import Suite
from meldcode_testkit.builders import Events, Notices, a_whole_case, at

TOPIC_OF = {event_type: topic for topic, types in EVENTS_BY_TOPIC.items() for event_type in types}


async def publish_all(suite: Suite, events: list[Envelope]) -> None:
    """Publish as the owners do (key = subject id), with one producer, to each event's own topic."""
    producer = AIOKafkaProducer(bootstrap_servers=suite.infra.kafka, acks="all", linger_ms=20)
    await producer.start()
    try:
        sent = [
            await producer.send(
                suite.topic(TOPIC_OF[type(e)]), serialize_event(e), key=str(e.subject_id).encode()
            )
            for e in events
        ]
        for future in sent:
            await future
    finally:
        await producer.stop()


def a_pupil_with_a_whole_case(events: Events, notices: Notices, start: int = 0) -> list[Envelope]:
    registered = events.pupil()
    pupil_id = registered.payload.pupil_id
    signals = [events.signal(pupil_id, when=at(start + n)) for n in range(3)]
    case = a_whole_case(events, pupil_id, [s.payload.signal_id for s in signals], start + 10)
    case_id = case[0].payload.case_id  # type: ignore[attr-defined]
    return [
        registered,
        *signals,
        events.correction(signals[0], when=at(start + 5)),
        *case,
        notices.document(case_id, pupil_id, when=at(start + 500)),
        notices.webhook(case_id, when=at(start + 510)),
        notices.reminder(case_id, None, when=at(start + 520)),
        notices.access(when=at(start + 530), pupil_id=pupil_id, case_id=case_id),
    ]
