"""Role guards and the pages every role shares: the wrong role gets a Dutch 403 page."""

from __future__ import annotations

from .shell_fakes import FakeLoginClient, FakeServices, log_in, portal


def test_a_teacher_page_refuses_another_role_with_a_dutch_page() -> None:
    client, _, _ = portal(login=FakeLoginClient(token="token-bram", name="Bram Bakker"))
    log_in(client)
    response = client.get("/leerkracht/signalen")
    assert response.status_code == 403
    assert "Geen toegang" in response.text
    assert 'lang="nl"' in response.text


def test_a_service_refusal_that_reaches_no_form_becomes_a_dutch_error_page() -> None:
    services = FakeServices()
    pupil = "0b6a7f52-8c4e-4a57-9d2c-2d6f8f7b0a11"
    services.on(
        "GET",
        f"/pupils/{pupil}",
        status=403,
        body={
            "title": "Geen toegang",
            "status": 403,
            "detail": "Deze gegevens horen bij een andere school.",
            "rule": "school",
        },
    )
    client, _, _ = portal(services=services)
    log_in(client)
    response = client.get(f"/leerkracht/leerlingen/{pupil}/signaal")
    assert response.status_code == 403
    assert "Deze gegevens horen bij een andere school." in response.text


def test_a_service_outage_shows_a_dutch_page() -> None:
    services = FakeServices()
    services.on("GET", "/schools/12AB/my-signals", status=503, body={"detail": "weg"})
    client, _, _ = portal(services=services)
    log_in(client)
    response = client.get("/leerkracht/signalen")
    assert response.status_code == 503
    assert "Tijdelijk niet beschikbaar" in response.text


def test_the_page_layout_has_a_skip_link_a_main_landmark_and_the_users_role_in_dutch() -> None:
    services = FakeServices()
    services.on("GET", "/schools/12AB/my-signals", body={"school": "12AB", "signals": []})
    client, _, _ = portal(services=services)
    log_in(client)
    html = client.get("/leerkracht").text
    assert 'href="#inhoud"' in html and '<main id="inhoud"' in html
    assert 'aria-label="Hoofdmenu"' in html
    assert "Leerkracht" in html and "Uitloggen" in html
