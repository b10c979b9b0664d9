"""What `create_app` refuses at the edge before any route code runs, and what it logs and believes:
control characters in any text (422), days/instants/offsets/limits out of range (422), a log
line for every 401/403/404, and X-Forwarded-For only from configured proxies. Driven in-process
through httpx's ASGI transport."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Query, Request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from structlog.testing import capture_logs

from meldcode_contracts import Role
from meldcode_devauth.tokens import generate_key_pair, mint_token
from meldcode_edge.auth import CurrentPrincipal
from meldcode_edge.inputs import (
    EARLIEST_DAY,
    EARLIEST_INSTANT,
    LATEST_DAY,
    LATEST_INSTANT,
    MAX_OFFSET,
    MAX_PAGE,
    Day,
    Instant,
    Offset,
    PageLimit,
)
from meldcode_edge.problems import Forbidden, NotFound
from meldcode_servicekit.permissions import COMMON, RoutePolicy, Scope, ServicePolicy
from meldcode_servicekit.settings import ServiceSettings
from meldcode_servicekit.web import create_app, server_config
from meldcode_vocabulary.dutch_days import DUTCH_TIME, dutch_today

PUPIL_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")


class Source(BaseModel):
    kind: str
    name: str | None = None


class SignalIn(BaseModel):
    description: str
    categories: list[str] = []
    source: Source | None = None


def build_app(tmp_path: Path, **values: Any) -> tuple[FastAPI, str]:
    private, public = generate_key_pair(tmp_path / "keys")
    settings = ServiceSettings(auth_public_key_file=public, **values)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield

    router = APIRouter()

    @router.post("/pupils/{pupil_id}/signals", status_code=201)
    async def record(pupil_id: uuid.UUID, signal: SignalIn, principal: CurrentPrincipal) -> dict[str, Any]:
        return {"description": signal.description, "categories": signal.categories}

    @router.get("/pupils/{pupil_id}")
    async def read(pupil_id: uuid.UUID, principal: CurrentPrincipal) -> dict[str, str]:
        if pupil_id != PUPIL_ID:
            raise NotFound("Deze leerling is niet bekend.", rule="pupil-not-found")
        raise Forbidden("Deze gegevens horen bij een andere school.", rule="school")

    @router.get("/search")
    async def search(q: Annotated[str, Query(max_length=100)] = "") -> dict[str, str]:
        return {"q": q}

    @router.get("/log")
    async def log_view(
        day: Annotated[Day | None, Query()] = None,
        period_from: Annotated[Day | None, Query(alias="from")] = None,
        at: Annotated[Instant | None, Query()] = None,
        limit: Annotated[PageLimit, Query()] = 100,
        offset: Annotated[Offset, Query()] = 0,
    ) -> dict[str, Any]:
        # What the real routes do with the values: the UTC bounds of a Dutch day, the Dutch day of
        # an instant (reporting's dutch_day_bounds, casework's as-of).
        for d in (day, period_from):
            if d is not None:
                datetime.combine(d + timedelta(days=1), time(0), DUTCH_TIME).astimezone(UTC)
                datetime.combine(d, time(0), DUTCH_TIME).astimezone(UTC)
        if at is not None:
            dutch_today(at)
        return {"limit": limit, "offset": offset}

    @router.get("/whoami")
    async def whoami(request: Request) -> dict[str, str | None]:
        return {"client": request.client.host if request.client else None, "scheme": request.url.scheme}

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
                RoutePolicy("POST", "/pupils/{pupil_id}/signals", {Role.TEACHER: Scope.OWN_SCHOOL}, "test"),
                RoutePolicy("GET", "/pupils/{pupil_id}", {Role.TEACHER: Scope.OWN_SCHOOL}, "test"),
                *(
                    RoutePolicy("GET", path, {}, "test", anonymous=Scope.PUBLIC)
                    for path in ("/search", "/log", "/whoami")
                ),
            ),
        ),
    )
    return app, private.read_text()


def bearer(private: str, sub: str = "lk-1", role: str = "leerkracht") -> dict[str, str]:
    token = mint_token(private, sub=sub, role=role, samenwerkingsverband="swv-zuid", schools=["12AB"])
    return {"Authorization": f"Bearer {token}"}


def client(app: FastAPI, address: str = "10.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(address, 5000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


@pytest.fixture
def app(tmp_path: Path) -> tuple[FastAPI, str]:
    return build_app(tmp_path)


# --- control characters (finding 4) ---------------------------------------------------------------


async def test_a_nul_in_a_signals_description_is_refused_with_422_naming_the_field(
    app: tuple[FastAPI, str],
) -> None:
    service, private = app
    async with client(service) as http:
        response = await http.post(
            f"/pupils/{PUPIL_ID}/signals", json={"description": "blauwe plek\x00"}, headers=bearer(private)
        )
    assert response.status_code == 422
    body = response.json()
    assert body["rule"] == "control-character"
    assert [e["field"] for e in body["errors"]] == ["description"]
    assert "description" in body["detail"] and "stuurtekens" in body["detail"]


@pytest.mark.parametrize("character", ["\x01", "\x1b", "\x7f", "\x85", "\ud800"])
async def test_other_control_characters_in_nested_fields_are_refused(
    app: tuple[FastAPI, str], character: str
) -> None:
    service, private = app
    signal = {
        "description": "ok",
        "categories": ["fysiek", f"x{character}"],
        "source": {"kind": "x", "name": character},
    }
    async with client(service) as http:
        response = await http.post(
            f"/pupils/{PUPIL_ID}/signals",
            content=json.dumps(signal),  # ASCII with \u escapes: how a lone surrogate travels
            headers={**bearer(private), "Content-Type": "application/json"},
        )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["categories.1", "source.name"]


async def test_text_with_newlines_carriage_returns_and_tabs_still_passes(app: tuple[FastAPI, str]) -> None:
    service, private = app
    text = "Eerste regel\r\nTweede regel\n\tingesprongen — met é, ß en 😀"
    async with client(service) as http:
        response = await http.post(
            f"/pupils/{PUPIL_ID}/signals",
            json={"description": text, "categories": ["a\tb"]},
            headers=bearer(private),
        )
    assert response.status_code == 201
    assert response.json()["description"] == text


async def test_a_nul_in_a_query_parameter_is_refused_with_422(app: tuple[FastAPI, str]) -> None:
    service, _ = app
    async with client(service) as http:
        response = await http.get("/search?q=%00a")
        plain = await http.get("/search?q=jans")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.q"
    assert plain.status_code == 200


async def test_a_refused_caller_is_not_told_about_control_characters(app: tuple[FastAPI, str]) -> None:
    service, _ = app
    async with client(service) as http:
        response = await http.post(f"/pupils/{PUPIL_ID}/signals", json={"description": "\x00"})
    assert response.status_code == 401


# --- refusals in the service log (finding 5) ------------------------------------------------------


async def test_every_refusal_is_logged_with_who_where_and_why_but_no_personal_data(
    app: tuple[FastAPI, str],
) -> None:
    service, private = app
    other_pupil = uuid.uuid4()
    async with client(service) as http:
        with capture_logs() as logs:
            unauthenticated = await http.get(f"/pupils/{PUPIL_ID}")
            wrong_role = await http.get(
                f"/pupils/{PUPIL_ID}", headers=bearer(private, "ib-1", "intern_begeleider")
            )
            other_school = await http.get(f"/pupils/{PUPIL_ID}", headers=bearer(private))
            unknown = await http.get(f"/pupils/{other_pupil}", headers=bearer(private))
            no_route = await http.get("/nothing-here/Jan%20Jansen")
    assert [r.status_code for r in (unauthenticated, wrong_role, other_school, unknown, no_route)] == [
        401,
        403,
        403,
        404,
        404,
    ]
    refusals = [e for e in logs if e["event"] == "request_refused"]
    route = "/pupils/{pupil_id}"
    assert [
        (e["status"], e["reason"], e["route"], e["user_id"], e["role"], e["tenant"]) for e in refusals
    ] == [
        (401, "unauthenticated", route, None, None, None),
        (403, "role", route, "ib-1", "intern_begeleider", "swv-zuid"),
        (403, "school", route, "lk-1", "leerkracht", "swv-zuid"),
        (404, "pupil-not-found", route, "lk-1", "leerkracht", "swv-zuid"),
        (404, "not-found", None, None, None, None),
    ]
    logged = repr(refusals)
    assert str(other_pupil) not in logged and "Jan" not in logged and "Bearer" not in logged


# --- X-Forwarded-For (finding 9) ------------------------------------------------------------------


async def test_forwarded_headers_are_ignored_unless_proxies_are_configured(app: tuple[FastAPI, str]) -> None:
    service, _ = app
    forged = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    async with client(service, address="127.0.0.1") as http:
        response = await http.get("/whoami", headers=forged)
    assert response.json() == {"client": "127.0.0.1", "scheme": "http"}


async def test_the_server_as_served_ignores_forwarded_headers_from_the_local_host(
    app: tuple[FastAPI, str],
) -> None:
    """uvicorn's default believes X-Forwarded-For from 127.0.0.1: anyone on the host could forge
    the access log's client address."""
    service, _ = app
    config = server_config(service, service.state.settings)
    config.load()
    transport = httpx.ASGITransport(app=config.loaded_app, client=("127.0.0.1", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get("/whoami", headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.json()["client"] == "127.0.0.1"


async def test_forwarded_headers_are_believed_only_from_a_trusted_proxy(tmp_path: Path) -> None:
    service, _ = build_app(tmp_path, trusted_proxies="10.1.0.0/16, 192.0.2.7")
    forged = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    async with client(service, address="10.2.0.5") as http:
        untrusted = await http.get("/whoami", headers=forged)
    async with client(service, address="10.1.4.4") as http:
        via_network = await http.get("/whoami", headers=forged)
    async with client(service, address="192.0.2.7") as http:
        via_address = await http.get("/whoami", headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.9"})
    assert untrusted.json() == {"client": "10.2.0.5", "scheme": "http"}
    assert via_network.json() == {"client": "203.0.113.9", "scheme": "https"}
    assert via_address.json()["client"] == "203.0.113.9"  # the nearest hop the proxy saw


def test_trusted_proxies_must_be_addresses_or_networks() -> None:
    assert ServiceSettings(trusted_proxies="10.0.0.0/8,::1").trusted_proxies == ("10.0.0.0/8", "::1")
    with pytest.raises(ValueError, match="does not appear to be an IPv4 or IPv6 network"):
        ServiceSettings(trusted_proxies="*")


# --- days, instants, offsets and limits (finding 12) ----------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "day=0001-01-01",
        "day=9999-12-31",
        "from=0001-01-01",
        "at=9999-12-31T23:59:59Z",
        "at=0001-01-01T00:00:00Z",
        "at=9999-12-31T23:59:59-14:00",
        "offset=12345678901234567890",
        "limit=12345678901234567890",
        "offset=-1",
        "limit=0",
    ],
)
async def test_extreme_values_get_422_not_500(app: tuple[FastAPI, str], query: str) -> None:
    service, _ = app
    async with client(service) as http:
        response = await http.get(f"/log?{query}")
    assert response.status_code == 422
    assert response.json()["rule"] == "request-validation"


days = st.dates(min_value=date.min, max_value=date.max)
instants = st.datetimes(
    # hypothesis takes naive bounds; a day off the ends so every offset below still makes a datetime
    min_value=datetime.min + timedelta(days=1),  # noqa: DTZ901
    max_value=datetime.max - timedelta(days=1),  # noqa: DTZ901
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=-14)), timezone(timedelta(hours=14))]),
)
integers = st.one_of(st.integers(), st.integers(min_value=-(10**30), max_value=10**30))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=days, period_from=days, at=instants, limit=integers, offset=integers)
async def test_any_day_instant_or_integer_is_answered_200_or_422_never_500(
    app: tuple[FastAPI, str], day: date, period_from: date, at: datetime, limit: int, offset: int
) -> None:
    service, _ = app
    params = {
        "day": day.isoformat(),
        "from": period_from.isoformat(),
        "at": at.isoformat(),
        "limit": limit,
        "offset": offset,
    }
    async with client(service) as http:
        response = await http.get("/log", params=params)
    in_range = (
        EARLIEST_DAY <= day <= LATEST_DAY
        and EARLIEST_DAY <= period_from <= LATEST_DAY
        and EARLIEST_INSTANT <= at <= LATEST_INSTANT
        and 1 <= limit <= MAX_PAGE
        and 0 <= offset <= MAX_OFFSET
    )
    assert response.status_code == (200 if in_range else 422), response.text


# --- what the framework refuses, in Dutch with a rule id (issue 15) --------------------------------


async def test_a_body_that_is_not_utf8_is_refused_in_dutch_with_its_rule(app: tuple[FastAPI, str]) -> None:
    service, private = app
    async with client(service) as http:
        response = await http.post(
            f"/pupils/{PUPIL_ID}/signals",
            content=b'{"description": "blauwe plek \xff\xfe"}',
            headers={**bearer(private), "Content-Type": "application/json"},
        )
    assert response.status_code == 400
    assert response.json() == {
        "type": "urn:meldcode:rule:request-unreadable",
        "title": "Ongeldig verzoek",
        "status": 400,
        "detail": "De inhoud van het verzoek kan niet worden gelezen: stuur JSON in UTF-8.",
        "rule": "request-unreadable",
    }


async def test_an_unknown_path_or_method_is_refused_in_dutch_with_its_rule(app: tuple[FastAPI, str]) -> None:
    service, private = app
    async with client(service) as http:
        unknown = await http.get("/nergens", headers=bearer(private))
        wrong_method = await http.delete("/search")
    assert (unknown.status_code, unknown.json()["rule"], unknown.json()["title"]) == (
        404,
        "not-found",
        "Niet gevonden",
    )
    assert (wrong_method.status_code, wrong_method.json()["rule"]) == (405, "method-not-allowed")
    assert wrong_method.headers["Allow"] == "GET"
    assert wrong_method.json()["detail"] == "Dit adres kan dit soort verzoek niet verwerken."
