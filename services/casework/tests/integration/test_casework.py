"""The casework service as a real process, fed by the real signals service through Kafka."""

import uuid

import httpx

from meldcode_contracts import (
    CASEWORK_EVENTS,
    SIGNALS_EVENTS,
    CaseObligationsChanged,
    CaseOpened,
    dead_letter_topic,
)
from meldcode_testkit import Suite, eventually, publish_raw, read_topic
from meldcode_testkit.people import IB, TEACHER, auth

from .world import has_all, pupil_with_signals


async def test_an_ib_er_opens_a_case_from_signals_that_casework_learned_from_kafka(suite: Suite) -> None:
    signals, casework = await suite.service("signals"), await suite.service("casework")
    pupil_id, signal_ids = await pupil_with_signals(suite, signals.url, 3)
    async with httpx.AsyncClient(base_url=casework.url) as http:
        await eventually(lambda: has_all(http, suite, pupil_id, signal_ids))
        opened = await http.post(
            "/cases", json={"pupil_id": pupil_id, "signal_ids": signal_ids}, headers=auth(suite, **IB)
        )
        assert opened.status_code == 201, opened.text
        case = (await http.get(f"/cases/{opened.json()['case_id']}", headers=auth(suite, **IB))).json()
    assert case["step"] == "geopend"
    assert case["case_owner_id"] == "ib-1"
    message, *_ = await read_topic(suite.infra.kafka, suite.topic(CASEWORK_EVENTS), expected=1)
    event = suite.open_event(message["value"])
    assert isinstance(event, CaseOpened)
    assert [str(s) for s in event.payload.signal_ids] == signal_ids
    assert message["key"] == opened.json()["case_id"].encode()


async def test_a_command_that_changes_the_obligations_publishes_them_after_its_own_event(
    suite: Suite,
) -> None:
    signals, casework = await suite.service("signals"), await suite.service("casework")
    pupil_id, signal_ids = await pupil_with_signals(suite, signals.url, 1)
    async with httpx.AsyncClient(base_url=casework.url) as http:
        await eventually(lambda: has_all(http, suite, pupil_id, signal_ids))
        opened = await http.post(
            "/cases", json={"pupil_id": pupil_id, "signal_ids": signal_ids}, headers=auth(suite, **IB)
        )
        case_id = opened.json()["case_id"]
        held = await http.post(
            f"/cases/{case_id}/parents-conversation",
            json={"held_on": "2026-11-02", "participants": ["moeder"], "summary": "Zorgen besproken."},
            headers={**auth(suite, **IB), "X-Correlation-ID": "corr-obligations-1"},
        )
    assert (opened.status_code, opened.json()["version"]) == (201, 2)
    assert held.status_code == 200, held.text
    view = held.json()
    messages = await read_topic(suite.infra.kafka, suite.topic(CASEWORK_EVENTS), expected=4)
    events = [suite.open_event(m["value"]) for m in messages]
    assert [e.event_type for e in events] == [
        "CaseOpened",
        "CaseObligationsChanged",
        "ParentsConversationHeld",
        "CaseObligationsChanged",
    ]
    conversation, changed = events[2], events[3]
    assert isinstance(changed, CaseObligationsChanged)
    assert changed.sequence == conversation.sequence + 1 == view["version"]
    assert changed.correlation_id == conversation.correlation_id
    assert changed.actor == conversation.actor and changed.actor.user_id == "ib-1"
    assert all(m["key"] == case_id.encode() for m in messages)
    assert changed.payload.step == view["step"] == "gesprek_ouders"
    published = [(o.kind, o.due_on.isoformat() if o.due_on else None) for o in changed.payload.obligations]
    assert published == [(o["code"], o["due_on"]) for o in view["open_obligations"]]
    assert [kind for kind, due in published if due is not None] == ["weging_zorgteam"]


async def test_the_rules_for_opening_a_case_are_refused_with_the_rule_named(suite: Suite) -> None:
    signals, casework = await suite.service("signals"), await suite.service("casework")
    pupil_id, [signal_id] = await pupil_with_signals(suite, signals.url, 1)
    other_pupil, [other_signal] = await pupil_with_signals(suite, signals.url, 1)
    async with httpx.AsyncClient(base_url=casework.url) as http:
        await eventually(lambda: has_all(http, suite, other_pupil, [other_signal]))
        by_teacher = await http.post(
            "/cases", json={"pupil_id": pupil_id, "signal_ids": [signal_id]}, headers=auth(suite, **TEACHER)
        )
        unknown = await http.post(
            "/cases",
            json={"pupil_id": pupil_id, "signal_ids": [str(uuid.uuid4())]},
            headers=auth(suite, **IB),
        )
        mixed = await http.post(
            "/cases",
            json={"pupil_id": pupil_id, "signal_ids": [signal_id, other_signal]},
            headers=auth(suite, **IB),
        )
        empty = await http.post(
            "/cases", json={"pupil_id": pupil_id, "signal_ids": []}, headers=auth(suite, **IB)
        )
        other_school = await http.post(
            "/cases",
            json={"pupil_id": pupil_id, "signal_ids": [signal_id]},
            headers=auth(suite, sub="ib-2", role="intern_begeleider", schools=("34CD",)),
        )
    assert (by_teacher.status_code, by_teacher.json()["rule"]) == (403, "role")
    assert (unknown.status_code, unknown.json()["rule"]) == (422, "rule-4-signals-recorded")
    assert (mixed.status_code, mixed.json()["rule"]) == (422, "rule-4-signals-of-this-pupil")
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["field"] == "signal_ids"
    assert other_school.status_code == 403


async def test_a_poison_message_is_parked_with_its_error_and_the_next_message_is_processed(
    suite: Suite,
) -> None:
    signals, casework = await suite.service("signals"), await suite.service("casework")
    await publish_raw(
        suite.infra.kafka, suite.topic(SIGNALS_EVENTS), b'{"event_type": "SignalRecorded", "oops": 1}', b"k"
    )
    pupil_id, signal_ids = await pupil_with_signals(suite, signals.url, 1)
    async with httpx.AsyncClient(base_url=casework.url) as http:
        await eventually(lambda: has_all(http, suite, pupil_id, signal_ids))
    [parked] = await read_topic(suite.infra.kafka, suite.topic(dead_letter_topic("casework")), expected=1)
    assert parked["value"] == b'{"event_type": "SignalRecorded", "oops": 1}'
    assert parked["headers"]["x-error"].startswith(b"invalid contract event")
    assert parked["headers"]["x-original-topic"] == suite.topic(SIGNALS_EVENTS).encode()


async def test_messages_with_null_or_binary_headers_or_a_lying_content_type_are_parked_not_lost(
    suite: Suite,
) -> None:
    signals, casework = await suite.service("signals"), await suite.service("casework")
    topic = suite.topic(SIGNALS_EVENTS)
    await publish_raw(
        suite.infra.kafka, topic, b"{not json", b"k", headers=[("content-type", b"application/json")]
    )
    await publish_raw(
        suite.infra.kafka, topic, b"garbage", b"k", headers=[("x-null", None), ("x-bin", b"\xff\xfe")]
    )
    pupil_id, signal_ids = await pupil_with_signals(suite, signals.url, 1)
    async with httpx.AsyncClient(base_url=casework.url) as http:
        await eventually(lambda: has_all(http, suite, pupil_id, signal_ids))
    parked = await read_topic(suite.infra.kafka, suite.topic(dead_letter_topic("casework")), expected=2)
    assert sorted(m["value"] for m in parked) == [b"garbage", b"{not json"]
