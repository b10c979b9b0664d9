"""The outbox relay on real PostgreSQL and Kafka: in order, at least once, and stuck *behind* a
stored event it cannot translate rather than skipping it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import anyio
import pytest
from eventsourcing.domain import Aggregate, event

from meldcode_contracts import Actor, CaseOpened, CaseOpenedPayload, Role, parse_event
from meldcode_edge.db import apply_schema, create_pool
from meldcode_servicekit.eventstore import MeldcodeApplication
from meldcode_servicekit.kafka import ensure_topics, idempotent_producer
from meldcode_servicekit.outbox import RELAY_SCHEMA, OutboxRelay, contract_event_id
from meldcode_testkit import Infrastructure, read_topic


class Note(Aggregate):
    class Written(Aggregate.Created):
        text: str

    @event(Written)
    def __init__(self, text: str) -> None:
        self.text = text


class Notes(MeldcodeApplication):
    name = "notes"


def as_contract_event(domain_event: Any, refuse: set[str]) -> CaseOpened:
    if domain_event.text in refuse:
        raise ValueError("cannot translate")
    return CaseOpened(
        event_id=contract_event_id(domain_event.originator_id, domain_event.originator_version),
        occurred_at=datetime.now(UTC),
        recorded_at=datetime.now(UTC),
        tenant="swv-zuid",
        school="12AB",
        subject_id=domain_event.originator_id,
        actor=Actor(user_id="ib-1", role=Role.INTERN_BEGELEIDER),
        correlation_id=domain_event.text,
        sequence=1,
        payload=CaseOpenedPayload(
            case_id=domain_event.originator_id,
            pupil_id=uuid.uuid4(),
            signal_ids=[uuid.uuid4()],
            case_owner_id="ib-1",
            opened_by="ib-1",
        ),
    )


@pytest.mark.infra
async def test_the_relay_stops_behind_an_untranslatable_event_and_goes_on_once_it_translates(
    infrastructure: Infrastructure, isolation: str
) -> None:
    url = await infrastructure.create_database(f"{isolation}_outbox")
    pool = await create_pool(url)
    await apply_schema(pool, RELAY_SCHEMA)
    app = await anyio.to_thread.run_sync(lambda: Notes(url))
    topic = f"{isolation}.notes"
    await ensure_topics(infrastructure.kafka, [topic], partitions=1)
    producer = idempotent_producer(infrastructure.kafka, "test-relay")
    await producer.start()
    refuse = {"bad"}
    relay = OutboxRelay(
        name="notes",
        application=app,
        translate=lambda e: as_contract_event(e, refuse),
        topic=topic,
        producer=producer,
        pool=pool,
    )
    try:
        for text in ("a", "bad", "c"):
            app.save(Note(text))
        with pytest.raises(ValueError, match="cannot translate"):
            await relay.relay_once()
        assert await relay.position() == 1
        refuse.clear()  # the bug is fixed and the service restarted
        assert await relay.relay_once() == 2
        assert await relay.position() == 3
        messages = await read_topic(infrastructure.kafka, topic, expected=3)
        assert [parse_event(m["value"]).correlation_id for m in messages] == ["a", "bad", "c"]
    finally:
        await producer.stop()
        app.close()
        await pool.close()
