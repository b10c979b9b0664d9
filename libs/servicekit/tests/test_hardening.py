"""The hardened HTTP edge of `create_app`: body size limit, write rate limit, security headers,
and error bodies without internals. Driven in-process through httpx's ASGI transport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from pydantic import BaseModel
from structlog.testing import capture_logs

from meldcode_contracts import Role
from meldcode_devauth.tokens import generate_key_pair, mint_token
from meldcode_edge.auth import CurrentPrincipal
from meldcode_edge.problems import PROBLEM_JSON
from meldcode_servicekit.permissions import COMMON, RoutePolicy, Scope, ServicePolicy
from meldcode_servicekit.settings import ServiceSettings
from meldcode_servicekit.web import create_app

PERSONAL_TEXT = "Jan Jansen, geboren 01-02-2014"


class Note(BaseModel):
    text: str


def build_app(tmp_path: Path, **values: Any) -> tuple[FastAPI, str]:
    private, public = generate_key_pair(tmp_path / "keys")
    settings = ServiceSettings(auth_public_key_file=public, **values)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield

    router = APIRouter()

    @router.post("/notes")
    async def add_note(note: Note, principal: CurrentPrincipal) -> dict[str, str]:
        return {"by": principal.user_id, "length": str(len(note.text))}

    @router.post("/raw")
    async def raw(request: Request) -> dict[str, int]:
        return {"received": len(await request.body())}

    @router.post("/open")
    async def open_write() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/notes")
    async def list_notes() -> list[str]:
        return []

    @router.get("/boom")
    async def boom() -> None:
        raise RuntimeError(PERSONAL_TEXT)

    app = create_app(
        settings,
        title="test",
        description="test",
        lifespan=lifespan,
        routers=[router],
        readiness_checks=[],
        policy=ServicePolicy(
            "test",
            (
                *COMMON,
                RoutePolicy("POST", "/notes", {Role.TEACHER: Scope.OWN_SCHOOL}, "test"),
                *(
                    RoutePolicy(method, path, {}, "test", anonymous=Scope.PUBLIC)
                    for method, path in (
                        ("POST", "/raw"),
                        ("POST", "/open"),
                        ("GET", "/notes"),
                        ("GET", "/boom"),
                    )
                ),
            ),
        ),
    )
    return app, private.read_text()


def bearer(private: str, sub: str = "lk-1") -> dict[str, str]:
    token = mint_token(private, sub=sub, role="leerkracht", samenwerkingsverband="swv-zuid", schools=["12AB"])
    return {"Authorization": f"Bearer {token}"}


def client(app: FastAPI, address: str = "10.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(address, 5000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


@pytest.fixture
def small_app(tmp_path: Path) -> tuple[FastAPI, str]:
    return build_app(tmp_path, max_request_bytes=1000)


# --- body size -------------------------------------------------------------------------------


async def test_a_body_within_the_limit_is_accepted(small_app: tuple[FastAPI, str]) -> None:
    app, private = small_app
    async with client(app) as http:
        response = await http.post("/notes", json={"text": "x" * 900}, headers=bearer(private))
    assert response.status_code == 200


async def test_a_body_whose_content_length_is_over_the_limit_gets_a_413_problem(
    small_app: tuple[FastAPI, str],
) -> None:
    app, private = small_app
    async with client(app) as http:
        response = await http.post("/notes", json={"text": "x" * 1000}, headers=bearer(private))
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["rule"] == "request-size"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_a_chunked_body_without_length_is_cut_off_when_it_passes_the_limit(
    small_app: tuple[FastAPI, str],
) -> None:
    app, _ = small_app

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b"y" * 100

    async with client(app) as http:
        response = await http.post("/raw", content=chunks())
        small = await http.post("/raw", content=_stream(b"z" * 500))
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.json()["rule"] == "request-size"
    assert (small.status_code, small.json()) == (200, {"received": 500})


async def test_a_body_longer_than_its_content_length_claims_is_cut_off_too(
    small_app: tuple[FastAPI, str],
) -> None:
    app, _ = small_app
    async with client(app) as http:
        response = await http.post("/raw", content=_stream(b"y" * 5000), headers={"Content-Length": "10"})
    assert response.status_code == 413


async def _stream(data: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(data), 100):
        yield data[start : start + 100]


async def test_the_default_limit_is_one_mebibyte(tmp_path: Path) -> None:
    app, _ = build_app(tmp_path)
    async with client(app) as http:
        fits = await http.post("/raw", content=b"a" * (1024 * 1024))
        too_big = await http.post("/raw", content=b"a" * (1024 * 1024 + 1))
    assert (fits.status_code, too_big.status_code) == (200, 413)


# --- write rate -----------------------------------------------------------------------------


async def test_a_user_over_the_write_burst_gets_a_429_problem_with_retry_after(tmp_path: Path) -> None:
    app, private = build_app(tmp_path, write_rate_per_minute=6, write_burst=2)
    async with client(app) as http:
        statuses = [
            (await http.post("/notes", json={"text": "a"}, headers=bearer(private))).status_code
            for _ in range(3)
        ]
        refused = await http.post("/notes", json={"text": "a"}, headers=bearer(private))
        other_user = await http.post("/notes", json={"text": "a"}, headers=bearer(private, sub="lk-2"))
        reads = [(await http.get("/notes")).status_code for _ in range(5)]
    assert statuses == [200, 200, 429]
    assert refused.status_code == 429
    assert refused.headers["content-type"] == PROBLEM_JSON
    assert refused.json()["rule"] == "rate-limit"
    assert 1 <= int(refused.headers["Retry-After"]) <= 10
    assert other_user.status_code == 200
    assert reads == [200] * 5


async def test_a_write_verifies_its_token_once_for_both_the_limit_and_the_route(tmp_path: Path) -> None:
    app, private = build_app(tmp_path)
    verifier = app.state.token_verifier
    calls: list[str] = []
    original = verifier.verify

    def counting(token: str) -> Any:
        calls.append(token)
        return original(token)

    verifier.verify = counting
    async with client(app) as http:
        response = await http.post("/notes", json={"text": "a"}, headers=bearer(private))
    assert (response.status_code, response.json()["by"]) == (200, "lk-1")
    assert len(calls) == 1


async def test_without_a_valid_token_the_write_limit_is_per_client_address(tmp_path: Path) -> None:
    app, _ = build_app(tmp_path, write_rate_per_minute=6, write_burst=1)
    forged = {"Authorization": "Bearer not-a-token"}
    async with client(app, "10.0.0.1") as first, client(app, "10.0.0.2") as second:
        assert (await first.post("/open", headers=forged)).status_code == 200
        assert (await first.post("/open")).status_code == 429
        assert (await second.post("/open")).status_code == 200


async def test_invalid_tokens_still_get_401_when_within_the_limit(tmp_path: Path) -> None:
    app, _ = build_app(tmp_path)
    async with client(app) as http:
        response = await http.post("/notes", json={"text": "a"}, headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


async def test_a_rate_of_zero_switches_the_write_limit_off(tmp_path: Path) -> None:
    app, _ = build_app(tmp_path, write_rate_per_minute=0, write_burst=1)
    async with client(app) as http:
        statuses = {(await http.post("/open")).status_code for _ in range(5)}
    assert statuses == {200}


# --- security headers ---------------------------------------------------------------------


async def test_every_api_response_carries_the_security_headers(small_app: tuple[FastAPI, str]) -> None:
    app, _ = small_app
    async with client(app) as http:
        responses = [await http.get("/notes"), await http.post("/notes", json={}), await http.get("/nope")]
    for response in responses:
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
        assert "Strict-Transport-Security" not in response.headers
        assert response.headers["X-Correlation-ID"]


async def test_health_answers_may_be_cached_but_keep_the_other_headers(
    small_app: tuple[FastAPI, str],
) -> None:
    app, _ = small_app
    async with client(app) as http:
        response = await http.get("/health/live")
    assert response.status_code == 200
    assert "Cache-Control" not in response.headers
    assert response.headers["X-Frame-Options"] == "DENY"


async def test_the_docs_page_may_load_swagger_ui_from_where_fastapi_takes_it(
    small_app: tuple[FastAPI, str],
) -> None:
    app, _ = small_app
    async with client(app) as http:
        docs = await http.get("/docs")
        redoc = await http.get("/redoc")
    csp = docs.headers["Content-Security-Policy"]
    assert "https://cdn.jsdelivr.net" in docs.text
    assert "script-src 'unsafe-inline' https://cdn.jsdelivr.net" in csp
    assert "frame-ancestors 'none'" in csp
    assert redoc.headers["Content-Security-Policy"] == csp


async def test_behind_tls_responses_carry_strict_transport_security(tmp_path: Path) -> None:
    app, _ = build_app(tmp_path, behind_tls=True)
    async with client(app) as http:
        response = await http.get("/notes")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


# --- errors -----------------------------------------------------------------------------------


async def test_an_unexpected_error_gives_a_500_problem_without_the_exception_text(
    small_app: tuple[FastAPI, str],
) -> None:
    app, _ = small_app
    with capture_logs() as logs:
        async with client(app) as http:
            response = await http.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["title"] == "Interne fout"
    assert PERSONAL_TEXT not in response.text
    assert "RuntimeError" not in response.text
    assert "Traceback" not in response.text
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert logs and all(PERSONAL_TEXT not in str(entry) for entry in logs)
    assert any(entry.get("error_type") == "RuntimeError" for entry in logs)


async def test_a_validation_error_names_the_field_but_does_not_echo_the_input(
    small_app: tuple[FastAPI, str],
) -> None:
    app, private = small_app
    async with client(app) as http:
        response = await http.post("/notes", json={"text": 12345678}, headers=bearer(private))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "text"
    assert "12345678" not in response.text
