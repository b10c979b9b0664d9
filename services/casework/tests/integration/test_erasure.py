"""Erasure on casework as a real process, fed by the real signals service: after an erasure
(requested and approved in signals) casework drops the pupil's date of birth and the snapshots of the
pupil's cases (sealed with the erased key), and the case still loads from its events."""

from __future__ import annotations

import uuid
from typing import Any

import anyio
import asyncpg
import httpx

from casework.application import CaseworkApplication
from casework.domain.case import Case
from meldcode_servicekit.keystore import KeyStore, parse_master_key
from meldcode_testkit import Suite, eventually
from meldcode_testkit.demo_case import walk_no_suspicion_case

IB = {"sub": "ib-1", "role": "intern_begeleider", "schools": ("12AB",)}
TEACHER = {"sub": "lk-1", "role": "leerkracht", "schools": ("12AB",)}


def auth(suite: Suite, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {suite.infra.token(**claims)}"}


async def a_pupil_with_a_case(http: httpx.AsyncClient, suite: Suite, born: str) -> tuple[str, str]:
    signals, casework = suite.services["signals"].url, suite.services["casework"].url
    pupil = {
        "school": "12AB",
        "pupil_number": uuid.uuid4().hex[:6],
        "given_name": "A",
        "family_name": "B",
        "date_of_birth": born,
    }
    pupil_id = (await http.post(f"{signals}/pupils", json=pupil, headers=auth(suite, **IB))).json()[
        "pupil_id"
    ]
    signal = {
        "observed_on": "2026-11-02",
        "description": "Komt al een week zonder jas.",
        "source": {"kind": "own_observation"},
    }
    recorded = await http.post(
        f"{signals}/pupils/{pupil_id}/signals", json=signal, headers=auth(suite, **TEACHER)
    )
    signal_id = recorded.json()["signal_id"]

    async def known() -> bool:
        response = await http.get(f"{casework}/pupils/{pupil_id}/signals", headers=auth(suite, **IB))
        return response.status_code == 200 and len(response.json()) == 1

    await eventually(known)
    opened = await http.post(
        f"{casework}/cases", json={"pupil_id": pupil_id, "signal_ids": [signal_id]}, headers=auth(suite, **IB)
    )
    assert opened.status_code == 201, opened.text
    case_id = opened.json()["case_id"]
    zorgteam = auth(suite, sub="zt-1", role="zorgteam", schools=("12AB",))
    closed = await walk_no_suspicion_case(http, casework, auth(suite, **IB), zorgteam, case_id)
    assert closed[-1]["step"] == "gesloten"  # erasure waits until the pupil has no open case
    return pupil_id, case_id


def take_snapshot(suite: Suite, case_id: str) -> None:
    """A real snapshot of the case at its version, as casework takes one every fifth event (sealed
    with the key); taken here unless the case's last save took it."""
    assert suite.keystore_url is not None
    keys = KeyStore(suite.keystore_url, parse_master_key(suite.master_key))
    app = CaseworkApplication(suite.services["casework"].env["CASEWORK_DATABASE_URL"], keystore=keys)
    try:
        case = app.repository.get(uuid.UUID(case_id))
        assert isinstance(case, Case)
        assert app.snapshots is not None
        taken = [s.originator_version for s in app.snapshots.get(case.id, desc=True, limit=1)]
        if taken != [case.version]:
            app.take_snapshot(case.id)
    finally:
        app.close()
        keys.close()


async def test_an_erased_pupils_date_of_birth_and_case_snapshots_are_gone_and_the_case_still_loads(
    suite: Suite,
) -> None:
    # No waiting period after closing here: this test is about what casework does on the erasure.
    await suite.service("signals", SIGNALS_ERASURE_WAITING_PERIODS='{"default": "P0D"}')
    casework = await suite.service("casework")
    database = casework.env["CASEWORK_DATABASE_URL"]
    async with httpx.AsyncClient(timeout=30) as http:
        pupil_id, case_id = await a_pupil_with_a_case(http, suite, "2013-04-23")
        other_pupil, other_case = await a_pupil_with_a_case(http, suite, "2014-06-30")
        for case in (case_id, other_case):
            await anyio.to_thread.run_sync(take_snapshot, suite, case)
        before = (await http.get(f"{casework.url}/cases/{case_id}", headers=auth(suite, **IB))).json()

        signals_url = suite.services["signals"].url
        asked = await http.post(
            f"{signals_url}/pupils/{pupil_id}/erasure-requests",
            json={"reason": "verzoek_betrokkene"},
            headers=auth(suite, **IB),
        )
        assert asked.status_code == 201, asked.text
        erased = await http.post(  # four eyes: the beheerder approves the IB'er's request
            f"{signals_url}/pupils/{pupil_id}/erasure-requests/{asked.json()['request_id']}/approval",
            headers=auth(suite, sub="beheerder-1", role="beheerder", schools=("12AB",)),
        )
        assert erased.status_code == 200, erased.text

        async def handled() -> bool:
            conn = await asyncpg.connect(database)
            try:
                return bool(
                    await conn.fetchval(
                        "select count(*) from processed_events where event_type = 'PersonalDataErased'"
                    )
                )
            finally:
                await conn.close()

        await eventually(handled, timeout=60)
        conn = await asyncpg.connect(database)
        try:
            births = dict(await conn.fetch("select pupil_id::text, date_of_birth::text from known_pupils"))
            snapshotted = {
                str(r[0]) for r in await conn.fetch("select originator_id from casework_snapshots")
            }
        finally:
            await conn.close()
        assert births == {pupil_id: None, other_pupil: "2014-06-30"}
        assert snapshotted == {other_case}, "only the erased pupil's case snapshots are gone"

        after = await http.get(f"{casework.url}/cases/{case_id}", headers=auth(suite, **IB))
        assert after.status_code == 200, after.text
        assert (after.json()["step"], after.json()["version"]) == (before["step"], before["version"])
        other = await http.get(f"{casework.url}/cases/{other_case}", headers=auth(suite, **IB))
        assert other.status_code == 200
