"""Server-side sessions: the cookie is only a random id, logout and idle time end a session for
good, and the cookie is Secure wherever the portal is not plain http on localhost."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie

from meldcode_web.app import SESSION_COOKIE
from meldcode_web.session_store import MemorySessionStore
from meldcode_web.settings import PortalSettings

from .shell_fakes import csrf_of, log_in, portal

PAGE = "/leerkracht/leerlingen"  # a page that needs a login and no service


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def _session_cookie(set_cookie: str) -> SimpleCookie:
    cookie: SimpleCookie = SimpleCookie()
    cookie.load(set_cookie)
    return cookie


def test_a_cookie_replayed_after_logout_gets_the_login_page() -> None:
    client, _, _ = portal()
    log_in(client)
    stolen = client.cookies[SESSION_COOKIE]
    assert client.get(PAGE).status_code == 200
    assert client.post("/logout", data={"csrf_token": csrf_of(client)}).status_code == 200

    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, stolen)
    response = client.get(PAGE)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=" + PAGE


def test_a_session_ends_after_the_idle_time_and_lives_on_while_it_is_used() -> None:
    clock = FakeClock()
    client, _, _ = portal(clock=clock, session_idle_seconds=30 * 60)
    log_in(client)
    for _ in range(4):  # used every 20 minutes: one hour and still logged in
        clock.advance(minutes=20)
        assert client.get(PAGE).status_code == 200
    clock.advance(minutes=31)
    response = client.get(PAGE)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=" + PAGE


def test_a_session_in_use_still_ends_at_its_absolute_lifetime() -> None:
    clock = FakeClock()
    client, _, _ = portal(clock=clock, session_idle_seconds=30 * 60, session_max_age_seconds=8 * 3600)
    log_in(client)
    for _ in range(8 * 3):  # a request every 20 minutes for 8 hours
        assert client.get(PAGE).status_code == 200
        clock.advance(minutes=20)
    assert client.get(PAGE).status_code == 303


def test_the_cookie_holds_no_token_and_the_store_holds_none_in_clear() -> None:
    store = MemorySessionStore()
    client, _, _ = portal(session_store=store)
    set_cookie = log_in(client).headers["set-cookie"]
    value = _session_cookie(set_cookie)[SESSION_COOKIE].value
    decoded = [value.encode()]
    for part in value.split("."):  # whatever a signed cookie would be made of
        try:
            decoded.append(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        except (binascii.Error, ValueError):
            pass
    assert not any(b"token-anna" in d or b"access_token" in d for d in decoded)
    assert len(value) >= 40 and "." not in value  # a random id, nothing signed inside
    assert store.rows and not any(b"token-anna" in row.sealed for row in store.rows.values())


def test_a_logged_in_session_gets_a_new_id_so_an_id_planted_before_login_is_worthless() -> None:
    client, _, _ = portal()
    client.get("/login", params={"next": "/"})
    planted = client.cookies[SESSION_COOKIE]
    client.get("/auth/callback", params={"code": "c", "state": "s"})
    assert client.cookies[SESSION_COOKIE] != planted
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, planted)
    assert client.get(PAGE).status_code == 303


def test_a_forged_session_id_is_no_session() -> None:
    client, _, _ = portal()
    client.cookies.set(SESSION_COOKIE, "A" * 43)
    assert client.get(PAGE).status_code == 303


def test_the_cookie_is_secure_for_a_public_https_url_by_default() -> None:
    client, _, _ = portal(public_url="https://portaal.swv-zuid.example")
    cookie = _session_cookie(log_in(client).headers["set-cookie"])[SESSION_COOKIE]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True and cookie["samesite"].lower() == "lax"


def test_the_cookie_is_plain_only_on_plain_http_localhost() -> None:
    for local in ("http://127.0.0.1:8180", "http://localhost:8180"):
        assert PortalSettings(public_url=local).cookies_secure is False
    for public in ("https://portaal.example", "http://portaal.example", "https://localhost"):
        assert PortalSettings(public_url=public).cookies_secure is True
    assert PortalSettings(public_url="https://portaal.example", secure_cookies=False).cookies_secure is False
    client, _, _ = portal()
    assert "secure" not in log_in(client).headers["set-cookie"].lower()
