"""Auditors, dashboards and the rebuild, on the reporting service as a real process with real Kafka
and PostgreSQL: the access log (NEN 7513), tenancy and roles, small-number suppression on projected
data, and rebuilding every read model from the topics with identical checksums."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from meldcode_contracts import Envelope
from meldcode_testkit import Suite, eventually
from meldcode_testkit.builders import Events, Notices, at
from meldcode_testkit.demo_case import walk_no_suspicion_case, walk_reported_case
from meldcode_vocabulary.dutch_days import dutch_today

from .histories import a_pupil_with_a_whole_case, publish_all

IB = {"sub": "ib-1", "role": "intern_begeleider", "schools": ("12AB",)}
IB_ELSEWHERE = {"sub": "ib-7", "role": "intern_begeleider", "schools": ("34CD",)}
AUDITOR = {"sub": "audit-1", "role": "auditor", "schools": ()}
BEHEERDER = {"sub": "beheer-1", "role": "beheerder", "schools": ()}
OTHER_TENANT_AUDITOR = {"sub": "audit-9", "role": "auditor", "tenant": "swv-noord", "schools": ()}
OTHER_TENANT_BEHEERDER = {"sub": "beheer-9", "role": "beheerder", "tenant": "swv-noord", "schools": ()}


def auth(suite: Suite, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {suite.infra.token(**claims)}"}


def live_database(suite: Suite) -> str:
    return suite.services["reporting"].env["REPORTING_DATABASE_URL"]


async def rebuild(http: httpx.AsyncClient, suite: Suite) -> dict[str, Any]:
    response = await http.post("/audit/rebuild", headers=auth(suite, **AUDITOR), timeout=300)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@dataclass(frozen=True)
class Staff:
    ib: dict[str, str]
    teacher: dict[str, str]


async def register_pupil(http: httpx.AsyncClient, signals: str, staff: Staff) -> str:
    response = await http.post(
        f"{signals}/pupils",
        headers=staff.ib,
        json={
            "school": "12AB",
            "pupil_number": uuid.uuid4().hex[:8],
            "given_name": "Sanne",
            "family_name": "Jansen",
            "date_of_birth": "2013-05-14",
        },
    )
    assert response.status_code == 201, response.text
    return str(response.json()["pupil_id"])


async def record_signal(
    http: httpx.AsyncClient, signals: str, staff: Staff, pupil_id: str, days_ago: int
) -> str:
    response = await http.post(
        f"{signals}/pupils/{pupil_id}/signals",
        headers=staff.teacher,
        json={
            "observed_on": (dutch_today() - timedelta(days=days_ago)).isoformat(),
            "description": "Komt zonder jas en zonder ontbijt naar school.",
            "source": {"kind": "own_observation"},
            "categories": ["physical"],
        },
    )
    assert response.status_code == 201, response.text
    return str(response.json()["signal_id"])


# --- rebuild --------------------------------------------------------------------------------------


async def test_a_rebuild_after_the_demo_cases_walked_through_casework_gives_identical_checksums(
    suite: Suite,
) -> None:
    for name in ("signals", "casework", "reporting"):
        await suite.service(name)
    signals, casework, reporting = (suite.services[n].url for n in ("signals", "casework", "reporting"))
    staff = Staff(
        ib=auth(suite, sub="ib-bram", role="intern_begeleider", schools=("12AB",)),
        teacher=auth(suite, sub="leerkracht-anna", role="leerkracht", schools=("12AB",)),
    )
    zorgteam = auth(suite, sub="jgz-arts", role="zorgteam", schools=("12AB",))
    async with httpx.AsyncClient(timeout=60) as http:
        for reported in (True, False):
            pupil_id = await register_pupil(http, signals, staff)
            signal_ids = [
                await record_signal(http, signals, staff, pupil_id, days_ago) for days_ago in (21, 10, 2)
            ]

            async def known(pupil_id: str = pupil_id, n: int = len(signal_ids)) -> bool:
                response = await http.get(f"{casework}/pupils/{pupil_id}/signals", headers=staff.ib)
                return response.status_code == 200 and len(response.json()) == n

            await eventually(known)
            opened = await http.post(
                f"{casework}/cases", headers=staff.ib, json={"pupil_id": pupil_id, "signal_ids": signal_ids}
            )
            assert opened.status_code == 201, opened.text
            case_id = opened.json()["case_id"]
            if reported:
                await walk_reported_case(http, casework, staff.ib, zorgteam, case_id, signal_ids)
            else:
                await walk_no_suspicion_case(http, casework, staff.ib, zorgteam, case_id)

        # The case list of the school, read once (it logs one access per case).
        async def both_closed() -> bool:
            response = await http.get(f"{reporting}/schools/12AB/cases", headers=staff.ib)
            cases = response.json()["cases"] if response.status_code == 200 else []
            return len(cases) == 2 and not any(c["open"] for c in cases)

        await eventually(both_closed)

    async with httpx.AsyncClient(base_url=reporting) as http:
        result = await rebuild(http, suite)

    assert result["ok"] is True, result
    tables = {t["name"]: t for t in result["tables"]}
    assert set(tables) == {
        "pupils",
        "chronology",
        "case_changes",
        "school_cases",
        "access_log",
        "case_zorgteam",
        "staff_names",
        "processed_events",
    }
    assert all(t["equal"] and t["live_checksum"] == t["rebuilt_checksum"] for t in tables.values())
    assert tables["pupils"]["rows"] == 2
    assert tables["school_cases"]["rows"] == 2
    assert tables["case_zorgteam"]["rows"] == 2, "the zorgteam member invited into each demo case"
    assert tables["access_log"]["rows"] >= 2, "the reads of the case list were logged and projected"
    assert result["events"] >= 2 * 3 + 13 + 6


async def test_a_rebuild_of_thousands_of_generated_events_gives_identical_checksums(
    suite: Suite, events: Events, notices: Notices
) -> None:
    svc = await suite.service("reporting")
    generated: list[Envelope] = []
    while len(generated) < 5000:
        generated += a_pupil_with_a_whole_case(events, notices, start=len(generated))
    generated.append(generated[7])  # a redelivered event changes nothing, live or rebuilt
    await publish_all(suite, generated)

    async with httpx.AsyncClient(base_url=svc.url) as http:
        result = await rebuild(http, suite)

    assert result["ok"] is True, result
    assert result["events"] == len(generated)
    rows = {t["name"]: t["rows"] for t in result["tables"]}
    pupils = sum(1 for e in generated if e.event_type == "PupilRegistered")
    assert rows["pupils"] == rows["school_cases"] == pupils
    assert rows["processed_events"] == len(generated) - 1


async def test_a_changed_live_row_makes_the_rebuild_report_a_mismatch_on_that_table(
    suite: Suite, events: Events, notices: Notices
) -> None:
    svc = await suite.service("reporting")
    history = a_pupil_with_a_whole_case(events, notices)
    await publish_all(suite, history)
    pupil_id = history[0].subject_id
    async with httpx.AsyncClient(base_url=svc.url) as http:
        assert (await rebuild(http, suite))["ok"] is True
        conn = await asyncpg.connect(live_database(suite))
        try:
            await conn.execute("update school_cases set step = 'geopend' where pupil_id = $1", pupil_id)
        finally:
            await conn.close()

        result = await rebuild(http, suite)

    assert result["ok"] is False
    unequal = [t["name"] for t in result["tables"] if not t["equal"]]
    assert unequal == ["school_cases"]


# --- tenancy and roles ------------------------------------------------------------------------------


async def test_a_school_user_cannot_read_another_schools_chronology_or_dashboard(
    suite: Suite, events: Events, notices: Notices
) -> None:
    svc = await suite.service("reporting")
    history = a_pupil_with_a_whole_case(events, notices)
    await publish_all(suite, history)
    pupil_id = history[0].subject_id

    async with httpx.AsyncClient(base_url=svc.url) as http:

        async def chronology() -> httpx.Response | None:
            response = await http.get(f"/pupils/{pupil_id}/chronology", headers=auth(suite, **IB))
            return response if response.status_code == 200 else None

        await eventually(chronology)
        elsewhere_chronology = await http.get(
            f"/pupils/{pupil_id}/chronology", headers=auth(suite, **IB_ELSEWHERE)
        )
        elsewhere_dashboard = await http.get("/schools/12AB/dashboard", headers=auth(suite, **IB_ELSEWHERE))
        own_dashboard = await http.get("/schools/12AB/dashboard", headers=auth(suite, **IB))
        tenant_dashboard = await http.get("/tenants/swv-zuid/dashboard", headers=auth(suite, **IB))

    assert (elsewhere_chronology.status_code, elsewhere_chronology.json()["rule"]) == (403, "school")
    assert (elsewhere_dashboard.status_code, elsewhere_dashboard.json()["rule"]) == (403, "school")
    assert own_dashboard.status_code == 200
    assert [s["school"] for s in own_dashboard.json()["schools"]] == ["12AB"]
    assert (tenant_dashboard.status_code, tenant_dashboard.json()["rule"]) == (403, "role")


async def test_a_samenwerkingsverband_sees_nothing_of_another(
    suite: Suite, events: Events, notices: Notices
) -> None:
    svc = await suite.service("reporting")
    history = a_pupil_with_a_whole_case(events, notices)
    await publish_all(suite, history)
    pupil_id = history[0].subject_id

    async with httpx.AsyncClient(base_url=svc.url) as http:

        async def logged() -> Any:
            response = await http.get(
                "/audit/access-log", params={"pupil_id": str(pupil_id)}, headers=auth(suite, **AUDITOR)
            )
            return response.json()["entries"] if response.status_code == 200 else None

        assert await eventually(logged)
        dashboard = await http.get(
            "/tenants/swv-zuid/dashboard", headers=auth(suite, **OTHER_TENANT_BEHEERDER)
        )
        chronology = await http.get(
            f"/pupils/{pupil_id}/chronology", headers=auth(suite, **OTHER_TENANT_AUDITOR)
        )
        other_log = await http.get(
            "/audit/access-log",
            params={"pupil_id": str(pupil_id)},
            headers=auth(suite, **OTHER_TENANT_AUDITOR),
        )
        other_dashboard = await http.get(
            "/tenants/swv-noord/dashboard", headers=auth(suite, **OTHER_TENANT_BEHEERDER)
        )

    assert (dashboard.status_code, dashboard.json()["rule"]) == (403, "tenant")
    assert (chronology.status_code, chronology.json()["rule"]) == (403, "tenant")
    assert other_log.status_code == 200
    assert other_log.json() == {"entries": []}
    assert other_dashboard.json()["schools"] == []
    assert other_dashboard.json()["total"]["signals_recorded"] == 0


async def test_only_the_auditor_reaches_the_audit_endpoints(suite: Suite) -> None:
    svc = await suite.service("reporting")

    async with httpx.AsyncClient(base_url=svc.url) as http:
        refused = [
            await http.request(method, path, params=params, headers=auth(suite, **who))
            for who in (IB, BEHEERDER, {"sub": "zt-1", "role": "zorgteam", "schools": ("12AB",)})
            for method, path, params in (
                ("GET", "/audit/access-log", {"user_id": "ib-1"}),
                ("POST", "/audit/rebuild", {}),
            )
        ]
        auditor = await http.get(
            "/audit/access-log", params={"user_id": "ib-1"}, headers=auth(suite, **AUDITOR)
        )
        anonymous = await http.post("/audit/rebuild")

    assert [(r.status_code, r.json()["rule"]) for r in refused] == [(403, "role")] * 6
    assert auditor.status_code == 200
    assert anonymous.status_code == 401


# --- the access log ---------------------------------------------------------------------------------


async def test_the_access_log_per_pupil_employee_and_day_shows_what_was_logged_and_reading_it_logs_again(
    suite: Suite, events: Events
) -> None:
    svc = await suite.service("reporting")
    registered = events.pupil()
    pupil_id = registered.payload.pupil_id
    await publish_all(suite, [registered, events.signal(pupil_id, when=at(5))])
    today = dutch_today()

    async with httpx.AsyncClient(base_url=svc.url) as http:

        async def chronology() -> bool:
            response = await http.get(
                f"/pupils/{pupil_id}/chronology",
                headers={**auth(suite, **IB), "User-Agent": "school-portal/2"},
            )
            return response.status_code == 200 and len(response.json()["entries"]) == 1

        await eventually(chronology)

        async def view(auditor: dict[str, Any] = AUDITOR, **params: str) -> list[dict[str, Any]]:
            response = await http.get("/audit/access-log", params=params, headers=auth(suite, **auditor))
            assert response.status_code == 200, response.text
            entries: list[dict[str, Any]] = response.json()["entries"]
            return entries

        async def logged_read() -> list[dict[str, Any]]:
            return [e for e in await view(pupil_id=str(pupil_id)) if e["action"] == "pupil.chronology"]

        by_pupil = await eventually(logged_read)
        by_employee = await view(user_id="ib-1")
        by_day = await view(day=today.isoformat())
        other_day = await view(day=(today - timedelta(days=1)).isoformat())
        no_filter = await http.get("/audit/access-log", headers=auth(suite, **AUDITOR))
        two_filters = await http.get(
            "/audit/access-log",
            params={"user_id": "ib-1", "day": today.isoformat()},
            headers=auth(suite, **AUDITOR),
        )

        async def reads_of_the_log() -> list[dict[str, Any]]:
            return [e for e in await view(user_id="audit-1") if e["action"] == "access_log.read"]

        logged_again = await eventually(reads_of_the_log)
        page = await view(pupil_id=str(pupil_id), limit="1", offset="0")

    entry = by_pupil[0]
    assert {k: entry[k] for k in ("user_id", "role", "on_behalf_of", "service", "action", "resource")} == {
        "user_id": "ib-1",
        "role": "intern_begeleider",
        "on_behalf_of": None,
        "service": "reporting",
        "action": "pupil.chronology",
        "resource": "GET /pupils/{pupil_id}/chronology",
    }
    assert (entry["pupil_id"], entry["case_id"], entry["school"]) == (str(pupil_id), None, "12AB")
    assert entry["client_address"] == "127.0.0.1"
    assert entry["client_application"] == "school-portal/2"
    assert set(entry) == {
        "access_id", "occurred_at", "user_id", "role", "on_behalf_of", "service", "action", "resource",
        "pupil_id", "case_id", "school", "client_address", "client_application",
    }  # fmt: skip
    assert entry["access_id"] in [e["access_id"] for e in by_employee]
    assert entry["access_id"] in [e["access_id"] for e in by_day]
    assert entry["access_id"] not in [e["access_id"] for e in other_day]
    assert datetime.fromisoformat(entry["occurred_at"]).astimezone(UTC) <= datetime.now(UTC)
    assert (no_filter.status_code, no_filter.json()["rule"]) == (422, "access-log-filter")
    assert two_filters.status_code == 422
    assert {e["pupil_id"] for e in logged_again} == {str(pupil_id)}
    assert all(e["role"] == "auditor" and e["service"] == "reporting" for e in logged_again)
    assert len(page) == 1
    assert page[0]["occurred_at"] >= by_pupil[-1]["occurred_at"], "newest first"


async def test_the_school_case_list_logs_one_access_per_case_listed(suite: Suite, events: Events) -> None:
    svc = await suite.service("reporting")
    history: list[Envelope] = []
    for _ in range(2):
        registered = events.pupil()
        signal = events.signal(registered.payload.pupil_id, when=at(1))
        history += [
            registered,
            signal,
            events.case(registered.payload.pupil_id, [signal.payload.signal_id], when=at(2)),
        ]
    await publish_all(suite, history)
    case_ids = {str(e.payload.case_id) for e in history if e.event_type == "CaseOpened"}  # type: ignore[attr-defined]

    async with httpx.AsyncClient(base_url=svc.url) as http:

        async def two_cases() -> bool:
            response = await http.get(
                "/schools/12AB/cases", headers=auth(suite, sub="ib-5", role="intern_begeleider")
            )
            return response.status_code == 200 and len(response.json()["cases"]) == 2

        await eventually(two_cases)

        async def logged() -> set[str]:
            response = await http.get(
                "/audit/access-log", params={"user_id": "ib-5"}, headers=auth(suite, **AUDITOR)
            )
            found = {e["case_id"] for e in response.json()["entries"] if e["action"] == "school.cases"}
            return found if found == case_ids else set()

        assert await eventually(logged) == case_ids


# --- dashboard suppression on projected data ----------------------------------------------------------


async def test_the_dashboard_hides_small_counts_and_the_cell_that_would_give_them_away(suite: Suite) -> None:
    svc = await suite.service("reporting")
    history: list[Envelope] = []
    for school, signals in (("01AB", 3), ("02CD", 7), ("03EF", 20)):
        school_events = Events(school=school)
        registered = school_events.pupil()
        history.append(registered)
        history += [school_events.signal(registered.payload.pupil_id, when=at(n)) for n in range(signals)]
    await publish_all(suite, history)

    async with httpx.AsyncClient(base_url=svc.url) as http:

        async def dashboard() -> dict[str, Any] | None:
            response = await http.get("/tenants/swv-zuid/dashboard", headers=auth(suite, **BEHEERDER))
            body: dict[str, Any] = response.json()
            return (
                body
                if response.status_code == 200
                and len(body["schools"]) == 3
                and body["total"]["signals_recorded"] == 30
                else None
            )

        body = await eventually(dashboard)
        in_period = await http.get(
            "/tenants/swv-zuid/dashboard",
            params={"from": "2026-11-02", "until": "2026-11-02"},
            headers=auth(suite, **AUDITOR),
        )
        before = await http.get(
            "/tenants/swv-zuid/dashboard", params={"until": "2026-10-31"}, headers=auth(suite, **AUDITOR)
        )
        school = await http.get("/schools/02CD/dashboard", headers=auth(suite, **BEHEERDER))
        backwards = await http.get(
            "/tenants/swv-zuid/dashboard",
            params={"from": "2026-11-03", "until": "2026-11-02"},
            headers=auth(suite, **AUDITOR),
        )

    shown = {s["school"]: s["signals_recorded"] for s in body["schools"]}
    assert shown == {"01AB": "<5", "02CD": "x", "03EF": 20}, (
        "7 would follow from 30 - 20 - (<5)... so it hides"
    )
    assert body["total"]["signals_recorded"] == 30
    assert body["total"]["median_days_per_step"]["geopend"] is None
    assert {s["school"]: s["signals_recorded"] for s in in_period.json()["schools"]} == shown
    assert school.json()["total"]["signals_recorded"] == "x", "the school's 7 would give 01AB's 3 away"
    assert before.json()["total"]["signals_recorded"] == 0
    assert backwards.status_code == 422
    assert (in_period.json()["period_from"], in_period.json()["period_until"]) == (
        "2026-11-01",
        "2026-11-30",
    ), "a period counts in whole months"
    assert in_period.json()["months"] == ["2026-11-01"]


async def test_the_operator_rebuild_with_replace_swaps_in_equal_tables_and_the_service_goes_on(
    suite: Suite, events: Events, notices: Notices
) -> None:
    svc = await suite.service("reporting")
    history = a_pupil_with_a_whole_case(events, notices)
    await publish_all(suite, history)
    pupil_id = history[0].subject_id

    async with httpx.AsyncClient(base_url=svc.url) as http:

        async def entries(n: int) -> list[dict[str, Any]] | None:
            response = await http.get(f"/pupils/{pupil_id}/chronology", headers=auth(suite, **IB))
            found = response.json()["entries"] if response.status_code == 200 else []
            return found if len(found) >= n else None

        before = await eventually(lambda: entries(len(history) - 2))
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "reporting.entrypoints.cli", "rebuild", "--replace", "--wait", "60"],
            env={**os.environ, **svc.env, "LOG_LEVEL": "WARNING"},
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        report = json.loads(done.stdout[done.stdout.index("{") :])
        after = await entries(len(before))
        later = events.signal(pupil_id, when=at(9000))
        await publish_all(suite, [later])
        with_new = await eventually(lambda: entries(len(before) + 1))

    assert report["ok"] is True
    assert report["replaced"]["retired_schema"].startswith("retired_")
    assert after == before, "the swapped-in read models serve the same chronology"
    assert str(later.event_id) in [e["event_id"] for e in with_new], (
        "the live consumer goes on in the new tables"
    )
    conn = await asyncpg.connect(live_database(suite))
    try:
        schemas = {r["nspname"] for r in await conn.fetch("select nspname from pg_namespace")}
    finally:
        await conn.close()
    assert report["replaced"]["retired_schema"] in schemas
    assert not any(s.startswith("rebuild_") for s in schemas)
