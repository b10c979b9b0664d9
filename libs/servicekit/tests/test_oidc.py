"""Production authentication against an OpenID Connect issuer, served for real over HTTP.

A tiny FastAPI app on uvicorn (in a thread, on a free port) publishes the discovery document and
a JWKS of key pairs generated here; a service app built with `create_app` trusts it through
`AUTH_OIDC_ISSUER` only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import APIRouter, FastAPI
from jwt.algorithms import RSAAlgorithm

from meldcode_contracts import Role
from meldcode_edge.auth import CurrentPrincipal, TokenVerifier
from meldcode_edge.problems import ServiceUnavailable, Unauthorized
from meldcode_servicekit.permissions import RoutePolicy, Scope, ServicePolicy
from meldcode_servicekit.settings import ServiceSettings
from meldcode_servicekit.web import create_app


@dataclass
class Issuer:
    url: str
    keys: dict[str, rsa.RSAPrivateKey] = field(default_factory=dict)
    advertised_issuer: str | None = None
    jwks_fetches: int = 0

    def rotate(self, kid: str) -> None:
        self.keys = {kid: rsa.generate_private_key(public_exponent=65537, key_size=2048)}

    def token(self, kid: str | None = None, **changes: Any) -> str:
        kid = kid or next(iter(self.keys))
        now = datetime.now(UTC)
        claims: dict[str, Any] = {
            "sub": "ib-1",
            "role": "intern_begeleider",
            "samenwerkingsverband": "swv-zuid",
            "schools": ["12AB"],
            "iss": self.url,
            "aud": "meldcode",
            "iat": now,
            "nbf": now,
            "exp": now + timedelta(minutes=5),
        }
        claims.update(changes)
        return jwt.encode(claims, self.keys[kid], algorithm="RS256", headers={"kid": kid})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def issuer() -> Iterator[Issuer]:
    port = _free_port()
    state = Issuer(url=f"http://127.0.0.1:{port}/realms/meldcode")
    state.rotate("key-1")
    app = FastAPI()

    @app.get("/realms/meldcode/.well-known/openid-configuration")
    def discovery() -> dict[str, Any]:
        return {
            "issuer": state.advertised_issuer or state.url,
            "jwks_uri": f"{state.url}/protocol/openid-connect/certs",
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    @app.get("/realms/meldcode/protocol/openid-connect/certs")
    def certs() -> dict[str, Any]:
        state.jwks_fetches += 1
        keys = [
            {**json.loads(RSAAlgorithm.to_jwk(key.public_key())), "kid": kid, "use": "sig", "alg": "RS256"}
            for kid, key in state.keys.items()
        ]
        return {"keys": keys}

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "issuer did not start"
        time.sleep(0.02)
    try:
        yield state
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def verifier(issuer: Issuer, cooldown: float = 0.0, **values: Any) -> TokenVerifier:
    settings = ServiceSettings(auth_oidc_issuer=issuer.url, **values)
    return TokenVerifier(settings, jwks_refresh_cooldown=cooldown)


def service_app(issuer: Issuer) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield

    router = APIRouter()

    @router.get("/me")
    def me(principal: CurrentPrincipal) -> dict[str, str]:
        return {"user_id": principal.user_id}

    @router.post("/me")
    def write(principal: CurrentPrincipal) -> dict[str, str]:
        return {"user_id": principal.user_id}

    settings = ServiceSettings(auth_oidc_issuer=issuer.url)  # type: ignore[call-arg]
    return create_app(
        settings,
        title="t",
        description="t",
        lifespan=lifespan,
        routers=[router],
        readiness_checks=[],
        policy=ServicePolicy(
            "test",
            tuple(
                RoutePolicy(m, "/me", {Role.INTERN_BEGELEIDER: Scope.OWN_SCHOOL}, "test")
                for m in ("GET", "POST")
            ),
        ),
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(issuer: Issuer) -> str:
    good = jwt.decode(issuer.token(), options={"verify_signature": False})
    header = _b64(json.dumps({"alg": "none", "typ": "JWT", "kid": "key-1"}).encode())
    return f"{header}.{_b64(json.dumps(good).encode())}."


def _hs256_with_the_public_key(issuer: Issuer) -> str:
    """The classic algorithm confusion: HMAC keyed with the issuer's public key."""
    public_pem = (
        issuer.keys["key-1"]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    good = jwt.decode(issuer.token(), options={"verify_signature": False})
    signing_input = (
        _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "key-1"}).encode())
        + "."
        + _b64(json.dumps(good).encode())
    )
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


async def test_a_token_from_the_discovered_issuer_is_accepted_over_http(issuer: Issuer) -> None:
    transport = httpx.ASGITransport(app=service_app(issuer))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        headers = {"Authorization": f"Bearer {issuer.token()}"}
        read = await http.get("/me", headers=headers)
        write = await http.post("/me", headers=headers)
    assert (read.status_code, read.json()) == (200, {"user_id": "ib-1"})
    assert (write.status_code, write.json()) == (200, {"user_id": "ib-1"})


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda i: i.token(exp=datetime.now(UTC) - timedelta(seconds=120)), id="expired"),
        pytest.param(lambda i: i.token(nbf=datetime.now(UTC) + timedelta(seconds=120)), id="not-yet-valid"),
        pytest.param(lambda i: i.token(aud="another-api"), id="wrong-audience"),
        pytest.param(lambda i: i.token(iss="http://127.0.0.1:1/realms/evil"), id="wrong-issuer"),
        pytest.param(lambda i: i.token(iss="meldcode-dev"), id="development-issuer"),
        pytest.param(_unsigned, id="alg-none"),
        pytest.param(_hs256_with_the_public_key, id="hs256-with-public-key"),
        pytest.param(lambda i: i.token(kid="key-1") + "x", id="bad-signature"),
    ],
)
async def test_bad_tokens_get_401_from_the_service(issuer: Issuer, make_token: Any) -> None:
    transport = httpx.ASGITransport(app=service_app(issuer))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get("/me", headers={"Authorization": f"Bearer {make_token(issuer)}"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_the_clock_skew_setting_is_honoured(issuer: Issuer) -> None:
    just_expired = issuer.token(exp=datetime.now(UTC) - timedelta(seconds=20))
    assert verifier(issuer, auth_leeway_seconds=30).verify(just_expired).user_id == "ib-1"
    with pytest.raises(Unauthorized):
        verifier(issuer, auth_leeway_seconds=5).verify(just_expired)


def test_after_key_rotation_the_verifier_fetches_the_jwks_again(issuer: Issuer) -> None:
    checker = verifier(issuer)
    assert checker.verify(issuer.token()).user_id == "ib-1"
    assert issuer.jwks_fetches == 1
    old_token = issuer.token()
    issuer.rotate("key-2")
    assert checker.verify(issuer.token()).user_id == "ib-1"
    assert issuer.jwks_fetches == 2
    with pytest.raises(Unauthorized):
        checker.verify(old_token)  # its key is no longer published


def test_made_up_kids_do_not_make_the_verifier_hammer_the_issuer(issuer: Issuer) -> None:
    checker = verifier(issuer, cooldown=60)
    checker.verify(issuer.token())
    issuer.keys["key-9"] = issuer.keys["key-1"]
    for _ in range(5):
        with pytest.raises(Unauthorized):
            checker.verify(issuer.token(kid="key-9"))
    assert issuer.jwks_fetches == 1


def test_a_discovery_document_for_another_issuer_is_not_trusted(issuer: Issuer) -> None:
    issuer.advertised_issuer = "https://login.attacker.example"
    with pytest.raises(ServiceUnavailable):
        verifier(issuer).verify(issuer.token())
    assert issuer.jwks_fetches == 0


def test_an_unreachable_issuer_gives_503_not_401(issuer: Issuer) -> None:
    checker = TokenVerifier(ServiceSettings(auth_oidc_issuer=f"http://127.0.0.1:{_free_port()}/x"))
    with pytest.raises(ServiceUnavailable):
        checker.verify(issuer.token())
    with pytest.raises(ServiceUnavailable):
        checker.verify(issuer.token())
