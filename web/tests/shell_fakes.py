"""Fakes for the portal shell's unit tests: no issuer, no services, no network."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from authlib.integrations.starlette_client import OAuthError
from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from fastapi.testclient import TestClient

from meldcode_contracts import Role
from meldcode_edge.auth import Principal
from meldcode_edge.problems import Unauthorized
from meldcode_web.app import create_app
from meldcode_web.session_store import MemorySessionStore, SessionStore
from meldcode_web.settings import PortalSettings

USERS = {
    "token-anna": Principal("leerkracht-anna", Role.TEACHER, "swv-zuid", frozenset({"12AB"})),
    "token-bram": Principal("ib-bram", Role.INTERN_BEGELEIDER, "swv-zuid", frozenset({"12AB"})),
    "token-zoe": Principal("zt-zoe", Role.ZORGTEAM, "swv-zuid", frozenset({"12AB"})),
    "token-jet": Principal("jgz-jet", Role.ZORGTEAM, "swv-zuid", frozenset({"12AB"})),
    "token-ada": Principal("audit-ada", Role.AUDITOR, "swv-zuid", frozenset()),
}


class FakeVerifier:
    """Knows the tokens in USERS; anything else is refused like a forged token."""

    def verify(self, token: str) -> Principal:
        if token not in USERS:
            raise Unauthorized("Het token ontbreekt, is verlopen of is ongeldig.")
        return USERS[token]


@dataclass
class FakeLoginClient:
    """Plays the OpenID Connect issuer: the next callback logs in with `token`."""

    token: str = "token-anna"
    name: str = "Anna de Leerkracht"
    refuse: bool = False

    async def authorize_redirect(self, request: Request, redirect_uri: str, **kwargs: Any) -> Response:
        return RedirectResponse(f"http://issuer.test/authorize?redirect_uri={redirect_uri}", status_code=302)

    async def authorize_access_token(self, request: Request, **kwargs: Any) -> dict[str, Any]:
        if self.refuse:
            raise OAuthError(error="mismatching_state")
        return {
            "access_token": self.token,
            "userinfo": {"sub": USERS.get(self.token, USERS["token-anna"]).user_id, "name": self.name},
        }


@dataclass
class FakeServices:
    """The services' HTTP APIs as an httpx transport: answers per (method, path), records requests."""

    answers: dict[tuple[str, str], Callable[[httpx.Request], httpx.Response]] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)

    def on(self, method: str, path: str, status: int = 200, body: Any = None) -> None:
        content = json.dumps(body).encode()
        media = "application/problem+json" if status >= 400 else "application/json"
        self.answers[(method, path)] = lambda _: httpx.Response(
            status, content=content, headers={"content-type": media}
        )

    def on_bytes(self, method: str, path: str, content: bytes, media_type: str) -> None:
        """An answer that is not JSON (a PDF)."""
        self.answers[(method, path)] = lambda _: httpx.Response(
            200, content=content, headers={"content-type": media_type}
        )

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.get((request.method, request.url.path))
        if answer is None:
            return httpx.Response(
                404, json={"title": "Niet gevonden", "status": 404, "detail": "Onbekend pad."}
            )
        return answer(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)


def portal(
    login: FakeLoginClient | None = None,
    services: FakeServices | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    session_store: SessionStore | None = None,
    **settings: Any,
) -> tuple[TestClient, FakeLoginClient, FakeServices]:
    login = login or FakeLoginClient()
    services = services or FakeServices()
    app = create_app(
        PortalSettings(session_secret="unit-test-session-secret-unit-test", **settings),
        token_verifier=FakeVerifier(),
        oidc_client=login,
        http_transport=services.transport(),
        session_store=session_store or MemorySessionStore(),
        clock=clock,
    )
    return TestClient(app, follow_redirects=False), login, services


def log_in(client: TestClient, next_url: str = "/") -> httpx.Response:
    client.get("/login", params={"next": next_url})
    return client.get("/auth/callback", params={"code": "c", "state": "s"})


def csrf_of(client: TestClient, page: str = "/leerkracht/leerlingen") -> str:
    html = client.get(page).text
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


# --- the staff directory of signals (issue 17): `GET /schools/{brin}/staff`, `GET /staff` ----------

STAFF = (
    {"user_id": "ib-bram", "name": "Bram Bakker", "role": "intern_begeleider", "email": None},
    {"user_id": "jgz-jet", "name": "Jet de Jong", "role": "zorgteam", "email": "jet@jgz.test"},
    {"user_id": "smw-sam", "name": "Sam Smit", "role": "zorgteam", "email": None},
)
"""The listed staff of school 12AB, sorted by name as signals answers them."""


def staff_directory(roles: tuple[str, ...] = ()) -> dict[str, Any]:
    """The answer of `GET /schools/12AB/staff?role=...` for `roles` (all when none)."""
    return {"items": [dict(p) for p in STAFF if not roles or p["role"] in roles]}


def staff_names(user_ids: list[str], school: str = "12AB") -> dict[str, Any]:
    """The answer of `GET /staff?user_id=...`: the known ones, with their school."""
    return {"items": [{**p, "school": school} for p in STAFF if p["user_id"] in user_ids]}


CASE_ID = "3f1c9a52-8e61-4f0e-9d6b-2f4a1c7e0b11"
PUPIL_ID = "9a7d7c1e-5b1f-4f33-8d6e-0c3a7b2e4d55"


def a_case(**changes: Any) -> dict[str, Any]:
    """A case as casework's `GET /cases/{case_id}` answers it (school 12AB, owner ib-bram)."""
    return {
        "case_id": CASE_ID,
        "pupil_id": PUPIL_ID,
        "tenant": "swv-zuid",
        "school": "12AB",
        "step": "besluit",
        "case_owner_id": "ib-bram",
        "opened_by": "ib-bram",
        "signal_ids": [],
        "opened_at": "2026-11-02T09:00:00Z",
        "version": 4,
        "open_obligations": [],
        "missing_for_report": [],
        "zorgteam_members": [],
        "jgz_consultations": [],
        "jgz_results": [],
        "jgz_handovers": [],
        **changes,
    }


def case_services(case: dict[str, Any], history: list[dict[str, Any]] | None = None) -> FakeServices:
    """The services answering for one case page: the case, its history and the pupil's name."""
    services = FakeServices()
    services.on("GET", f"/cases/{CASE_ID}", body=case)
    services.on("GET", f"/cases/{CASE_ID}/history", body=history or [])
    services.on("GET", f"/pupils/{PUPIL_ID}", body={"given_name": "Sanne", "family_name": "de Vries"})
    return services
