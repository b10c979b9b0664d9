"""The reporting service as a real process, fed real contract events through real Kafka."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import httpx

from meldcode_contracts import (
    SIGNALS_EVENTS,
    Actor,
    CaseObligationsChanged,
    CaseOpened,
    Role,
    dead_letter_topic,
)
from meldcode_contracts.vocabulary import obligation_text
from meldcode_testkit import Suite, eventually, publish_raw, read_topic
from meldcode_testkit.builders import CaseFile, Events, a_whole_case, at
from meldcode_testkit.people import IB, ZORGTEAM, auth
from meldcode_testkit.publishing import publish_as_owners as publish

from .reading import chronology_with


async def test_the_chronology_shows_signals_and_case_events_in_time_order(
    suite: Suite, events: Events
) -> None:
    svc = await suite.service("reporting")
    registered = events.pupil()
    pupil_id = registered.payload.pupil_id
    later = events.signal(pupil_id, when=at(120))
    earlier = events.signal(pupil_id, when=at(30))
    opened = events.case(pupil_id, [earlier.payload.signal_id, later.payload.signal_id], when=at(180))
    corrected = events.correction(earlier, when=at(240))
    await publish(suite, registered, later, opened, earlier, corrected)

    async with httpx.AsyncClient(base_url=svc.url) as http:
        body = await eventually(lambda: chronology_with(http, suite, pupil_id, 4))

    assert body["pupil"] == {
        "pupil_id": str(pupil_id),
        "tenant": "swv-zuid",
        "school": "12AB",
        "pupil_number": registered.payload.pupil_number,
        "display_name": "Sanne Jansen",
    }
    entries = body["entries"]
    assert [e["event_id"] for e in entries] == [
        str(earlier.event_id),
        str(later.event_id),
        str(opened.event_id),
        str(corrected.event_id),
    ]
    assert [e["label"] for e in entries] == [
        "Signaal vastgelegd",
        "Signaal vastgelegd",
        "Zaak geopend",
        "Signaal gecorrigeerd",
    ]
    assert entries[2]["case_id"] == str(opened.payload.case_id)
    assert entries[2]["actor"] == {"user_id": "ib-1", "role": "intern_begeleider"}
    assert entries[0]["occurred_at"] == "2026-11-02T08:30:00Z"


async def test_a_corrected_signal_keeps_its_original_entry_in_the_chronology(
    suite: Suite, events: Events
) -> None:
    svc = await suite.service("reporting")
    registered = events.pupil()
    pupil_id = registered.payload.pupil_id
    recorded = events.signal(pupil_id, when=at(10), description="Komt zonder jas.")
    corrected = events.correction(recorded, when=at(10), reason="Verkeerde dag ingevuld")
    # Delivered out of order and at the same moment: sequence still puts the original first.
    await publish(suite, registered, corrected, recorded)

    async with httpx.AsyncClient(base_url=svc.url) as http:
        body = await eventually(lambda: chronology_with(http, suite, pupil_id, 2))

    original, correction = body["entries"]
    assert original["event_id"] == str(recorded.event_id)
    assert original["corrected"] is True
    assert original["corrections"] == 1
    assert original["latest_correction_id"] == str(corrected.event_id)
    assert original["observed_on"] == "2026-11-01", "the original facts are never overwritten"
    assert original["facts"]["description"] == "Komt zonder jas."
    assert correction["event_id"] == str(corrected.event_id)
    assert correction["signal_id"] == original["signal_id"]
    assert correction["observed_on"] == "2026-10-31"
    assert correction["facts"]["reason"] == "Verkeerde dag ingevuld"
    assert correction["corrected"] is False


async def test_the_chronology_shows_who_wrote_the_signal_and_who_corrected_it(
    suite: Suite, events: Events
) -> None:
    svc = await suite.service("reporting")
    registered = events.pupil()
    pupil_id = registered.payload.pupil_id
    recorded = events.signal(pupil_id, when=at(10), description="Komt zonder jas.")
    by_ib = events.correction(
        recorded, when=at(20), reason="Dag nagevraagd", by=Actor(user_id="ib-1", role=Role.INTERN_BEGELEIDER)
    )
    await publish(suite, registered, recorded, by_ib)

    async with httpx.AsyncClient(base_url=svc.url) as http:
        body = await eventually(lambda: chronology_with(http, suite, pupil_id, 2))

    original, correction = body["entries"]
    assert original["actor"] == {"user_id": recorded.payload.observer_id, "role": "leerkracht"}
    assert correction["actor"] == {"user_id": "ib-1", "role": "intern_begeleider"}
    assert correction["facts"]["observer_id"] == recorded.payload.observer_id


async def test_a_redelivered_event_appears_once(suite: Suite, events: Events) -> None:
    svc = await suite.service("reporting")
    registered = events.pupil()
    pupil_id = registered.payload.pupil_id
    recorded = events.signal(pupil_id, when=at(10))
    opened = events.case(pupil_id, [recorded.payload.signal_id], when=at(20))
    marker = events.signal(pupil_id, when=at(30))
    await publish(suite, registered, recorded, recorded, opened, opened)
    await publish(suite, marker)  # once this one is in, the duplicates before it were processed too

    async with httpx.AsyncClient(base_url=svc.url) as http:

        async def marker_and_case_seen() -> dict[str, Any] | None:
            body = await chronology_with(http, suite, pupil_id, 1)
            ids = [e["event_id"] for e in body["entries"]] if body else []
            return body if str(marker.event_id) in ids and str(opened.event_id) in ids else None

        body = await eventually(marker_and_case_seen)
        cases = (await http.get("/schools/12AB/cases", headers=auth(suite, **IB))).json()["cases"]

    assert [e["event_id"] for e in body["entries"]] == [
        str(recorded.event_id),
        str(opened.event_id),
        str(marker.event_id),
    ]
    assert [c["case_id"] for c in cases] == [str(opened.payload.case_id)]


async def test_the_school_case_list_shows_each_case_with_its_step_for_that_school_only(
    suite: Suite, events: Events
) -> None:
    svc = await suite.service("reporting")
    registered = events.pupil()
    pupil_id = registered.payload.pupil_id
    recorded = events.signal(pupil_id, when=at(10))
    opened = events.case(pupil_id, [recorded.payload.signal_id], when=at(20))
    elsewhere = Events(school="34CD")
    other_pupil = elsewhere.pupil()
    other_signal = elsewhere.signal(other_pupil.payload.pupil_id, when=at(10))
    other_case = elsewhere.case(other_pupil.payload.pupil_id, [other_signal.payload.signal_id], when=at(15))
    # casework's step and obligations, with due days from terms no reader could derive itself, and
    # an obligation kind of a newer casework
    published = CaseFile(events, opened).published(
        at(20),
        "geopend",
        ("gesprek_ouders", date(2000, 1, 3)),
        ("plicht_van_morgen", date(2999, 12, 31)),
        "overdracht",
    )
    await publish(suite, registered, recorded, other_pupil, other_signal, other_case, opened, published)

    async with httpx.AsyncClient(base_url=svc.url) as http:

        async def cases_of_12ab() -> list[dict[str, Any]]:
            response = await http.get("/schools/12AB/cases", headers=auth(suite, **IB))
            return response.json()["cases"] if response.status_code == 200 else []

        async def published_case() -> list[dict[str, Any]] | None:
            listed = await cases_of_12ab()
            return listed if listed and listed[0]["step"] is not None else None

        [case] = await eventually(published_case)
        other_school = await http.get("/schools/34CD/cases", headers=auth(suite, **IB))
        malformed = await http.get("/schools/not-a-brin/cases", headers=auth(suite, **IB))
        no_token = await http.get("/schools/12AB/cases")
        teacher = await http.get(
            "/schools/12AB/cases", headers=auth(suite, sub="lk-1", role="leerkracht", schools=("12AB",))
        )

    assert case.pop("obligations") == [
        {
            "code": "gesprek_ouders",
            "text": obligation_text("gesprek_ouders"),
            "due_on": "2000-01-03",
            "overdue": True,
        },
        {"code": "plicht_van_morgen", "text": "plicht_van_morgen", "due_on": "2999-12-31", "overdue": False},
        {"code": "overdracht", "text": obligation_text("overdracht"), "due_on": None, "overdue": False},
    ]
    assert case.pop("overdue") == ["gesprek_ouders"]
    assert case == {
        "case_id": str(opened.payload.case_id),
        "pupil_id": str(pupil_id),
        "pupil_display_name": "Sanne Jansen",
        "step": "geopend",
        "step_label": "Stap 2: zaak geopend na collegiale consultatie",
        "open": True,
        "case_owner_id": "ib-1",
        "signal_ids": [str(recorded.payload.signal_id)],
        "outcome": None,
        "reported": False,
        "reported_on": None,
        "reports": 0,
        "pupil_left_school": False,
        "left_school_on": None,
        "transferred_from": None,
        "transferred_on": None,
        "opened_at": "2026-11-02T08:20:00Z",
        "last_event_at": "2026-11-02T08:20:00Z",
    }
    assert (other_school.status_code, other_school.json()["rule"]) == (403, "school")
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["field"] == "path.brin"
    assert no_token.status_code == 401
    assert (teacher.status_code, teacher.json()["rule"]) == (403, "role")


async def test_only_care_staff_of_the_pupils_own_school_may_read_the_chronology(
    suite: Suite, events: Events
) -> None:
    svc = await suite.service("reporting")
    registered = events.pupil(given_name="Sanne", family_name="Jansen")
    pupil_id = registered.payload.pupil_id
    await publish(suite, registered, events.signal(pupil_id, when=at(10)))

    async with httpx.AsyncClient(base_url=svc.url) as http:
        await eventually(lambda: chronology_with(http, suite, pupil_id, 1))
        url = f"/pupils/{pupil_id}/chronology"
        no_token = await http.get(url)
        other_school = await http.get(
            url, headers=auth(suite, sub="ib-2", role="intern_begeleider", schools=("34CD",))
        )
        other_tenant = await http.get(
            url, headers=auth(suite, sub="ib-3", role="intern_begeleider", tenant="swv-noord")
        )
        teacher = await http.get(url, headers=auth(suite, sub="lk-1", role="leerkracht"))
        unknown = await http.get(f"/pupils/{uuid.uuid4()}/chronology", headers=auth(suite, **IB))
        auditor = await http.get(url, headers=auth(suite, sub="aud-1", role="auditor", schools=()))
        zorgteam = await http.get(url, headers=auth(suite, **ZORGTEAM))

    assert no_token.status_code == 401
    assert (other_school.status_code, other_school.json()["rule"]) == (403, "school")
    assert (other_tenant.status_code, other_tenant.json()["rule"]) == (403, "tenant")
    assert (teacher.status_code, teacher.json()["rule"]) == (403, "role")
    assert (unknown.status_code, unknown.json()["rule"]) == (404, "pupil-not-found")
    assert auditor.status_code == 200
    # a zorgteam member sees a pupil only through a case they are invited into (none here)
    assert (zorgteam.status_code, zorgteam.json()["rule"]) == (404, "pupil-not-found")
    for refused in (no_token, other_school, other_tenant, teacher, unknown):
        assert refused.headers["content-type"] == "application/problem+json"
        assert "Sanne" not in refused.text


async def test_a_poison_message_is_parked_with_its_error_and_the_next_message_is_processed(
    suite: Suite, events: Events
) -> None:
    svc = await suite.service("reporting")
    registered = events.pupil()
    same_partition = str(registered.subject_id).encode()
    await publish_raw(suite.infra.kafka, suite.topic(SIGNALS_EVENTS), b"not json", same_partition)
    await publish(suite, registered)

    async with httpx.AsyncClient(base_url=svc.url) as http:
        await eventually(lambda: chronology_with(http, suite, registered.payload.pupil_id, 0))

    [parked] = await read_topic(suite.infra.kafka, suite.topic(dead_letter_topic("reporting")), expected=1)
    assert parked["value"] == b"not json"
    assert parked["key"] == same_partition
    assert parked["headers"]["x-error"].startswith(b"invalid contract event")
    assert parked["headers"]["x-original-topic"] == suite.topic(SIGNALS_EVENTS).encode()
    log = svc.log_path.read_text()
    assert "Sanne" not in log
    assert "Jansen" not in log


async def cases_of(http: httpx.AsyncClient, suite: Suite, brin: str) -> list[dict[str, Any]]:
    claims = {"sub": f"ib-{brin}", "role": "intern_begeleider", "schools": (brin,)}
    response = await http.get(f"/schools/{brin}/cases", headers=auth(suite, **claims))
    assert response.status_code == 200, response.text
    cases: list[dict[str, Any]] = response.json()["cases"]
    return cases


async def test_a_whole_case_shows_every_step_in_the_chronology_and_ends_closed_in_the_case_list(
    suite: Suite, events: Events
) -> None:
    svc = await suite.service("reporting")
    registered = events.pupil()
    pupil_id = registered.payload.pupil_id
    recorded = events.signal(pupil_id, when=at(10))
    history = a_whole_case(events, pupil_id, [recorded.payload.signal_id], start=60, published=True)
    case_id = history[0].payload.case_id  # type: ignore[attr-defined]
    await publish(suite, registered, recorded, *history)
    facts = [e for e in history if not isinstance(e, CaseObligationsChanged)]  # not in a chronology

    async with httpx.AsyncClient(base_url=svc.url) as http:

        async def closed_case() -> dict[str, Any] | None:
            listed = [c for c in await cases_of(http, suite, "12AB") if c["case_id"] == str(case_id)]
            return listed[0] if listed and listed[0]["step"] == "gesloten" else None

        case = await eventually(closed_case)
        body = await eventually(lambda: chronology_with(http, suite, pupil_id, 1 + len(facts)))

    entries = body["entries"]
    assert [e["event_id"] for e in entries] == [str(e.event_id) for e in (recorded, *facts)]
    assert [e["label"] for e in entries] == [
        "Signaal vastgelegd",
        "Zaak geopend",
        "Gesprek met ouders gevoerd",
        "Weging in het zorgteam",
        "Besluit volgens het afwegingskader",
        "Hulp georganiseerd",
        "Ouders geïnformeerd over de melding",
        "Kind geïnformeerd",
        "Melding bij Veilig Thuis",
        "Terugkoppeling van Veilig Thuis",
        "Zorgcoördinator aangewezen",
        "Evaluatie gepland",
        "Hulp geëvalueerd",
        "Zaak gesloten",
    ]
    assert all(e["case_id"] == str(case_id) for e in entries[1:])
    weighing = entries[3]
    assert weighing["actor"] == {"user_id": "zt-1", "role": "zorgteam"}
    assert weighing["facts"]["q2_structural_unsafety"] is True
    assert entries[8]["facts"]["veilig_thuis_organisation"] == "Veilig Thuis Zuid-Holland Zuid"

    report_day = facts[7].payload.reported_on  # type: ignore[attr-defined]
    assert case["step"] == "gesloten"
    assert case["step_label"] == "Zaak gesloten"
    assert case["open"] is False
    assert case["outcome"] == "report_and_help"
    assert (case["obligations"], case["overdue"]) == ([], [])
    assert (case["reported"], case["reported_on"], case["reports"]) == (True, report_day.isoformat(), 1)
    assert case["pupil_display_name"] == "Sanne Jansen"
    assert case["last_event_at"] == "2026-11-02T21:00:00Z"
    assert "Moeder vertelt" not in svc.log_path.read_text()


async def test_a_transferred_case_is_listed_by_the_new_school_and_no_longer_as_open_by_the_old_one(
    suite: Suite, events: Events
) -> None:
    svc = await suite.service("reporting")
    registered = events.pupil()
    pupil_id = registered.payload.pupil_id
    recorded = events.signal(pupil_id, when=at(10))
    opened: CaseOpened = events.case(pupil_id, [recorded.payload.signal_id], when=at(20))
    file = CaseFile(events, opened)
    staying = events.case(pupil_id, [recorded.payload.signal_id], when=at(25))
    history = [
        opened,
        file.conversation_held(at(30)),
        file.pupil_left(at(40), destination_school="34CD"),
        file.transferred(at(50), to_school="34CD", new_owner="ib-9"),
        file.risk_weighed(at(60)),  # already at the new school
    ]
    published = file.published(at(60), "weging", "besluit_afwegingskader")  # casework's step after it
    await publish(suite, registered, recorded, staying, *history, published)

    async with httpx.AsyncClient(base_url=svc.url) as http:

        async def at_new_school() -> dict[str, Any] | None:
            listed = [c for c in await cases_of(http, suite, "34CD") if c["case_id"] == str(file.case_id)]
            return listed[0] if listed and listed[0]["step"] == "weging" else None

        moved = await eventually(at_new_school)
        old_school = await eventually(lambda: cases_of(http, suite, "12AB"))
        body = await eventually(lambda: chronology_with(http, suite, pupil_id, 6))

    assert moved["case_owner_id"] == "ib-9"
    assert moved["transferred_from"] == "12AB"
    assert moved["transferred_on"] == history[3].payload.transferred_on.isoformat()  # type: ignore[attr-defined]
    assert moved["pupil_left_school"] is False
    assert moved["open"] is True
    assert [c["case_id"] for c in old_school] == [str(staying.payload.case_id)], (
        "the old school lists its own other case, not the handed-over one"
    )
    labels = [e["label"] for e in body["entries"] if e["case_id"] == str(file.case_id)]
    assert labels == [
        "Zaak geopend",
        "Gesprek met ouders gevoerd",
        "Leerling heeft de school verlaten",
        "Zaak overgedragen",
    ], "the old school's chronology ends with the hand-over: the new school's weighing is not its"
