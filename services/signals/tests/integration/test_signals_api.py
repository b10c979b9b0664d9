"""The signals service as a real process on real PostgreSQL and Kafka."""

import uuid

import httpx

from meldcode_contracts import SIGNALS_EVENTS, SignalCorrected, SignalRecorded
from meldcode_testkit import Suite, read_topic

TEACHER = {"sub": "leerkracht-1", "role": "leerkracht", "schools": ("12AB",)}
IB = {"sub": "ib-1", "role": "intern_begeleider", "schools": ("12AB",)}


def auth(suite: Suite, **claims: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {suite.infra.token(**claims)}"}  # type: ignore[arg-type]


PUPIL = {
    "school": "12AB",
    "pupil_number": "L-1",
    "given_name": "Sanne",
    "family_name": "Jansen",
    "date_of_birth": "2014-03-02",
}
SIGNAL = {
    "observed_on": "2026-11-02",
    "description": "Komt al een week zonder jas naar school.",
    "source": {"kind": "own_observation"},
    "interpretation": "Mogelijk verwaarlozing",
}


async def test_a_recorded_and_corrected_signal_is_published_as_contract_events_keyed_by_pupil(
    suite: Suite,
) -> None:
    svc = await suite.service("signals")
    async with httpx.AsyncClient(base_url=svc.url) as http:
        pupil_id = (await http.post("/pupils", json=PUPIL, headers=auth(suite, **IB))).json()["pupil_id"]
        recorded = await http.post(f"/pupils/{pupil_id}/signals", json=SIGNAL, headers=auth(suite, **TEACHER))
        assert recorded.status_code == 201, recorded.text
        signal_id = recorded.json()["signal_id"]
        corrected = await http.post(
            f"/signals/{signal_id}/corrections",
            json={**SIGNAL, "observed_on": "2026-11-01", "reason": "Verkeerde dag ingevuld"},
            headers=auth(suite, **TEACHER),
        )
        assert corrected.status_code == 201, corrected.text
        current = (await http.get(f"/signals/{signal_id}", headers=auth(suite, **IB))).json()
    assert current["observed_on"] == "2026-11-01"
    assert current["corrections"] == 1

    messages = await read_topic(suite.infra.kafka, suite.topic(SIGNALS_EVENTS), expected=3)
    events = [suite.open_event(m["value"]) for m in messages]
    assert [e.event_type for e in events] == ["PupilRegistered", "SignalRecorded", "SignalCorrected"]
    assert {m["key"] for m in messages} == {pupil_id.encode()}
    recorded_event, corrected_event = events[1], events[2]
    assert isinstance(recorded_event, SignalRecorded)
    assert isinstance(corrected_event, SignalCorrected)
    assert recorded_event.actor.user_id == "leerkracht-1"
    assert recorded_event.actor.role == "leerkracht"
    assert str(corrected_event.payload.signal_id) == signal_id
    assert str(recorded_event.payload.observed_on) == "2026-11-02", "the original is never edited"


async def test_registering_the_same_pupil_number_twice_gives_a_conflict_naming_the_existing_pupil(
    suite: Suite,
) -> None:
    svc = await suite.service("signals")
    async with httpx.AsyncClient(base_url=svc.url) as http:
        first = await http.post("/pupils", json=PUPIL, headers=auth(suite, **IB))
        second = await http.post("/pupils", json={**PUPIL, "given_name": "S."}, headers=auth(suite, **IB))
    assert second.status_code == 409
    assert second.headers["content-type"] == "application/problem+json"
    assert second.json()["rule"] == "pupil-already-registered"
    assert first.json()["pupil_id"] in second.json()["detail"]


async def test_bad_requests_get_problem_bodies_that_name_the_field_or_rule(suite: Suite) -> None:
    svc = await suite.service("signals")
    async with httpx.AsyncClient(base_url=svc.url) as http:
        pupil_id = (await http.post("/pupils", json=PUPIL, headers=auth(suite, **IB))).json()["pupil_id"]
        no_token = await http.post(f"/pupils/{pupil_id}/signals", json=SIGNAL)
        bad_token = await http.post(
            f"/pupils/{pupil_id}/signals", json=SIGNAL, headers={"Authorization": "Bearer not.a.token"}
        )
        missing_field = await http.post(
            f"/pupils/{pupil_id}/signals", json={"observed_on": "2026-11-02"}, headers=auth(suite, **TEACHER)
        )
        opinion_only = await http.post(
            f"/pupils/{pupil_id}/signals",
            json={**SIGNAL, "description": "raar"},
            headers=auth(suite, **TEACHER),
        )
        unknown_pupil = await http.post(
            f"/pupils/{uuid.uuid4()}/signals", json=SIGNAL, headers=auth(suite, **TEACHER)
        )
        other_school = await http.post(
            f"/pupils/{pupil_id}/signals",
            json=SIGNAL,
            headers=auth(suite, sub="lk-2", role="leerkracht", schools=("34CD",)),
        )
        other_tenant = await http.get(
            f"/pupils/{pupil_id}",
            headers=auth(suite, sub="ib-9", role="intern_begeleider", tenant="swv-noord"),
        )
    assert no_token.status_code == 401
    assert bad_token.status_code == 401
    assert missing_field.status_code == 422
    assert {e["field"] for e in missing_field.json()["errors"]} == {"description", "source"}
    assert opinion_only.status_code == 422
    assert opinion_only.json()["rule"] == "rule-1-facts-not-opinions"
    assert unknown_pupil.status_code == 404
    assert other_school.status_code == 403
    assert other_school.json()["rule"] == "school"
    assert other_tenant.status_code == 403
    assert other_tenant.json()["rule"] == "tenant"
    for response in (no_token, missing_field, opinion_only, unknown_pupil, other_school):
        assert response.headers["content-type"] == "application/problem+json"
        assert "Sanne" not in response.text


async def test_a_consultation_and_an_anonymous_advice_request_reach_the_topic_and_the_request_names_no_pupil(
    suite: Suite,
) -> None:
    svc = await suite.service("signals")
    async with httpx.AsyncClient(base_url=svc.url) as http:
        pupil_id = (await http.post("/pupils", json=PUPIL, headers=auth(suite, **IB))).json()["pupil_id"]
        consulted = await http.post(
            f"/pupils/{pupil_id}/consultations",
            json={
                "consulted_on": "2026-11-03",
                "consulted_name": "Petra",
                "consulted_role": "jeugdverpleegkundige",
                "organisation": "JGZ",
                "advice": "Breng het in het zorgteam.",
            },
            headers=auth(suite, **IB),
        )
        naming = await http.post(
            f"/pupils/{pupil_id}/veilig-thuis-advice",
            json={
                "requested_on": "2026-11-03",
                "veilig_thuis_region": "Zuid",
                "question": "Sanne Jansen heeft letsel.",
                "advice": "Bespreek het.",
            },
            headers=auth(suite, **IB),
        )
        anonymous = await http.post(
            f"/pupils/{pupil_id}/veilig-thuis-advice",
            json={
                "requested_on": "2026-11-03",
                "veilig_thuis_region": "Zuid",
                "question": "Meisje van 12 met herhaald letsel.",
                "advice": "Bespreek het met de ouders.",
            },
            headers=auth(suite, **IB),
        )
        by_teacher = await http.post(
            f"/pupils/{pupil_id}/veilig-thuis-advice",
            json={
                "requested_on": "2026-11-03",
                "veilig_thuis_region": "Zuid",
                "question": "x",
                "advice": "y",
            },
            headers=auth(suite, **TEACHER),
        )
    assert consulted.status_code == 201, consulted.text
    assert naming.status_code == 422 and naming.json()["rule"] == "rule-3-anonymous-advice-request"
    assert anonymous.status_code == 201, anonymous.text
    assert by_teacher.status_code == 403
    messages = await read_topic(suite.infra.kafka, suite.topic(SIGNALS_EVENTS), expected=3)
    by_type = {suite.open_event(m["value"]).event_type: m for m in messages}
    assert set(by_type) == {"PupilRegistered", "ColleagueConsulted", "VeiligThuisAdviceRequested"}
    # The pupil's own events share its key (one partition, in order); the anonymous request does not.
    of_pupil = [suite.open_event(m["value"]).event_type for m in messages if m["key"] == pupil_id.encode()]
    assert of_pupil == ["PupilRegistered", "ColleagueConsulted"]
    advice = by_type["VeiligThuisAdviceRequested"]
    assert pupil_id.encode() not in advice["value"] and advice["key"] != pupil_id.encode()
    assert b"Sanne" not in advice["value"]


async def test_only_the_observer_or_the_ib_er_corrects_a_signal_and_the_view_shows_who_wrote_what(
    suite: Suite,
) -> None:
    colleague = {"sub": "leerkracht-2", "role": "leerkracht", "schools": ("12AB",)}
    svc = await suite.service("signals")
    async with httpx.AsyncClient(base_url=svc.url) as http:
        pupil_id = (await http.post("/pupils", json=PUPIL, headers=auth(suite, **IB))).json()["pupil_id"]
        recorded = await http.post(f"/pupils/{pupil_id}/signals", json=SIGNAL, headers=auth(suite, **TEACHER))
        signal_id = recorded.json()["signal_id"]
        correction = {**SIGNAL, "description": "Komt al twee weken zonder jas.", "reason": "Aangevuld"}
        refused = await http.post(
            f"/signals/{signal_id}/corrections", json=correction, headers=auth(suite, **colleague)
        )
        by_ib = await http.post(
            f"/signals/{signal_id}/corrections", json=correction, headers=auth(suite, **IB)
        )
        current = (await http.get(f"/signals/{signal_id}", headers=auth(suite, **TEACHER))).json()

    assert refused.status_code == 422, refused.text
    assert refused.json()["rule"] == "rule-1-correction-by-observer"
    assert by_ib.status_code == 201, by_ib.text
    assert current["description"] == "Komt al twee weken zonder jas."
    assert current["observer_id"] == "leerkracht-1"
    assert current["written_by"]["user_id"] == "ib-1"
    assert current["written_by"]["role"] == "intern_begeleider"
    assert [(a["version"], a["user_id"]) for a in current["authors"]] == [(1, "leerkracht-1"), (2, "ib-1")]

    messages = await read_topic(suite.infra.kafka, suite.topic(SIGNALS_EVENTS), expected=3)
    corrected = suite.open_event(messages[-1]["value"])
    assert isinstance(corrected, SignalCorrected)
    assert corrected.actor.user_id == "ib-1"
    assert corrected.payload.observer_id == "leerkracht-1"
