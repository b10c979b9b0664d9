"""The teacher's record-a-signal form against fake services: what is sent, and a refusal that
keeps everything the teacher typed."""

from __future__ import annotations

import json
import uuid

from .shell_fakes import FakeServices, csrf_of, log_in, portal

PUPIL = "0b6a7f52-8c4e-4a57-9d2c-2d6f8f7b0a11"
SIGNAL = "5d1c0f0e-2b7a-4c1e-8d8e-3f1f2a9b7c66"
PUPIL_BODY = {"pupil_id": PUPIL, "given_name": "Sanne", "family_name": "Jansen", "pupil_number": "123",
              "school": "12AB", "date_of_birth": "2014-03-09"}  # fmt: skip
FORM = {
    "observed_on": "2026-01-05",
    "description": "Kwam zonder jas naar school.",
    "interpretation": "Zorgen over de thuissituatie.",
    "source_kind": "third_party",
    "source_name": "",
    "categories": ["neglect", "emotional"],
}


def teacher_with(services: FakeServices):  # type: ignore[no-untyped-def]
    services.on("GET", f"/pupils/{PUPIL}", body=PUPIL_BODY)
    client, _, _ = portal(services=services)
    log_in(client)
    return client


def test_the_signal_is_sent_with_facts_and_interpretation_apart() -> None:
    services = FakeServices()
    services.on("POST", f"/pupils/{PUPIL}/signals", status=201, body={"signal_id": SIGNAL, "pupil_id": PUPIL})
    client = teacher_with(services)
    response = client.post(
        f"/leerkracht/leerlingen/{PUPIL}/signaal",
        data={**FORM, "source_name": "buurvrouw", "csrf_token": csrf_of(client)},
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/leerkracht/signalen/{SIGNAL}?vastgelegd=1"
    sent = json.loads(next(r for r in services.requests if r.method == "POST").content)
    assert sent == {
        "observed_on": "2026-01-05",
        "description": "Kwam zonder jas naar school.",
        "interpretation": "Zorgen over de thuissituatie.",
        "source": {"kind": "third_party", "name": "buurvrouw"},
        "categories": ["neglect", "emotional"],
    }


def test_a_refused_signal_shows_the_rule_message_and_keeps_the_input() -> None:
    services = FakeServices()
    services.on(
        "POST",
        f"/pupils/{PUPIL}/signals",
        status=422,
        body={"title": "Niet toegestaan volgens de Meldcode", "status": 422,
              "detail": "Noem de derde van wie de informatie komt.", "rule": "rule-1-source-named"},
    )  # fmt: skip
    client = teacher_with(services)
    response = client.post(
        f"/leerkracht/leerlingen/{PUPIL}/signaal", data={**FORM, "csrf_token": csrf_of(client)}
    )
    assert response.status_code == 422
    html = response.text
    assert 'role="alert"' in html and "Noem de derde van wie de informatie komt." in html
    assert "Kwam zonder jas naar school.</textarea>" in html
    assert "Zorgen over de thuissituatie.</textarea>" in html
    assert 'value="third_party" checked' in html
    assert 'value="neglect" checked' in html and 'value="emotional" checked' in html


def test_a_form_without_facts_is_answered_by_the_portal_without_calling_the_service() -> None:
    services = FakeServices()
    client = teacher_with(services)
    response = client.post(
        f"/leerkracht/leerlingen/{PUPIL}/signaal",
        data={**FORM, "description": "", "observed_on": "", "csrf_token": csrf_of(client)},
    )
    assert response.status_code == 422
    assert "Vul de datum van de waarneming in." in response.text
    assert "Beschrijf wat u heeft gezien of gehoord." in response.text
    assert not [r for r in services.requests if r.method == "POST"]


def test_the_pupil_search_asks_reporting_for_the_teachers_own_school() -> None:
    services = FakeServices()
    services.on(
        "GET",
        "/schools/12AB/pupils",
        body={"school": "12AB", "query": "jan", "pupils": [
            {"pupil_id": PUPIL, "school": "12AB", "pupil_number": "123", "display_name": "Sanne Jansen"}]},
    )  # fmt: skip
    client = teacher_with(services)
    html = client.get("/leerkracht/leerlingen", params={"q": "jan"}).text
    assert f'href="/leerkracht/leerlingen/{PUPIL}/signaal"' in html and "Sanne Jansen" in html
    assert services.requests[-1].url.params["q"] == "jan"


OTHER_PUPIL = "7c2d6f0e-1a3b-4c5d-8e9f-0a1b2c3d4e5f"


def listed(
    signal_id: str, pupil_id: str, *, observed_on: str, status: str, **more: object
) -> dict[str, object]:
    return {"signal_id": signal_id, "pupil_id": pupil_id, "pupil_display_name": "Sanne Jansen",
            "pupil_number": more.pop("number", "123"), "pupil_birth_year": more.pop("year", 2014),
            "observed_on": observed_on, "recorded_at": "2026-01-06T09:30:00Z", "description": "Kwam zonder jas.",
            "categories": ["neglect"], "source_kind": "own_observation", "corrected": False, "status": status,
            "teacher_advice": more.pop("advice", [])}  # fmt: skip


def test_my_signals_say_what_became_of_each_and_tell_pupils_of_the_same_name_apart() -> None:
    services = FakeServices()
    services.on("GET", "/schools/12AB/my-signals", body={"school": "12AB", "signals": [
        listed(SIGNAL, PUPIL, observed_on="2026-01-05", status="in_case", advice=["Let op de lunch."]),
        listed(str(uuid.uuid4()), OTHER_PUPIL, observed_on="2026-01-02", status="received", number="456", year=2015),
    ]})  # fmt: skip
    client = teacher_with(services)
    html = client.get("/leerkracht/signalen").text
    rows = html.split('data-testid="signal-row"')[1:]
    assert "Opgenomen in een zaak" in rows[0] and "Adviezen voor u" in rows[0]
    assert "Ontvangen door de IB&#39;er" in rows[1] and "Adviezen voor u" not in rows[1]
    assert (
        "leerlingnummer 123, geboren in 2014" in rows[0] and "leerlingnummer 456, geboren in 2015" in rows[1]
    )
    assert "5 januari 2026" in rows[0] and "vastgelegd 6 januari 2026" in rows[0], "observed and recorded"
    assert "in_case" not in html and "received" not in html


def test_the_signal_page_shows_the_advice_for_the_teacher_and_another_signal_goes_to_the_same_pupil() -> None:
    services = FakeServices()
    services.on("GET", f"/signals/{SIGNAL}", body={
        "signal_id": SIGNAL, "pupil_id": PUPIL, "school": "12AB", "observed_on": "2026-01-05",
        "description": "Kwam zonder jas.", "source": {"kind": "own_observation", "name": None},
        "categories": [], "interpretation": None, "corrections": 0})  # fmt: skip
    services.on("GET", f"/signals/{SIGNAL}/attachments", body={"items": []})
    services.on("GET", "/schools/12AB/my-signals", body={"school": "12AB", "signals": [
        listed(SIGNAL, PUPIL, observed_on="2026-01-05", status="in_case", advice=["Let op de lunch."])]})  # fmt: skip
    client = teacher_with(services)
    html = client.get(f"/leerkracht/signalen/{SIGNAL}").text
    assert "Opgenomen in een zaak" in html
    assert 'data-testid="teacher-advice">Let op de lunch.' in html
    assert f'href="/leerkracht/leerlingen/{PUPIL}/signaal">Nog een signaal over Sanne vastleggen' in html
