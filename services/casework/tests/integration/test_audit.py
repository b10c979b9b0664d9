"""The auditor's endpoints of casework on the real services: the demo case replayed as of any
instant, tampering in the database named by /audit/verify, auditors only, and every read of case
data in the access log."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from meldcode_contracts import ACCESS_LOG_EVENTS, DataAccessed
from meldcode_testkit import ServiceProcess, Suite, read_topic
from meldcode_testkit.builders import TENANT
from meldcode_testkit.demo_case import walk_reported_case

from .world import as_user, opened_case


async def demo_case(suite: Suite) -> tuple[ServiceProcess, str, list[dict[str, Any]]]:
    casework, case_id, _, signal_ids = await opened_case(suite)
    async with httpx.AsyncClient() as http:
        states = await walk_reported_case(
            http,
            casework.url,
            as_user(suite, "ib-bram", "intern_begeleider"),
            as_user(suite, "zt-carla", "zorgteam"),
            case_id,
            signal_ids,
        )
    return casework, case_id, states


async def test_as_of_any_instant_gives_the_state_the_demo_case_really_had_then(suite: Suite) -> None:
    casework, case_id, states = await demo_case(suite)
    auditor = as_user(suite, "au-ines", "auditor")
    async with httpx.AsyncClient(base_url=casework.url, headers=auditor) as http:
        events = (await http.get(f"/audit/cases/{case_id}/events")).json()["events"]
        as_of = {}
        for event in events:
            response = await http.get(f"/audit/cases/{case_id}/as-of", params={"at": event["recorded_at"]})
            assert response.status_code == 200, response.text
            as_of[event["version"]] = response.json()
        opened_at = datetime.fromisoformat(events[0]["recorded_at"])
        before = await http.get(
            f"/audit/cases/{case_id}/as-of",
            params={"at": (opened_at - timedelta(microseconds=1)).isoformat()},
        )
        naive = await http.get(f"/audit/cases/{case_id}/as-of", params={"at": "2026-11-29T10:00:00"})
        now = (
            await http.get(f"/audit/cases/{case_id}/as-of", params={"at": datetime.now(UTC).isoformat()})
        ).json()

    assert [e["version"] for e in events] == list(range(1, len(events) + 1))
    assert as_of[1]["step"] == "geopend"
    assert [o["code"] for o in as_of[1]["open_obligations"]] == ["gesprek_ouders"]
    assert [e["event_type"] for e in events[:2]] == ["CaseOpened", "CaseObligationsChanged"]
    assert as_of[2]["open_obligations"][0]["due_on"] is not None  # published with its due day
    for state in states:
        replayed = as_of[state["version"]]
        assert (replayed["version"], replayed["step"]) == (state["version"], state["step"])
        assert replayed["open_obligations"] == state["open_obligations"]
        assert replayed["missing_for_report"] == state["missing_for_report"]
    steps = [as_of[v]["step"] for v in sorted(as_of)]
    assert {"geopend", "gesprek_ouders", "weging", "besluit", "melding", "volgen", "gesloten"} <= set(steps)
    assert steps[-1] == "gesloten" and now["version"] == len(events)
    assert len(as_of[1]["known_signals"]) == 2
    assert (before.status_code, before.json()["rule"]) == (404, "case-not-yet-opened")
    assert naive.status_code == 422


async def test_the_case_history_lists_every_event_with_actor_payload_and_hash(suite: Suite) -> None:
    casework, case_id, states = await demo_case(suite)
    async with httpx.AsyncClient(base_url=casework.url, headers=as_user(suite, "au-ines", "auditor")) as http:
        body = (await http.get(f"/audit/cases/{case_id}/events")).json()
    events = body["events"]
    assert len(events) > len(states) + 1  # each command's event, and CaseObligationsChanged after most
    assert states[-1]["version"] == len(events)
    assert events[0]["event_type"] == "CaseOpened"
    assert (events[0]["actor_id"], events[0]["actor_role"]) == ("ib-bram", "intern_begeleider")
    report = next(e for e in events if e["event_type"] == "AmkNotified")
    assert report["payload"]["reporter_id"] == "ib-bram"
    assert all(len(e["event_hash"]) == 64 and len(e["log_hash"]) == 64 for e in events)
    assert all(e["recorded_at"].endswith("Z") or e["recorded_at"].endswith("+00:00") for e in events)


async def test_only_an_auditor_of_the_samenwerkingsverband_reaches_the_audit_endpoints(suite: Suite) -> None:
    casework, case_id, _, _ = await opened_case(suite)
    now = datetime.now(UTC).isoformat()
    async with httpx.AsyncClient(base_url=casework.url) as http:

        async def status(path: str, headers: dict[str, str], **params: str) -> int:
            return (await http.get(path, headers=headers, params=params)).status_code

        ib = as_user(suite, "ib-bram", "intern_begeleider")
        other = as_user(suite, "au-noord", "auditor", tenant="swv-noord")
        auditor = as_user(suite, "au-ines", "auditor")
        results = {
            "ib events": await status(f"/audit/cases/{case_id}/events", ib),
            "ib as-of": await status(f"/audit/cases/{case_id}/as-of", ib, at=now),
            "ib verify": await status("/audit/verify", ib),
            "other swv events": await status(f"/audit/cases/{case_id}/events", other),
            "other swv as-of": await status(f"/audit/cases/{case_id}/as-of", other, at=now),
            "unknown case": await status(f"/audit/cases/{uuid.uuid4()}/events", auditor),
            "unknown case as-of": await status(f"/audit/cases/{uuid.uuid4()}/as-of", auditor, at=now),
            "auditor": await status(f"/audit/cases/{case_id}/events", auditor),
        }
        forbidden = await http.get(f"/audit/cases/{case_id}/events", headers=ib)
    assert results == {
        "ib events": 403,
        "ib as-of": 403,
        "ib verify": 403,
        "other swv events": 403,
        "other swv as-of": 403,
        "unknown case": 404,
        "unknown case as-of": 404,
        "auditor": 200,
    }
    assert forbidden.headers["content-type"].startswith("application/problem+json")


async def test_tampering_with_the_event_store_is_named_by_verify_over_http(suite: Suite) -> None:
    casework, case_id, states = await demo_case(suite)
    conn = await asyncpg.connect(casework.owner_database_url)  # the service role may not alter events
    case = uuid.UUID(case_id)
    async with httpx.AsyncClient(base_url=casework.url, headers=as_user(suite, "au-ines", "auditor")) as http:

        async def verified() -> dict[str, Any]:
            response = await http.get("/audit/verify")
            assert response.status_code == 200, response.text
            result: dict[str, Any] = response.json()
            return result

        try:
            clean = await verified()
            # One byte of one stored event's state.
            await conn.execute(
                "update casework_events set state = set_byte(state, 10, get_byte(state, 10) # 1) "
                "where originator_id = $1 and originator_version = 3",
                case,
            )
            altered = await verified()
            await conn.execute(
                "update casework_events set state = set_byte(state, 10, get_byte(state, 10) # 1) "
                "where originator_id = $1 and originator_version = 3",
                case,
            )
            restored = await verified()
            # Two events swap places in the log.
            a, b = await conn.fetchval(
                "select array_agg(notification_id order by originator_version) from casework_events "
                "where originator_id = $1 and originator_version in (4, 6)",
                case,
            )
            async with conn.transaction():
                await conn.execute(
                    "update casework_events set notification_id = -1 where notification_id = $1", a
                )
                await conn.execute(
                    "update casework_events set notification_id = $1 where notification_id = $2", a, b
                )
                await conn.execute(
                    "update casework_events set notification_id = $1 where notification_id = -1", b
                )
            swapped = await verified()
            async with conn.transaction():
                await conn.execute(
                    "update casework_events set notification_id = -1 where notification_id = $1", a
                )
                await conn.execute(
                    "update casework_events set notification_id = $1 where notification_id = $2", a, b
                )
                await conn.execute(
                    "update casework_events set notification_id = $1 where notification_id = -1", b
                )
            # One event removed.
            await conn.execute(
                "delete from casework_events where originator_id = $1 and originator_version = 5", case
            )
            removed = await verified()
        finally:
            await conn.close()

    assert clean["ok"] and clean["problems"] == [] and clean["events_checked"] == states[-1]["version"]
    assert len(clean["head"]["log_hash"]) == 64
    assert not altered["ok"]
    assert [(p["kind"], p["aggregate_id"], p["version"]) for p in altered["problems"]] == [
        ("altered", case_id, 3)
    ]
    assert restored["ok"]
    assert not swapped["ok"]
    assert {p["kind"] for p in swapped["problems"]} == {"reordered"}
    assert {a, b} <= {p["notification_id"] for p in swapped["problems"]}
    assert not removed["ok"]
    assert ("removed", case_id, 5) in [
        (p["kind"], p["aggregate_id"], p["version"]) for p in removed["problems"]
    ]


async def test_reading_a_case_puts_exactly_one_data_accessed_event_on_the_access_topic(suite: Suite) -> None:
    casework, case_id, pupil_id, _ = await opened_case(suite)
    async with httpx.AsyncClient(base_url=casework.url) as http:
        invited = await http.post(
            f"/cases/{case_id}/zorgteam-invitations",
            json={"member_id": "zt-carla"},
            headers=as_user(suite, "ib-bram", "intern_begeleider"),
        )
        assert invited.status_code == 200, invited.text
        read = await http.get(f"/cases/{case_id}", headers=as_user(suite, "zt-carla", "zorgteam"))
    assert read.status_code == 200
    messages = await read_topic(suite.infra.kafka, suite.topic(ACCESS_LOG_EVENTS), expected=100, timeout=5)
    events = [suite.open_event(m["value"]) for m in messages]
    case_reads = [e for e in events if isinstance(e, DataAccessed) and e.payload.action == "case.read"]
    assert len(case_reads) == 1
    [event] = case_reads
    assert (event.actor.user_id, event.actor.role.value) == ("zt-carla", "zorgteam")
    assert (str(event.payload.case_id), str(event.payload.pupil_id)) == (case_id, pupil_id)
    assert (event.payload.service, event.payload.resource) == ("casework", "GET /cases/{case_id}")
    assert (event.tenant, event.school) == (TENANT, "12AB")
    # The other reads of this test (polling the pupil's signals, the invitation's answer) are
    # logged too, each as its own event.
    assert {e.payload.action for e in events if isinstance(e, DataAccessed) and e not in case_reads} == {
        "pupil.signals",
        "case.command",
    }


async def test_a_case_command_answering_the_case_puts_a_data_accessed_event_on_the_access_topic(
    suite: Suite,
) -> None:
    casework, case_id, pupil_id, _ = await opened_case(suite)
    correlation_id = f"stap-{uuid.uuid4()}"
    async with httpx.AsyncClient(base_url=casework.url) as http:
        invited = await http.post(
            f"/cases/{case_id}/zorgteam-invitations",
            json={"member_id": "zt-carla"},
            headers={
                **as_user(suite, "ib-bram", "intern_begeleider"),
                "X-Correlation-ID": correlation_id,
                "User-Agent": "test-portal",
            },
        )
    assert invited.status_code == 200, invited.text
    assert invited.json()["pupil_id"] == pupil_id  # the answer is the case view: a read of the case
    messages = await read_topic(suite.infra.kafka, suite.topic(ACCESS_LOG_EVENTS), expected=100, timeout=5)
    events = [suite.open_event(m["value"]) for m in messages]
    logged = [e for e in events if isinstance(e, DataAccessed) and e.correlation_id == correlation_id]
    assert len(logged) == 1
    [event] = logged
    assert (event.payload.service, event.payload.action) == ("casework", "case.command")
    assert event.payload.resource == "POST /cases/{case_id}/zorgteam-invitations"
    assert (event.actor.user_id, event.actor.role.value) == ("ib-bram", "intern_begeleider")
    assert (str(event.payload.case_id), str(event.payload.pupil_id)) == (case_id, pupil_id)
    assert (event.tenant, event.school) == (TENANT, "12AB")
    assert event.payload.client_application == "test-portal"
