"""Erasure on the notifications service as a real process (real Kafka, PostgreSQL and key store):
the demo case arrives sealed as the owners publish it, the melding document is built and a JGZ
question waits in the webhook outbox; after the pupil's key is shredded and `PersonalDataErased`
arrives, no personal value of the pupil is left in any table, and the document answers 410."""

from __future__ import annotations

import json
import socket
import uuid
from datetime import date
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer

from meldcode_contracts import (
    ERASED,
    EVENTS_BY_TOPIC,
    Envelope,
    JgzConsultationRequested,
    PersonalDataErased,
    PersonalDataErasedPayload,
)
from meldcode_contracts.cases import JgzConsultationRequestedPayload
from meldcode_servicekit.keystore import KeyStore, parse_master_key
from meldcode_servicekit.sealing import seal_event
from meldcode_testkit import Suite, eventually
from meldcode_testkit.builders import SCHOOL, TENANT
from meldcode_testkit.builders.demo_case_events import (
    FAMILY,
    GIVEN,
    SCHOOL_CONTINUES,
    SIGNAL_TEXTS,
    demo_case,
)

TOPIC_OF = {event_type: topic for topic, types in EVENTS_BY_TOPIC.items() for event_type in types}
IB = {"sub": "ib-bram", "role": "intern_begeleider", "schools": (SCHOOL,)}
QUESTION = "Is deze leerling met de bijzondere vraag bekend bij de JGZ?"
TABLES = (
    "pupils",
    "tasks",
    "reminders",
    "email_outbox",
    "pupil_identity",
    "signal_facts",
    "consultations",
    "case_facts",
    "melding_documents",
    "webhook_deliveries",
    "event_outbox",
)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def publish_sealed(suite: Suite, keys: KeyStore, events: list[Envelope]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=suite.infra.kafka, acks="all", linger_ms=20)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(
                suite.topic(TOPIC_OF[type(event)]),
                seal_event(event, keys),
                key=str(event.subject_id).encode(),
            )
    finally:
        await producer.stop()


async def tables(url: str) -> dict[str, list[dict[str, Any]]]:
    conn = await asyncpg.connect(url)
    try:
        return {t: [dict(r) for r in await conn.fetch(f"select * from {t}")] for t in TABLES}  # noqa: S608
    finally:
        await conn.close()


def as_text(rows: dict[str, list[dict[str, Any]]]) -> str:
    def plain(value: Any) -> Any:
        return (
            bytes(value).decode("utf-8", "replace") if isinstance(value, bytes | memoryview) else str(value)
        )

    return json.dumps(rows, default=plain, ensure_ascii=False)


async def test_an_erased_pupils_identity_facts_document_and_jgz_message_are_gone_from_notifications(
    suite: Suite,
) -> None:
    partners = json.dumps(
        {
            TENANT: {
                "organisation": "GGD Zuid JGZ",
                "webhook_url": f"http://127.0.0.1:{_closed_port()}/webhooks/meldcode",
                "secrets": ["erasure-test-secret"],
            }
        }
    )
    svc = await suite.service(
        "notifications", MELDCODE_JGZ_PARTNERS=partners, NOTIFICATIONS_DOCUMENT_GRACE_SECONDS="0"
    )
    url = svc.env["NOTIFICATIONS_DATABASE_URL"]
    assert suite.keystore_url is not None
    keys = KeyStore(suite.keystore_url, parse_master_key(suite.master_key))
    case = demo_case()
    asked = JgzConsultationRequested(
        **case.envelope(case.case_id),
        payload=JgzConsultationRequestedPayload(
            case_id=case.case_id,
            pupil_id=case.pupil_id,
            request_id=uuid.uuid4(),
            requested_on=case.day(),
            jgz_organisation="GGD Zuid JGZ",
            question=QUESTION,
            requested_by="ib-bram",
        ),
    )
    other = demo_case()
    other_registered = other.events[0].model_copy(
        update={
            "payload": other.events[0].payload.model_copy(  # type: ignore[attr-defined]
                update={
                    "given_name": "Anderekind",
                    "family_name": "Blijftstaan",
                    "pupil_number": "L-9",
                    "date_of_birth": date(2014, 1, 1),
                }
            )
        }
    )
    personal = [
        GIVEN,
        FAMILY,
        "L-2024-117",
        "2013-05-17",
        *SIGNAL_TEXTS,
        SCHOOL_CONTINUES,
        "Joke Jansen",
        QUESTION,
    ]
    try:
        await publish_sealed(suite, keys, [*case.events, asked, other_registered])

        async def everything_kept() -> dict[str, list[dict[str, Any]]] | None:
            rows = await tables(url)
            issued = [d for d in rows["melding_documents"] if d["status"] == "issued"]
            return (
                rows if issued and rows["webhook_deliveries"] and len(rows["pupil_identity"]) == 2 else None
            )

        before = as_text(await eventually(everything_kept, timeout=60))
        assert [v for v in personal if v not in before] == [], "the tables held the pupil's values"

        keys.shred(case.pupil_id, tenant=TENANT, reason="bewaartermijn_verstreken")
        erased = PersonalDataErased(
            **case.envelope(case.pupil_id),
            payload=PersonalDataErasedPayload(
                pupil_id=case.pupil_id, reason="bewaartermijn_verstreken", erased_on=case.day()
            ),
        )
        await publish_sealed(suite, keys, [erased])

        async def erasure_handled() -> bool:
            conn = await asyncpg.connect(url)
            try:
                return bool(
                    await conn.fetchval(
                        "select count(*) from processed_events where event_type = 'PersonalDataErased'"
                    )
                )
            finally:
                await conn.close()

        await eventually(erasure_handled, timeout=60)
        rows = await tables(url)
        after = as_text(rows)
        assert [v for v in personal if v in after] == []
        [document] = rows["melding_documents"]
        assert document["pdf"] is None and document["erased_at"] is not None
        assert document["sha256"] and document["pages"], "what identifies the document stays"
        [delivery] = rows["webhook_deliveries"]
        message = json.loads(bytes(delivery["body"]))
        assert message["question"] == ERASED and message["pupil"]["date_of_birth"] is None
        assert message["case_reference"] == str(case.case_id)
        [other_pupil] = [p for p in rows["pupil_identity"] if p["pupil_id"] == other.pupil_id]
        assert other_pupil["given_name"] == "Anderekind", "another pupil keeps their data"
        assert {t["case_id"] for t in rows["tasks"] if t["case_id"]} == {case.case_id}, "tasks stay"

        ib = {"Authorization": f"Bearer {suite.infra.token(**IB)}"}  # type: ignore[arg-type]
        async with httpx.AsyncClient(base_url=svc.url) as http:
            gone = await http.get(f"/melding-documents/{document['document_id']}", headers=ib)
            listed = (await http.get(f"/cases/{case.case_id}/melding-documents", headers=ib)).json()
            task_list = await http.get("/tasks?status=all", headers=ib)
        assert gone.status_code == 410
        assert gone.headers["content-type"] == "application/problem+json"
        assert gone.json()["rule"] == "personal-data-erased"
        assert "gewist" in gone.json()["detail"]
        assert listed[0]["erased_at"] is not None and listed[0]["sha256"] == document["sha256"]
        assert task_list.status_code == 200 and GIVEN not in task_list.text
        assert "[gewist]" in task_list.text, "a task of the erased pupil shows the pupil as erased"
    finally:
        keys.close()
