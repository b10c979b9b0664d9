"""Retention (rule 16) through the real signals and casework processes, Kafka and PostgreSQL: the
retention run erases who is due, keeps who has an open case, and does nothing more a second time."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from meldcode_contracts import (
    CASEWORK_EVENTS,
    SIGNALS_EVENTS,
    Actor,
    CaseClosed,
    CaseOpened,
    CaseReopened,
    Envelope,
    ErasureReason,
    PersonalDataErased,
    Role,
    serialize_event,
)
from meldcode_testkit import ServiceProcess, Suite, eventually, publish_raw, read_topic
from meldcode_testkit.demo_case import walk_no_suspicion_case
from meldcode_vocabulary.dutch_days import dutch_today

IB = {"sub": "ib-1", "role": "intern_begeleider", "schools": ("12AB",)}
TEACHER = {"sub": "leerkracht-1", "role": "leerkracht", "schools": ("12AB",)}
ZORGTEAM = {"sub": "jgz-arts", "role": "zorgteam", "schools": ("12AB",)}


def auth(suite: Suite, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {suite.infra.token(**claims)}"}


def years_ago(years: int, today: date | None = None) -> date:
    today = today or dutch_today()
    return today.replace(year=today.year - years, day=min(today.day, 28))


async def register(http: httpx.AsyncClient, suite: Suite, number: str) -> str:
    response = await http.post(
        "/pupils",
        json={
            "school": "12AB",
            "pupil_number": number,
            "given_name": "Sanne",
            "family_name": f"Jansen-{number}",
            "date_of_birth": "2012-03-02",
        },
        headers=auth(suite, **IB),
    )
    assert response.status_code == 201, response.text
    pupil_id: str = response.json()["pupil_id"]
    return pupil_id


async def record_signal(http: httpx.AsyncClient, suite: Suite, pupil_id: str, observed_on: date) -> str:
    response = await http.post(
        f"/pupils/{pupil_id}/signals",
        json={
            "observed_on": observed_on.isoformat(),
            "description": "Komt al een week zonder jas naar school.",
            "source": {"kind": "own_observation"},
        },
        headers=auth(suite, **TEACHER),
    )
    assert response.status_code == 201, response.text
    signal_id: str = response.json()["signal_id"]
    return signal_id


async def deregister(http: httpx.AsyncClient, suite: Suite, pupil_id: str, left_on: date) -> None:
    response = await http.post(
        f"/pupils/{pupil_id}/deregistration", json={"left_on": left_on.isoformat()}, headers=auth(suite, **IB)
    )
    assert response.status_code == 200, response.text


async def open_case(
    http: httpx.AsyncClient, suite: Suite, casework: str, pupil_id: str, signal_id: str
) -> str:
    async def known() -> bool:
        response = await http.get(f"{casework}/pupils/{pupil_id}/signals", headers=auth(suite, **IB))
        return response.status_code == 200 and len(response.json()) == 1

    await eventually(known)
    opened = await http.post(
        f"{casework}/cases", json={"pupil_id": pupil_id, "signal_ids": [signal_id]}, headers=auth(suite, **IB)
    )
    assert opened.status_code == 201, opened.text
    case_id: str = opened.json()["case_id"]
    return case_id


async def case_states(signals: ServiceProcess) -> dict[str, bool]:
    conn = await asyncpg.connect(signals.env["SIGNALS_DATABASE_URL"])
    try:
        rows = await conn.fetch("select case_id, is_open from pupil_cases")
    finally:
        await conn.close()
    return {str(row["case_id"]): row["is_open"] for row in rows}


async def retention_run(signals: ServiceProcess, *args: str) -> dict[str, Any]:
    """`meldcode-signals retention run` as an operator runs it, beside the running service."""
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "signals.entrypoints.cli", "retention", "run", *args],
        env={**os.environ, **signals.env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])  # after the log lines
    return report


async def test_the_retention_run_erases_a_pupil_past_the_term_whose_case_is_closed_and_keeps_one_with_an_open_case(
    suite: Suite,
) -> None:
    signals = await suite.service("signals")
    casework = (await suite.service("casework")).url
    left_on = years_ago(3)
    async with httpx.AsyncClient(base_url=signals.url, timeout=30) as http:
        closed_pupil = await register(http, suite, "R-1")
        open_pupil = await register(http, suite, "R-2")
        closed_signal = await record_signal(http, suite, closed_pupil, left_on - timedelta(days=30))
        open_signal = await record_signal(http, suite, open_pupil, left_on - timedelta(days=30))
        closed_case = await open_case(http, suite, casework, closed_pupil, closed_signal)
        open_case_id = await open_case(http, suite, casework, open_pupil, open_signal)
        await walk_no_suspicion_case(http, casework, auth(suite, **IB), auth(suite, **ZORGTEAM), closed_case)
        await deregister(http, suite, closed_pupil, left_on)
        await deregister(http, suite, open_pupil, left_on)

        async def projected() -> dict[str, bool] | None:
            states = await case_states(signals)
            return states if states == {closed_case: False, open_case_id: True} else None

        await eventually(projected)

        refused = await http.post(
            f"/pupils/{open_pupil}/erasure-requests",
            json={"reason": "verzoek_betrokkene"},
            headers=auth(suite, **IB),
        )
        assert refused.status_code == 409, refused.text
        assert refused.json()["rule"] == "erasure-case-open"
        assert "open zaak" in refused.json()["detail"]

        dry = await retention_run(signals, "--dry-run")
        assert dry["due"] == [closed_pupil] and dry["erased"] == []
        assert dry["kept_case_open"] == [open_pupil]
        still_there = await http.get(f"/pupils/{closed_pupil}", headers=auth(suite, **IB))
        assert still_there.status_code == 200

        first = await retention_run(signals)
        assert first["erased"] == [closed_pupil]
        assert first["kept_case_open"] == [open_pupil]
        assert first["failed"] == []

        second = await retention_run(signals)
        assert second["erased"] == [] and second["due"] == []
        assert second["kept_case_open"] == [open_pupil]

        gone = await http.get(f"/pupils/{closed_pupil}", headers=auth(suite, **IB))
        assert gone.status_code == 410
        kept = await http.get(f"/pupils/{open_pupil}", headers=auth(suite, **IB))
        assert kept.status_code == 200 and kept.json()["family_name"] == "Jansen-R-2"

    # registered, signal, deregistered, erased; R-2: registered, signal, deregistered.
    messages = await read_topic(suite.infra.kafka, suite.topic(SIGNALS_EVENTS), expected=7, timeout=60)
    erasures = [
        e for e in (suite.open_event(m["value"]) for m in messages) if isinstance(e, PersonalDataErased)
    ]
    assert len(erasures) == 1
    [erased] = erasures
    assert str(erased.payload.pupil_id) == closed_pupil
    assert erased.payload.reason is ErasureReason.RETENTION_EXPIRED
    assert erased.payload.erased_on == dutch_today()
    assert erased.actor.role is Role.SYSTEM


async def test_the_service_erases_on_its_own_schedule_with_the_term_of_its_samenwerkingsverband(
    suite: Suite,
) -> None:
    # swv-zuid keeps one year; the default of two years would keep this pupil another eight months.
    signals = await suite.service(
        "signals",
        SIGNALS_RETENTION_TERMS=json.dumps({"default": "P2Y", "swv-zuid": "P1Y"}),
        SIGNALS_RETENTION_INTERVAL_SECONDS="1",
    )
    async with httpx.AsyncClient(base_url=signals.url, timeout=30) as http:
        pupil_id = await register(http, suite, "R-3")
        await deregister(http, suite, pupil_id, dutch_today() - timedelta(days=480))

        async def erased() -> bool:
            response = await http.get(f"/pupils/{pupil_id}", headers=auth(suite, **IB))
            return response.status_code == 410

        await eventually(erased, timeout=30)

    messages = await read_topic(suite.infra.kafka, suite.topic(SIGNALS_EVENTS), expected=3, timeout=60)
    events = [suite.open_event(m["value"]) for m in messages]
    assert [e.event_type for e in events] == ["PupilRegistered", "PupilDeregistered", "PersonalDataErased"]
    registered = events[0]
    assert getattr(registered, "payload").family_name == "[gewist]"  # noqa: B009 - read after erasure


def case_event(
    kind: type[Envelope], case_id: uuid.UUID, pupil_id: uuid.UUID, at: datetime, **payload: Any
) -> Envelope:
    return kind(
        event_id=uuid.uuid4(),
        occurred_at=at,
        recorded_at=at,
        tenant="swv-zuid",
        school="12AB",
        subject_id=case_id,
        actor=Actor(user_id="ib-1", role=Role.INTERN_BEGELEIDER),
        correlation_id="test",
        sequence=1,
        payload={"case_id": case_id, "pupil_id": pupil_id, **payload},
    )


async def test_a_late_older_case_event_does_not_reopen_a_closed_case_and_a_redelivered_one_changes_nothing(
    suite: Suite,
) -> None:
    signals = await suite.service("signals")
    case_id, pupil_id, now = uuid.uuid4(), uuid.uuid4(), datetime.now(UTC)
    opened = case_event(
        CaseOpened,
        case_id,
        pupil_id,
        now - timedelta(hours=1),
        signal_ids=[uuid.uuid4()],
        case_owner_id="ib-1",
        opened_by="ib-1",
    )
    closed = case_event(
        CaseClosed, case_id, pupil_id, now, closed_on=now.date(), reason="Geen zorgen meer.", aftercare=None
    )
    reopened = case_event(
        CaseReopened,
        case_id,
        pupil_id,
        now + timedelta(hours=1),
        reopened_on=now.date(),
        reason="Nieuwe signalen.",
    )
    topic = suite.topic(CASEWORK_EVENTS)

    async def publish(*events: Envelope) -> None:
        for event in events:
            await publish_raw(suite.infra.kafka, topic, serialize_event(event), key=str(case_id).encode())

    async def state_after(processed: int) -> dict[str, bool] | None:
        conn = await asyncpg.connect(signals.env["SIGNALS_DATABASE_URL"])
        try:
            count = await conn.fetchval("select count(*) from processed_events")
        finally:
            await conn.close()
        return await case_states(signals) if count == processed else None

    await publish(closed, opened)  # the opening arrives after the (newer) closing
    assert await eventually(lambda: state_after(2)) == {str(case_id): False}
    await publish(reopened, closed)  # the closing is delivered a second time
    await asyncio.sleep(2)
    assert await eventually(lambda: state_after(3)) == {str(case_id): True}
