"""Sessions in PostgreSQL (`PORTAL_SESSION_DATABASE_URL`): shared by the portal's replicas, ended
for all of them at logout, and nothing in the table that logs anyone in."""

from __future__ import annotations

import asyncio

import asyncpg
from fastapi.testclient import TestClient

from meldcode_testkit import Infrastructure
from meldcode_web.app import SESSION_COOKIE, create_app
from meldcode_web.settings import PortalSettings

from .shell_fakes import FakeLoginClient, FakeServices, FakeVerifier

PAGE = "/leerkracht/leerlingen"


def _replica(database_url: str) -> TestClient:
    app = create_app(
        PortalSettings(
            session_secret="unit-test-session-secret-unit-test", session_database_url=database_url
        ),
        token_verifier=FakeVerifier(),
        oidc_client=FakeLoginClient(),
        http_transport=FakeServices().transport(),
    )
    return TestClient(app, follow_redirects=False)


async def _rows(database_url: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(database_url)
    try:
        return list(await conn.fetch("select key, sealed from portal_sessions"))
    finally:
        await conn.close()


def test_replicas_share_sessions_and_logout_on_one_ends_it_on_all(
    infrastructure: Infrastructure, isolation: str
) -> None:
    database_url = asyncio.run(infrastructure.portal_database(f"{isolation}_portal"))
    with _replica(database_url) as one, _replica(database_url) as two:
        one.get("/login", params={"next": "/"})
        one.get("/auth/callback", params={"code": "c", "state": "s"})
        cookie = one.cookies[SESSION_COOKIE]
        two.cookies.set(SESSION_COOKIE, cookie)
        assert two.get(PAGE).status_code == 200

        rows = asyncio.run(_rows(database_url))
        assert len(rows) == 1
        assert b"token-anna" not in bytes(rows[0]["sealed"]) and cookie.encode() not in bytes(rows[0]["key"])

        html = two.get(PAGE).text
        csrf = html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        assert two.post("/logout", data={"csrf_token": csrf}).status_code == 200

        one.cookies.clear()
        one.cookies.set(SESSION_COOKIE, cookie)
        replay = one.get(PAGE)
        assert replay.status_code == 303 and replay.headers["location"].startswith("/login")
