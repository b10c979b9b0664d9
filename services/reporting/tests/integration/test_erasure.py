"""Erasure on the reporting service as a real process (real Kafka, PostgreSQL and key store): the
events arrive sealed as the owners publish them; after the pupil's key is shredded and
`PersonalDataErased` arrives, no personal value of the pupil is left in the read models, and a
rebuild from the topics (where the same events now open as "[gewist]") gives the same tables."""

from __future__ import annotations

import json
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer

from meldcode_contracts import (
    Envelope,
    PersonalDataErased,
    PersonalDataErasedPayload,
)
from meldcode_servicekit.keystore import KeyStore, parse_master_key
from meldcode_servicekit.sealing import seal_event
from meldcode_testkit import Suite, eventually
from meldcode_testkit.builders import IB_ACTOR, CaseFile, Events, Notices, a_whole_case, at

from .histories import TOPIC_OF

AUDITOR = {"sub": "audit-1", "role": "auditor", "schools": ()}
IB = {"sub": "ib-1", "role": "intern_begeleider", "schools": ("12AB",)}
PERSONAL = (
    "Zeldzaamvoornaam",
    "Zeldzaamachternaam",
    "Een heel bijzondere omschrijving",
    "Mogelijk verwaarlozing",
    "Een bijzondere correctiereden",
    "Joke de Wit",
    "Bespreek de signalen met moeder",
)


async def publish_sealed(suite: Suite, keys: KeyStore, events: list[Envelope]) -> None:
    """As the owners' relays publish: personal fields sealed with the pupil's key, key = subject."""
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


async def read_models(url: str) -> dict[str, list[dict[str, Any]]]:
    conn = await asyncpg.connect(url)
    try:
        return {
            table: [dict(r) for r in await conn.fetch(f"select * from {table} order by 1")]  # noqa: S608
            for table in ("pupils", "chronology", "case_changes", "school_cases")
        }
    finally:
        await conn.close()


async def test_an_erased_pupils_names_and_texts_are_gone_from_the_reporting_tables_and_a_rebuild_equals_them(
    suite: Suite, events: Events, notices: Notices
) -> None:
    svc = await suite.service("reporting")
    assert suite.keystore_url is not None
    keys = KeyStore(suite.keystore_url, parse_master_key(suite.master_key))
    try:
        registered = events.pupil(given_name="Zeldzaamvoornaam", family_name="Zeldzaamachternaam")
        pupil_id = registered.payload.pupil_id
        signal = events.signal(pupil_id, when=at(1), description="Een heel bijzondere omschrijving.")
        case = a_whole_case(events, pupil_id, [signal.payload.signal_id], 10, published=True)
        case_id = case[0].subject_id
        history = [
            registered,
            signal,
            events.correction(signal, when=at(2), reason="Een bijzondere correctiereden"),
            events.consultation(pupil_id, [signal.payload.signal_id], when=at(3)),
            *case,
            CaseFile(events, case[0]).jgz_consultation_requested(at(2000)),  # type: ignore[arg-type]
            notices.document(case_id, pupil_id, when=at(2100)),
        ]
        bookkeeping = sum(e.event_type == "CaseObligationsChanged" for e in case)  # in no chronology
        other = events.pupil(given_name="Anderekind", family_name="Blijftstaan")
        await publish_sealed(suite, keys, [*history, other])
        url = svc.env["REPORTING_DATABASE_URL"]

        async def projected() -> bool:
            tables = await read_models(url)
            return len(tables["pupils"]) == 2 and len(tables["chronology"]) == len(history) - 1 - bookkeeping

        await eventually(projected, timeout=60)
        before = json.dumps(await read_models(url), default=str)
        assert all(value in before for value in PERSONAL), "the read models held the pupil's values"

        keys.shred(pupil_id, tenant=registered.tenant, reason="verzoek_betrokkene")
        erased = PersonalDataErased(
            **events._envelope(pupil_id, pupil_id, at(3000), IB_ACTOR),
            payload=PersonalDataErasedPayload(
                pupil_id=pupil_id, reason="verzoek_betrokkene", erased_on=at(3000).date()
            ),
        )
        await publish_sealed(suite, keys, [erased, erased])  # a redelivery changes nothing

        async def erasure_projected() -> dict[str, list[dict[str, Any]]] | None:
            tables = await read_models(url)
            types = [r["event_type"] for r in tables["chronology"]]
            return tables if "PersonalDataErased" in types else None

        tables = await eventually(erasure_projected, timeout=60)
        after = json.dumps(tables, default=str)
        assert [value for value in PERSONAL if value in after] == []
        [pupil] = [p for p in tables["pupils"] if p["pupil_id"] == pupil_id]
        assert (pupil["given_name"], pupil["family_name"], pupil["pupil_number"], pupil["date_of_birth"]) == (
            "[gewist]",
            "[gewist]",
            "[gewist]",
            None,
        )
        assert "Anderekind" in after and "Blijftstaan" in after, "another pupil keeps their data"
        assert len(tables["chronology"]) == len(history) - bookkeeping
        [school_case] = tables["school_cases"]
        assert school_case["step"] == "gesloten", "what is not personal stays"

        async with httpx.AsyncClient(base_url=svc.url) as http:
            chronology = await http.get(
                f"/pupils/{pupil_id}/chronology",
                headers={"Authorization": f"Bearer {suite.infra.token(**IB)}"},
            )
            assert chronology.status_code == 200
            assert "Zeldzaam" not in chronology.text
            rebuilt = await http.post(
                "/audit/rebuild",
                headers={"Authorization": f"Bearer {suite.infra.token(**AUDITOR)}"},
                timeout=300,
            )
        assert rebuilt.status_code == 200, rebuilt.text
        assert rebuilt.json()["ok"] is True, rebuilt.json()
    finally:
        keys.close()
