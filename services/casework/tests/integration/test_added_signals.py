"""Rule 9 against the real service: a signal recorded after a case was opened is added to it
(`POST /cases/{case_id}/signals`) and published as `CaseSignalsAdded`."""

import uuid

import httpx

from meldcode_contracts import CASEWORK_EVENTS, CaseSignalsAdded
from meldcode_testkit import Suite, eventually, read_topic

IB = {"sub": "ib-1", "role": "intern_begeleider", "schools": ("12AB",)}
ZORGTEAM = {"sub": "zt-1", "role": "zorgteam", "schools": ("12AB",)}
TEACHER = {"sub": "lk-1", "role": "leerkracht", "schools": ("12AB",)}
SIGNAL = {
    "observed_on": "2026-11-02",
    "description": "Komt al een week zonder jas.",
    "source": {"kind": "own_observation"},
}


def auth(suite: Suite, **claims: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {suite.infra.token(**claims)}"}  # type: ignore[arg-type]


async def record_signal(http: httpx.AsyncClient, suite: Suite, pupil_id: str) -> str:
    recorded = await http.post(f"/pupils/{pupil_id}/signals", json=SIGNAL, headers=auth(suite, **TEACHER))
    assert recorded.status_code == 201, recorded.text
    return str(recorded.json()["signal_id"])


async def register_pupil(http: httpx.AsyncClient, suite: Suite) -> str:
    pupil = {
        "school": "12AB",
        "pupil_number": uuid.uuid4().hex[:6],
        "given_name": "A",
        "family_name": "B",
        "date_of_birth": "2015-01-01",
    }
    return str((await http.post("/pupils", json=pupil, headers=auth(suite, **IB))).json()["pupil_id"])


async def known_to_casework(http: httpx.AsyncClient, suite: Suite, pupil_id: str, signal_id: str) -> bool:
    response = await http.get(f"/pupils/{pupil_id}/signals", headers=auth(suite, **IB))
    return response.status_code == 200 and signal_id in {s["signal_id"] for s in response.json()}


async def test_a_signal_recorded_after_opening_is_added_to_the_case_and_published(suite: Suite) -> None:
    signals, casework = await suite.service("signals"), await suite.service("casework")
    async with (
        httpx.AsyncClient(base_url=signals.url) as signals_http,
        httpx.AsyncClient(base_url=casework.url) as http,
    ):
        pupil_id = await register_pupil(signals_http, suite)
        first = await record_signal(signals_http, suite, pupil_id)
        await eventually(lambda: known_to_casework(http, suite, pupil_id, first))
        opened = await http.post(
            "/cases", json={"pupil_id": pupil_id, "signal_ids": [first]}, headers=auth(suite, **IB)
        )
        assert opened.status_code == 201, opened.text
        case_id, version = opened.json()["case_id"], opened.json()["version"]

        later = await record_signal(signals_http, suite, pupil_id)
        await eventually(lambda: known_to_casework(http, suite, pupil_id, later))
        by_zorgteam = await http.post(
            f"/cases/{case_id}/signals", json={"signal_ids": [later]}, headers=auth(suite, **ZORGTEAM)
        )
        unknown = await http.post(
            f"/cases/{case_id}/signals", json={"signal_ids": [str(uuid.uuid4())]}, headers=auth(suite, **IB)
        )
        added = await http.post(
            f"/cases/{case_id}/signals",
            json={"signal_ids": [later], "expected_version": version},
            headers={**auth(suite, **IB), "X-Correlation-ID": "corr-rule-9"},
        )
        again = await http.post(
            f"/cases/{case_id}/signals", json={"signal_ids": [later]}, headers=auth(suite, **IB)
        )

    assert (by_zorgteam.status_code, by_zorgteam.json()["rule"]) == (403, "role")
    assert (unknown.status_code, unknown.json()["rule"]) == (422, "rule-9-added-signals-recorded")
    assert added.status_code == 200, added.text
    view = added.json()
    assert view["signal_ids"] == [first, later]
    assert view["version"] == version + 1  # the obligations did not change: no CaseObligationsChanged
    assert (again.status_code, again.json()["rule"]) == (409, "rule-9-signals-already-in-case")

    messages = await read_topic(suite.infra.kafka, suite.topic(CASEWORK_EVENTS), expected=3)
    events = [suite.open_event(m["value"]) for m in messages]
    assert [e.event_type for e in events] == ["CaseOpened", "CaseObligationsChanged", "CaseSignalsAdded"]
    event = events[-1]
    assert isinstance(event, CaseSignalsAdded)
    assert [str(s) for s in event.payload.signal_ids] == [later]
    assert str(event.payload.pupil_id) == pupil_id
    assert (event.correlation_id, event.actor.user_id, event.sequence) == (
        "corr-rule-9",
        "ib-1",
        view["version"],
    )
    assert messages[-1]["key"] == case_id.encode()
