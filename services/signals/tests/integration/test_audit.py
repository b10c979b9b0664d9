"""The auditor's endpoints of signals on the real service: a pupil's complete stored history, the
verification of the hash-chained store, auditors only, and every read in the access log."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import httpx

from meldcode_contracts import ACCESS_LOG_EVENTS, DataAccessed
from meldcode_testkit import ServiceProcess, Suite, read_topic
from meldcode_vocabulary.dutch_days import dutch_today

TENANT = "swv-zuid"


def bearer(suite: Suite, sub: str, role: str, tenant: str = TENANT) -> dict[str, str]:
    return {"Authorization": f"Bearer {suite.infra.token(sub=sub, role=role, tenant=tenant)}"}


def signal(text: str) -> dict[str, Any]:
    return {
        "observed_on": dutch_today().isoformat(),
        "description": text,
        "source": {"kind": "own_observation"},
    }


async def pupil_with_history(suite: Suite) -> tuple[ServiceProcess, str, str]:
    """A pupil with a signal, its correction, a second signal and a consultation; another pupil beside it."""
    signals = await suite.service("signals")
    ib, teacher = bearer(suite, "ib-bram", "intern_begeleider"), bearer(suite, "lk-anna", "leerkracht")
    async with httpx.AsyncClient(base_url=signals.url) as http:

        async def register() -> str:
            response = await http.post(
                "/pupils",
                headers=ib,
                json={
                    "school": "12AB",
                    "pupil_number": uuid.uuid4().hex[:6],
                    "given_name": "Sam",
                    "family_name": "de Vries",
                    "date_of_birth": "2013-03-01",
                },
            )
            pupil_id: str = response.json()["pupil_id"]
            return pupil_id

        pupil_id, other_pupil = await register(), await register()
        recorded = await http.post(
            f"/pupils/{pupil_id}/signals", headers=teacher, json=signal("Geen jas aan in de kou.")
        )
        assert recorded.status_code == 201, recorded.text
        first = recorded.json()
        await http.post(
            f"/pupils/{other_pupil}/signals", headers=teacher, json=signal("Iets anders gezien vandaag.")
        )
        corrected = await http.post(
            f"/signals/{first['signal_id']}/corrections",
            headers=teacher,
            json={**signal("Geen jas aan, drie dagen achter elkaar."), "reason": "Aanvulling"},
        )
        assert corrected.status_code == 201, corrected.text
        await http.post(f"/pupils/{pupil_id}/signals", headers=teacher, json=signal("Honger in de ochtend."))
        consulted = await http.post(
            f"/pupils/{pupil_id}/consultations",
            headers=ib,
            json={
                "consulted_on": dutch_today().isoformat(),
                "consulted_name": "Jeugdverpleegkundige",
                "consulted_role": "jeugdverpleegkundige",
                "organisation": "JGZ",
                "advice": "Blijf observeren.",
                "signal_ids": [first["signal_id"]],
            },
        )
        assert consulted.status_code == 201, consulted.text
    return signals, pupil_id, first["signal_id"]


async def test_an_auditor_gets_every_stored_event_of_the_pupil_in_order_with_its_hash(suite: Suite) -> None:
    signals, pupil_id, signal_id = await pupil_with_history(suite)
    async with httpx.AsyncClient(base_url=signals.url, headers=bearer(suite, "au-ines", "auditor")) as http:
        response = await http.get(f"/audit/pupils/{pupil_id}/events")
    assert response.status_code == 200, response.text
    events = response.json()["events"]
    assert [e["event_type"] for e in events] == [
        "PupilRegistered",
        "SignalRecorded",
        "SignalCorrected",
        "SignalRecorded",
        "ColleagueConsulted",
    ]
    assert [e["notification_id"] for e in events] == sorted(e["notification_id"] for e in events)
    assert events[2]["aggregate_id"] == signal_id and events[2]["payload"]["reason"] == "Aanvulling"
    assert events[1]["payload"]["description"] == "Geen jas aan in de kou."
    assert (events[1]["actor_id"], events[1]["actor_role"]) == ("lk-anna", "leerkracht")
    assert all(len(e["event_hash"]) == 64 for e in events)


async def test_only_an_auditor_of_the_samenwerkingsverband_reaches_the_pupil_history(suite: Suite) -> None:
    signals, pupil_id, _ = await pupil_with_history(suite)
    async with httpx.AsyncClient(base_url=signals.url) as http:
        ib = await http.get(
            f"/audit/pupils/{pupil_id}/events", headers=bearer(suite, "ib-bram", "intern_begeleider")
        )
        other = await http.get(
            f"/audit/pupils/{pupil_id}/events",
            headers=bearer(suite, "au-noord", "auditor", tenant="swv-noord"),
        )
        unknown = await http.get(
            f"/audit/pupils/{uuid.uuid4()}/events", headers=bearer(suite, "au-ines", "auditor")
        )
        verify_by_teacher = await http.get("/audit/verify", headers=bearer(suite, "lk-anna", "leerkracht"))
    assert (ib.status_code, other.status_code, unknown.status_code) == (403, 403, 404)
    assert verify_by_teacher.status_code == 403
    assert other.json()["rule"] == "tenant"


async def test_an_altered_signal_is_named_by_verify_over_http(suite: Suite) -> None:
    signals, _, signal_id = await pupil_with_history(suite)
    auditor = bearer(suite, "au-ines", "auditor")
    async with httpx.AsyncClient(base_url=signals.url, headers=auditor) as http:
        clean = (await http.get("/audit/verify")).json()
        conn = await asyncpg.connect(signals.owner_database_url)  # the service role may not alter it
        try:
            await conn.execute(
                "update signals_events set state = convert_to(replace(convert_from(state, 'UTF8'), 'own_observation', 'third_party'), 'UTF8') "
                "where originator_id = $1 and originator_version = 1",
                uuid.UUID(signal_id),
            )
        finally:
            await conn.close()
        tampered = (await http.get("/audit/verify")).json()
    assert clean["ok"] and clean["aggregates_checked"] >= 5
    assert not tampered["ok"]
    assert [(p["kind"], p["aggregate_id"], p["version"]) for p in tampered["problems"]] == [
        ("altered", signal_id, 1)
    ]


async def test_reading_a_pupil_puts_exactly_one_data_accessed_event_on_the_access_topic(suite: Suite) -> None:
    signals, pupil_id, _ = await pupil_with_history(suite)
    async with httpx.AsyncClient(base_url=signals.url) as http:
        read = await http.get(
            f"/pupils/{pupil_id}",
            headers={**bearer(suite, "ib-bram", "intern_begeleider"), "User-Agent": "test/1"},
        )
    assert read.status_code == 200
    [message] = await read_topic(suite.infra.kafka, suite.topic(ACCESS_LOG_EVENTS), expected=2, timeout=5)
    event = suite.open_event(message["value"])
    assert isinstance(event, DataAccessed)
    assert (event.actor.user_id, event.actor.role.value) == ("ib-bram", "intern_begeleider")
    assert (str(event.payload.pupil_id), event.payload.case_id) == (pupil_id, None)
    assert (event.payload.action, event.payload.service) == ("pupil.read", "signals")
    assert event.payload.client_application == "test/1"
    assert message["key"] == pupil_id.encode()
