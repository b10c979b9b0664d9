"""The door of the route policy that `create_app` puts before every route, in process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import APIRouter, FastAPI

from meldcode_contracts import Role
from meldcode_devauth.tokens import generate_key_pair, mint_token
from meldcode_edge.auth import CurrentPrincipal
from meldcode_servicekit.permissions import COMMON, RoutePolicy, Scope, ServicePolicy, grant
from meldcode_servicekit.settings import ServiceSettings
from meldcode_servicekit.web import create_app

POLICY = ServicePolicy(
    "test",
    (
        *COMMON,
        RoutePolicy("GET", "/cases/{case_id}", {Role.INTERN_BEGELEIDER: Scope.OWN_SCHOOL}, "read"),
        RoutePolicy("POST", "/hooks", {}, "webhook", anonymous=Scope.SIGNED_WEBHOOK),
    ),
)


@pytest.fixture
def app_and_key(tmp_path: Path) -> tuple[FastAPI, str]:
    private, public = generate_key_pair(tmp_path / "keys")

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield

    router = APIRouter()

    @router.get("/cases/{case_id}")
    async def read_case(case_id: str, principal: CurrentPrincipal) -> dict[str, str]:
        return {"case_id": case_id, "by": principal.user_id}

    @router.get("/unlisted")
    async def unlisted() -> dict[str, str]:
        return {"secret": "yes"}

    @router.post("/hooks")
    async def hook() -> dict[str, str]:
        return {"received": "yes"}

    settings = ServiceSettings(auth_public_key_file=public)
    app = create_app(
        settings,
        title="t",
        description="t",
        lifespan=lifespan,
        routers=[router],
        readiness_checks=[],
        policy=POLICY,
    )
    return app, private.read_text()


def bearer(private: str, role: str) -> dict[str, str]:
    token = mint_token(private, sub="u-1", role=role, samenwerkingsverband="swv-zuid", schools=["12AB"])
    return {"Authorization": f"Bearer {token}"}


def client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_a_route_without_a_policy_entry_is_refused_with_no_policy_even_for_an_auditor(
    app_and_key: tuple[FastAPI, str],
) -> None:
    app, private = app_and_key
    async with client(app) as http:
        response = await http.get("/unlisted", headers=bearer(private, "auditor"))
    assert (response.status_code, response.json()["rule"]) == (403, "no-policy")
    assert "secret" not in response.text


async def test_a_role_the_entry_does_not_grant_is_refused_before_the_route_runs(
    app_and_key: tuple[FastAPI, str],
) -> None:
    app, private = app_and_key
    async with client(app) as http:
        refused = await http.get("/cases/c-1", headers=bearer(private, "beheerder"))
        allowed = await http.get("/cases/c-1", headers=bearer(private, "intern_begeleider"))
        anonymous = await http.get("/cases/c-1")
    assert (refused.status_code, refused.json()["rule"]) == (403, "role")
    assert allowed.status_code == 200
    assert allowed.json() == {"case_id": "c-1", "by": "u-1"}
    assert anonymous.status_code == 401


async def test_public_and_signed_webhook_routes_pass_the_door_without_a_token(
    app_and_key: tuple[FastAPI, str],
) -> None:
    app, _ = app_and_key
    async with client(app) as http:
        live = await http.get("/health/live")
        hook = await http.post("/hooks")
    assert live.status_code == 200
    assert hook.json() == {"received": "yes"}


def test_a_route_named_twice_in_a_policy_is_refused_when_the_policy_is_declared() -> None:
    twice = RoutePolicy("GET", "/cases/{case_id}", grant(Scope.OWN_SCHOOL, Role.TEACHER), "read")
    with pytest.raises(ValueError, match="named twice"):
        ServicePolicy("test", (*COMMON, twice, twice))


def test_a_policy_finds_an_entry_by_method_in_any_case_and_path_template() -> None:
    assert POLICY.lookup("get", "/cases/{case_id}") is POLICY.routes[len(COMMON)]
    assert POLICY.lookup("POST", "/cases/{case_id}") is None
    assert POLICY.lookup("GET", "/health/ready") is not None
