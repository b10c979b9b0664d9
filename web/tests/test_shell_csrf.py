"""The central CSRF check: every unsafe request needs the session's token (form field or header)."""

from __future__ import annotations

from .shell_fakes import FakeServices, csrf_of, log_in, portal

PUPIL = "0b6a7f52-8c4e-4a57-9d2c-2d6f8f7b0a11"


def logged_in() -> tuple:  # type: ignore[type-arg]
    services = FakeServices()
    services.on(
        "GET",
        f"/pupils/{PUPIL}",
        body={
            "pupil_id": PUPIL,
            "given_name": "Sanne",
            "family_name": "Jansen",
            "pupil_number": "123",
            "school": "12AB",
            "date_of_birth": "2014-03-09",
        },
    )
    services.on("POST", f"/pupils/{PUPIL}/signals", status=201, body={"signal_id": PUPIL, "pupil_id": PUPIL})
    client, _, _ = portal(services=services)
    log_in(client)
    return client, services


def test_a_form_post_without_the_token_is_refused_with_a_dutch_page_and_reaches_no_service() -> None:
    client, services = logged_in()
    response = client.post(f"/leerkracht/leerlingen/{PUPIL}/signaal", data={"description": "x"})
    assert response.status_code == 403
    assert "Formulier verlopen" in response.text
    assert not [r for r in services.requests if r.method == "POST"]


def test_a_form_post_with_another_token_is_refused() -> None:
    client, _ = logged_in()
    response = client.post(f"/leerkracht/leerlingen/{PUPIL}/signaal", data={"csrf_token": "guessed"})
    assert response.status_code == 403


def test_a_form_post_with_the_sessions_token_goes_through() -> None:
    client, services = logged_in()
    token = csrf_of(client)
    response = client.post(
        f"/leerkracht/leerlingen/{PUPIL}/signaal",
        data={
            "csrf_token": token,
            "observed_on": "2026-01-05",
            "description": "Feiten.",
            "source_kind": "own_observation",
        },
    )
    assert response.status_code == 303
    assert [r for r in services.requests if r.method == "POST"]


def test_an_htmx_request_may_send_the_token_as_a_header() -> None:
    client, _ = logged_in()
    token = csrf_of(client)
    response = client.post("/logout", headers={"X-CSRF-Token": token})
    assert response.status_code == 200


def test_a_post_without_a_session_at_all_is_refused() -> None:
    client, _ = logged_in()
    client.cookies.clear()
    assert client.post("/logout", data={"csrf_token": "x"}).status_code == 403
