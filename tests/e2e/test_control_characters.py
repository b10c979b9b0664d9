"""Text with a control character never gets in (issue 14, finding 4): the API refuses it with 422
naming the field, where it used to answer 201 and the read models then parked the event, so the
signal silently never showed in the chronology. Text with newlines and tabs still goes all the way
through to reporting's read model."""

from __future__ import annotations

import httpx

from meldcode_testkit import Suite, eventually
from meldcode_testkit.scenario import SCHOOL, Staff, chronology_signal_ids, register_pupil, signal_body


async def test_a_nul_is_refused_at_the_edge_and_newlines_and_tabs_reach_the_chronology(suite: Suite) -> None:
    signals, reporting = await suite.service("signals"), await suite.service("reporting")
    staff = Staff(suite)
    text = "Regel één\r\nRegel twee\n\tingesprongen: blauwe plek"
    async with httpx.AsyncClient() as http:
        pupil_id = await register_pupil(http, signals.url, staff)
        with_nul = await http.post(
            f"{signals.url}/pupils/{pupil_id}/signals",
            headers=staff.teacher,
            json={**signal_body(1, "blauwe plek\x00"), "source": {"kind": "third_party", "name": "buur\x00"}},
        )
        search = await http.get(
            f"{reporting.url}/schools/{SCHOOL}/pupils", params={"q": "\x00a"}, headers=staff.ib
        )
        plain = await http.post(
            f"{signals.url}/pupils/{pupil_id}/signals", headers=staff.teacher, json=signal_body(1, text)
        )
        assert plain.status_code == 201, plain.text
        signal_id = plain.json()["signal_id"]

        async def in_chronology() -> bool:
            return signal_id in await chronology_signal_ids(http, reporting.url, staff, pupil_id)

        await eventually(in_chronology)
        chronology = (
            await http.get(f"{reporting.url}/pupils/{pupil_id}/chronology", headers=staff.ib)
        ).json()

    assert with_nul.status_code == 422
    assert with_nul.json()["rule"] == "control-character"
    assert [e["field"] for e in with_nul.json()["errors"]] == ["description", "source.name"]
    assert (search.status_code, search.json()["errors"][0]["field"]) == (422, "query.q")
    [entry] = [
        e
        for e in chronology["entries"]
        if str(e.get("signal_id")) == signal_id and e["event_type"] == "SignalRecorded"
    ]
    assert entry["facts"]["description"] == text
