"""A pupil leaving the school (rule 14), through the real signals process."""

from datetime import timedelta

import httpx

from meldcode_contracts import SIGNALS_EVENTS, PupilDeregistered
from meldcode_testkit import Suite, read_topic
from meldcode_vocabulary.dutch_days import dutch_today

IB = {"sub": "ib-1", "role": "intern_begeleider", "schools": ("12AB",)}
TEACHER = {"sub": "leerkracht-1", "role": "leerkracht", "schools": ("12AB",)}
PUPIL = {
    "school": "12AB",
    "pupil_number": "L-7",
    "given_name": "Sanne",
    "family_name": "Jansen",
    "date_of_birth": "2014-03-02",
}


def auth(suite: Suite, **claims: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {suite.infra.token(**claims)}"}  # type: ignore[arg-type]


def signal(observed_on: str) -> dict[str, object]:
    return {
        "observed_on": observed_on,
        "description": "Komt al een week zonder jas naar school.",
        "source": {"kind": "own_observation"},
    }


async def test_a_deregistered_pupil_is_published_and_later_signals_are_refused_naming_rule_14(
    suite: Suite,
) -> None:
    svc = await suite.service("signals")
    today = dutch_today()
    left_on = (today - timedelta(days=1)).isoformat()
    async with httpx.AsyncClient(base_url=svc.url) as http:
        pupil_id = (await http.post("/pupils", json=PUPIL, headers=auth(suite, **IB))).json()["pupil_id"]
        teacher_try = await http.post(
            f"/pupils/{pupil_id}/deregistration", json={"left_on": left_on}, headers=auth(suite, **TEACHER)
        )
        assert teacher_try.status_code == 403
        done = await http.post(
            f"/pupils/{pupil_id}/deregistration",
            json={"left_on": left_on, "destination_school": "34CD"},
            headers=auth(suite, **IB),
        )
        assert done.status_code == 200, done.text
        again = await http.post(
            f"/pupils/{pupil_id}/deregistration", json={"left_on": left_on}, headers=auth(suite, **IB)
        )
        assert again.status_code == 409
        assert again.json()["rule"] == "rule-14-already-deregistered"
        late = await http.post(
            f"/pupils/{pupil_id}/signals", json=signal(today.isoformat()), headers=auth(suite, **TEACHER)
        )
        assert late.status_code == 409
        assert late.json()["rule"] == "rule-14-pupil-left-school"
        on_last_day = await http.post(
            f"/pupils/{pupil_id}/signals", json=signal(left_on), headers=auth(suite, **TEACHER)
        )
        assert on_last_day.status_code == 201, on_last_day.text

    messages = await read_topic(suite.infra.kafka, suite.topic(SIGNALS_EVENTS), expected=3)
    events = [suite.open_event(m["value"]) for m in messages]
    assert [e.event_type for e in events] == ["PupilRegistered", "PupilDeregistered", "SignalRecorded"]
    deregistered = events[1]
    assert isinstance(deregistered, PupilDeregistered)
    assert str(deregistered.payload.pupil_id) == pupil_id
    assert deregistered.payload.destination_school == "34CD"
    assert deregistered.actor.user_id == "ib-1"
