"""Logging in and out of the portal, with a fake issuer: the redirect to log in, the callback that
verifies the access token, the session cookie."""

from __future__ import annotations

from meldcode_web.auth import safe_next

from .shell_fakes import FakeLoginClient, FakeServices, log_in, portal


def test_a_page_without_a_session_sends_the_browser_to_login_with_the_way_back() -> None:
    client, _, _ = portal()
    response = client.get("/leerkracht/signalen")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/leerkracht/signalen"


def test_an_htmx_request_without_a_session_is_told_where_to_log_in() -> None:
    client, _, _ = portal()
    response = client.get("/leerkracht/leerlingen", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == "/login?next=/leerkracht/leerlingen"


def test_login_sends_the_browser_to_the_issuer() -> None:
    client, _, _ = portal(public_url="https://portal.example")
    response = client.get("/login", params={"next": "/leerkracht/signalen"})
    assert response.status_code == 302
    assert response.headers["location"].startswith("http://issuer.test/authorize")
    assert "https://portal.example/auth/callback" in response.headers["location"]


def test_after_the_callback_the_user_is_back_where_they_wanted_to_go_with_name_and_role() -> None:
    services = FakeServices()
    services.on("GET", "/schools/12AB/my-signals", body={"school": "12AB", "signals": []})
    client, _, _ = portal(services=services)
    response = log_in(client, "/leerkracht/signalen")
    assert response.status_code == 303
    assert response.headers["location"] == "/leerkracht/signalen"
    page = client.get("/leerkracht/signalen")
    assert page.status_code == 200
    assert "Anna de Leerkracht" in page.text and "Leerkracht" in page.text
    assert services.requests[-1].headers["authorization"] == "Bearer token-anna"


def test_without_a_way_back_the_user_lands_on_the_home_of_their_role() -> None:
    client, _, _ = portal()
    assert log_in(client).headers["location"] == "/leerkracht"


def test_an_access_token_that_does_not_verify_does_not_log_in() -> None:
    client, _, _ = portal(login=FakeLoginClient(token="forged"))
    response = log_in(client, "/leerkracht")
    assert response.status_code == 400
    assert "Inloggen is niet gelukt" in response.text
    assert client.get("/leerkracht").status_code == 303


def test_a_callback_the_issuer_did_not_send_is_refused() -> None:
    client, _, _ = portal(login=FakeLoginClient(refuse=True))
    response = log_in(client)
    assert response.status_code == 400
    assert "Inloggen is niet gelukt" in response.text


def test_the_session_cookie_is_http_only_same_site_lax_and_secure_when_configured() -> None:
    client, _, _ = portal(secure_cookies=True)
    cookie = log_in(client).headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie


def test_logging_out_ends_the_session() -> None:
    client, _, _ = portal()
    log_in(client)
    page = client.get("/leerkracht/leerlingen").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 200
    assert "U bent uitgelogd" in response.text
    assert client.get("/leerkracht").status_code == 303


def test_the_way_back_after_login_is_never_another_site() -> None:
    assert safe_next("/zaken/1?x=2") == "/zaken/1?x=2"
    for outside in ("https://evil.example/", "//evil.example/", "/\\evil.example", "", None):
        assert safe_next(outside) == "/"
