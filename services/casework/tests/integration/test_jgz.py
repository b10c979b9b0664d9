"""Casework and JGZ as real processes on Kafka and PostgreSQL: the consultation request and the
hand-over publish their contract events; a consultation result comes in over the signed endpoint,
once per message, and an unsigned or wrongly signed one changes nothing."""

import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from meldcode_contracts import (
    CASEWORK_EVENTS,
    CaseHandedOverToJgz,
    JgzConsultationRequested,
    JgzConsultationResultReceived,
)
from meldcode_edge.signing import sign
from meldcode_testkit import Suite, eventually, read_topic

IB = {"sub": "ib-1", "role": "intern_begeleider", "schools": ("12AB",)}
TEACHER = {"sub": "lk-1", "role": "leerkracht", "schools": ("12AB",)}
GGD = "GGD Zuid JGZ"
SECRET = "zuid-secret-1"
PARTNERS = {
    "swv-zuid": {"organisation": GGD, "webhook_url": "http://127.0.0.1:9/jgz", "secrets": [SECRET]},
    "swv-noord": {"organisation": "GGD Noord", "webhook_url": "http://127.0.0.1:9/jgz", "secrets": ["noord"]},
}
SIGNAL = {
    "observed_on": "2026-11-02",
    "description": "Komt al een week zonder jas.",
    "source": {"kind": "own_observation"},
}
PATH = "/integrations/jgz/consultation-results"


def auth(suite: Suite, **claims: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {suite.infra.token(**claims)}"}  # type: ignore[arg-type]


async def open_case(suite: Suite) -> tuple[str, str]:
    """Signals → casework over Kafka → a case opened by the IB'er; returns (casework url, case id)."""
    signals = await suite.service("signals")
    casework = await suite.service("casework", MELDCODE_JGZ_PARTNERS=json.dumps(PARTNERS))
    async with httpx.AsyncClient(base_url=signals.url) as http:
        pupil = {
            "school": "12AB",
            "pupil_number": uuid.uuid4().hex[:6],
            "given_name": "A",
            "family_name": "B",
            "date_of_birth": "2015-01-01",
        }
        pupil_id = (await http.post("/pupils", json=pupil, headers=auth(suite, **IB))).json()["pupil_id"]
        signal = await http.post(f"/pupils/{pupil_id}/signals", json=SIGNAL, headers=auth(suite, **TEACHER))
        signal_id = signal.json()["signal_id"]
    async with httpx.AsyncClient(base_url=casework.url) as http:

        async def known() -> bool:
            response = await http.get(f"/pupils/{pupil_id}/signals", headers=auth(suite, **IB))
            return response.status_code == 200 and len(response.json()) == 1

        await eventually(known)
        opened = await http.post(
            "/cases", json={"pupil_id": pupil_id, "signal_ids": [signal_id]}, headers=auth(suite, **IB)
        )
        assert opened.status_code == 201, opened.text
    return casework.url, opened.json()["case_id"]


def result_body(case_id: str, **overrides: Any) -> bytes:
    body = {
        "message_id": "ggd-msg-0001",
        "case_id": case_id,
        "jgz_organisation": GGD,
        "advice": "Gewicht onder de curve; huisbezoek gepland.",
        "professional": "J. Janssen, jeugdverpleegkundige",
        "sent_at": datetime.now(UTC).isoformat(),
        **overrides,
    }
    return json.dumps(body).encode()


def signed(
    body: bytes, *, tenant: str = "swv-zuid", secret: str = SECRET, now: float | None = None
) -> dict[str, str]:
    return {
        "X-Meldcode-Tenant": tenant,
        "Content-Type": "application/json",
        **sign(secret.encode(), body, now=now),
    }


async def case_events(suite: Suite, expected: int, timeout: float = 30.0) -> list[str]:
    messages = await read_topic(
        suite.infra.kafka, suite.topic(CASEWORK_EVENTS), expected=expected, timeout=timeout
    )
    return [suite.open_event(m["value"]).event_type for m in messages]


async def test_a_consultation_request_and_a_hand_over_publish_their_contract_events(suite: Suite) -> None:
    url, case_id = await open_case(suite)
    async with httpx.AsyncClient(base_url=url) as http:
        asked = await http.post(
            f"/cases/{case_id}/jgz-consultation-requests",
            json={"question": "Is de groei van de leerling op curve?", "expected_version": 2},
            headers=auth(suite, **IB),
        )
        no_basis = await http.post(
            f"/cases/{case_id}/jgz-handovers",
            json={"legal_basis": "vitaal_belang", "legal_basis_explanation": "Zomaar.", "summary": "Zorgen."},
            headers=auth(suite, **IB),
        )
        handed = await http.post(
            f"/cases/{case_id}/jgz-handovers",
            json={
                "legal_basis": "toestemming_ouders",
                "legal_basis_explanation": "Moeder gaf schriftelijk toestemming op 2 november.",
                "summary": "Zorgen over verzorging; gezinscoach sinds oktober.",
            },
            headers=auth(suite, **IB),
        )
    assert asked.status_code == 200, asked.text
    [consultation] = asked.json()["jgz_consultations"]
    assert (consultation["jgz_organisation"], consultation["answered"]) == (GGD, False)
    assert (no_basis.status_code, no_basis.json()["rule"]) == (422, "rule-14-jgz-handover-legal-basis")
    assert handed.status_code == 200, handed.text
    assert handed.json()["jgz_handovers"][0]["legal_basis"] == "toestemming_ouders"
    messages = await read_topic(
        suite.infra.kafka, suite.topic(CASEWORK_EVENTS), expected=handed.json()["version"]
    )
    events = [suite.open_event(m["value"]) for m in messages]
    requested = next(e for e in events if isinstance(e, JgzConsultationRequested))
    handover = next(e for e in events if isinstance(e, CaseHandedOverToJgz))
    assert str(requested.payload.request_id) == consultation["request_id"]
    assert (requested.payload.jgz_organisation, requested.payload.requested_by) == (GGD, "ib-1")
    assert handover.payload.legal_basis == "toestemming_ouders"
    assert {m["key"] for m in messages} == {case_id.encode()}


async def test_a_signed_consultation_result_sent_twice_is_recorded_once_and_a_bad_one_changes_nothing(
    suite: Suite,
) -> None:
    url, case_id = await open_case(suite)
    body = result_body(case_id)
    async with httpx.AsyncClient(base_url=url) as http:
        refusals = [
            await http.post(PATH, content=body, headers=signed(body, secret="wrong-secret")),
            await http.post(PATH, content=body, headers=signed(body, now=time.time() - 3600)),
            await http.post(PATH, content=body, headers=signed(body, tenant="swv-onbekend")),
            await http.post(PATH, content=body, headers={"X-Meldcode-Tenant": "swv-zuid"}),
            await http.post(PATH, content=body + b" ", headers=signed(body)),
        ]
        other_tenant = await http.post(
            PATH, content=body, headers=signed(body, tenant="swv-noord", secret="noord")
        )
        malformed_body = result_body(case_id, advice="", sent_at="gisteren")
        malformed = await http.post(PATH, content=malformed_body, headers=signed(malformed_body))
        noord_body = result_body(case_id, jgz_organisation="GGD Noord")
        case_of_other_tenant = await http.post(
            PATH, content=noord_body, headers=signed(noord_body, tenant="swv-noord", secret="noord")
        )
        unknown_body = result_body(str(uuid.uuid4()))
        unknown_case = await http.post(PATH, content=unknown_body, headers=signed(unknown_body))
        unchanged = (await http.get(f"/cases/{case_id}", headers=auth(suite, **IB))).json()
        first = await http.post(PATH, content=body, headers=signed(body))
        again = await http.post(PATH, content=body, headers=signed(body))
        after = (await http.get(f"/cases/{case_id}", headers=auth(suite, **IB))).json()
    assert [r.status_code for r in refusals] == [401] * 5
    assert all(r.json()["rule"] == "jgz-signature" for r in refusals)
    assert other_tenant.status_code == 422  # the message names the other samenwerkingsverband's JGZ
    assert (case_of_other_tenant.status_code, unknown_case.status_code) == (404, 404)
    assert case_of_other_tenant.json()["detail"] == unknown_case.json()["detail"]
    assert malformed.status_code == 422
    assert {e["field"] for e in malformed.json()["errors"]} == {"advice", "sent_at"}
    assert "Janssen" not in malformed.text and "Gewicht" not in malformed.text
    assert (unchanged["version"], unchanged["jgz_results"]) == (2, [])  # CaseOpened, CaseObligationsChanged
    assert first.status_code == again.status_code == 200, first.text
    assert (
        first.json()
        == again.json()
        == {"message_id": "ggd-msg-0001", "case_id": case_id, "status": "ontvangen"}
    )
    assert after["version"] == 3  # a result changes no obligation: no CaseObligationsChanged after it
    assert [r["message_id"] for r in after["jgz_results"]] == ["ggd-msg-0001"]
    assert await case_events(suite, expected=4, timeout=8) == [
        "CaseOpened",
        "CaseObligationsChanged",
        "JgzConsultationResultReceived",
    ]
    [message] = [
        m
        for m in await read_topic(suite.infra.kafka, suite.topic(CASEWORK_EVENTS), expected=3)
        if m["value"] and b"JgzConsultationResultReceived" in m["value"]
    ]
    event = suite.open_event(message["value"])
    assert isinstance(event, JgzConsultationResultReceived)
    assert (event.actor.user_id, event.actor.role) == (f"jgz:{GGD}", "system")
    assert (event.payload.message_id, event.payload.jgz_organisation) == ("ggd-msg-0001", GGD)
