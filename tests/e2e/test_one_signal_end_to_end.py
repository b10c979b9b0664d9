"""The foundation's promise: a pupil, three signals and a case, through all four services."""

from __future__ import annotations

from typing import Any

import httpx

from meldcode_contracts import CASEWORK_EVENTS, SIGNALS_EVENTS, Envelope
from meldcode_testkit import Suite, eventually, read_topic
from meldcode_testkit.scenario import DEMO_SIGNALS, Staff, record_signal, register_pupil


async def test_signals_and_a_case_reach_the_chronology_the_topics_and_the_ib_ers_tasks(suite: Suite) -> None:
    signals = await suite.service("signals")
    casework = await suite.service("casework")
    notifications = await suite.service("notifications")
    reporting = await suite.service("reporting")
    staff = Staff(suite)

    async with httpx.AsyncClient(timeout=30) as http:
        pupil_id = await register_pupil(http, signals.url, staff)
        signal_ids = [
            await record_signal(http, signals.url, staff, pupil_id, days, text) for days, text in DEMO_SIGNALS
        ]

        async def casework_knows_them() -> bool:
            known = await http.get(f"{casework.url}/pupils/{pupil_id}/signals", headers=staff.ib)
            return known.status_code == 200 and {s["signal_id"] for s in known.json()} == set(signal_ids)

        await eventually(casework_knows_them)
        opened = await http.post(
            f"{casework.url}/cases", headers=staff.ib, json={"pupil_id": pupil_id, "signal_ids": signal_ids}
        )
        assert opened.status_code == 201, opened.text
        case_id = opened.json()["case_id"]

        async def chronology() -> dict[str, Any] | None:
            response = await http.get(f"{reporting.url}/pupils/{pupil_id}/chronology", headers=staff.ib)
            body = response.json() if response.status_code == 200 else {"entries": []}
            return body if len(body["entries"]) == 4 else None

        entries = (await eventually(chronology))["entries"]
        assert [e["event_type"] for e in entries] == ["SignalRecorded"] * 3 + ["CaseOpened"]
        other_school = await http.get(
            f"{reporting.url}/pupils/{pupil_id}/chronology", headers=staff.ib_elsewhere
        )
        assert other_school.status_code == 403

        async def tasks() -> list[dict[str, Any]] | None:
            response = await http.get(f"{notifications.url}/tasks?status=all", headers=staff.ib)
            found = response.json() if response.status_code == 200 else []
            return found if any(t["kind"] == "new_case" for t in found) else None

        ib_tasks = await eventually(tasks)
        assert sorted(t["kind"] for t in ib_tasks) == ["new_case", "new_signal", "new_signal", "new_signal"]
        assert all(t["status"] == "done" for t in ib_tasks if t["kind"] == "new_signal"), (
            "the case covers them"
        )
        assert "Sanne" not in str([t for t in ib_tasks if t["kind"] == "new_case"])
        elsewhere = await http.get(f"{notifications.url}/tasks?status=all", headers=staff.ib_elsewhere)
        assert elsewhere.status_code == 200
        assert elsewhere.json() == []

    signal_events = await _events(suite, SIGNALS_EVENTS, 4)
    case_events = await _events(suite, CASEWORK_EVENTS, 2)
    assert [e.event_type for e in signal_events] == ["PupilRegistered"] + ["SignalRecorded"] * 3
    assert [e.event_type for e in case_events] == ["CaseOpened", "CaseObligationsChanged"]
    assert all(str(e.subject_id) == case_id for e in case_events)
    for event in signal_events + case_events:
        assert event.tenant == "swv-zuid"
        assert event.school == "12AB"
        assert event.occurred_at.utcoffset() is not None
        assert event.correlation_id
    assert {e.actor.user_id for e in signal_events[1:]} == {"leerkracht-anna"}
    assert case_events[0].actor.user_id == "ib-bram"
    assert case_events[0].actor.role == "intern_begeleider"

    # No personal data in any service's log: names, descriptions and the date of birth stay out.
    logs = "".join(path.read_text() for path in suite.log_dir.glob("*.log"))
    assert "event_processed" in logs and "service_started" in logs
    for personal in ["Sanne", "Jansen", "2013-05-14", *(text for _, text in DEMO_SIGNALS)]:
        assert personal not in logs


async def _events(suite: Suite, topic: str, expected: int) -> list[Envelope]:
    messages = await read_topic(suite.infra.kafka, suite.topic(topic), expected=expected)
    return [suite.open_event(m["value"]) for m in messages]
