"""The development OpenID Connect issuer: authorization code flow with PKCE, in process."""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from fastapi.testclient import TestClient

from meldcode_contracts import Role
from meldcode_devauth.issuer import Client, DemoUser, IssuerConfig, create_issuer_app, public_jwk
from meldcode_devauth.tokens import generate_key_pair
from meldcode_edge.auth import TokenVerifier
from meldcode_servicekit.settings import ServiceSettings

ISSUER = "http://issuer.test"
REDIRECT = "http://portal.test/auth/callback"
ANNA = DemoUser("leerkracht-anna", "Anna de Leerkracht", "leerkracht", "swv-zuid", ("12AB",), "De Regenboog")


@pytest.fixture
def keys(tmp_path: Path) -> tuple[str, Path]:
    private, public = generate_key_pair(tmp_path)
    return private.read_text(), public


def make_client(private_pem: str, code_lifetime: timedelta = timedelta(seconds=60)) -> TestClient:
    config = IssuerConfig(
        private_key_pem=private_pem,
        users={ANNA.key: ANNA},
        issuer_url=ISSUER,
        clients={"portal": Client("portal", "s3cret", (REDIRECT,))},
        code_lifetime=code_lifetime,
    )
    return TestClient(create_issuer_app(config), follow_redirects=False)


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_params(challenge: str, **overrides: str) -> dict[str, str]:
    params = {
        "client_id": "portal",
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": "openid profile",
        "state": "st-1",
        "nonce": "n-1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    params.update(overrides)
    return params


def choose_user(client: TestClient, challenge: str, **overrides: str) -> str:
    response = client.post("/authorize", data={**authorize_params(challenge, **overrides), "user": ANNA.key})
    assert response.status_code == 303, response.text
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert query["state"] == ["st-1"]
    return query["code"][0]


def exchange(client: TestClient, code: str, verifier: str, redirect_uri: str = REDIRECT) -> httpx.Response:
    return client.post(
        "/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": verifier,
            "redirect_uri": redirect_uri,
        },
        auth=("portal", "s3cret"),
    )


def test_the_login_page_lists_the_demo_users_in_dutch(keys: tuple[str, Path]) -> None:
    client = make_client(keys[0])
    response = client.get("/authorize", params=authorize_params(pkce()[1]))
    assert response.status_code == 200
    assert 'lang="nl"' in response.text
    assert "Inloggen (ontwikkelomgeving)" in response.text
    assert "Anna de Leerkracht" in response.text and "Leerkracht" in response.text and "12AB" in response.text


def test_the_access_token_is_accepted_by_the_services_verifier(keys: tuple[str, Path]) -> None:
    private, public = keys
    client = make_client(private)
    verifier, challenge = pkce()
    response = exchange(client, choose_user(client, challenge), verifier)
    assert response.status_code == 200, response.text
    body = response.json()
    principal = TokenVerifier(ServiceSettings(auth_public_key_file=public)).verify(body["access_token"])
    assert (principal.user_id, principal.role, principal.tenant, principal.schools) == (
        "leerkracht-anna",
        Role.TEACHER,
        "swv-zuid",
        frozenset({"12AB"}),
    )
    jwk = jwt.PyJWK(client.get("/jwks").json()["keys"][0])
    id_claims = jwt.decode(body["id_token"], jwk, algorithms=["EdDSA"], audience="portal", issuer=ISSUER)
    assert (id_claims["sub"], id_claims["nonce"], id_claims["name"]) == ("leerkracht-anna", "n-1", ANNA.name)


def test_the_discovery_document_names_this_issuer_and_its_jwks(keys: tuple[str, Path]) -> None:
    client = make_client(keys[0])
    document = client.get("/.well-known/openid-configuration").json()
    assert document["issuer"] == ISSUER
    assert document["jwks_uri"] == f"{ISSUER}/jwks"
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert client.get("/jwks").json()["keys"] == [public_jwk(keys[0])]


def test_a_code_verifier_that_does_not_match_the_challenge_is_refused(keys: tuple[str, Path]) -> None:
    client = make_client(keys[0])
    _, challenge = pkce()
    other_verifier, _ = pkce()
    response = exchange(client, choose_user(client, challenge), other_verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_a_code_works_only_once(keys: tuple[str, Path]) -> None:
    client = make_client(keys[0])
    verifier, challenge = pkce()
    code = choose_user(client, challenge)
    assert exchange(client, code, verifier).status_code == 200
    second = exchange(client, code, verifier)
    assert second.status_code == 400
    assert second.json()["error"] == "invalid_grant"


def test_an_expired_code_is_refused(keys: tuple[str, Path]) -> None:
    client = make_client(keys[0], code_lifetime=timedelta(seconds=-1))
    verifier, challenge = pkce()
    assert exchange(client, choose_user(client, challenge), verifier).json()["error"] == "invalid_grant"


def test_a_redirect_uri_that_is_not_registered_is_refused_without_redirecting(keys: tuple[str, Path]) -> None:
    client = make_client(keys[0])
    params = authorize_params(pkce()[1], redirect_uri="http://evil.test/callback")
    page = client.get("/authorize", params=params)
    assert page.status_code == 400
    assert "location" not in page.headers
    chosen = client.post("/authorize", data={**params, "user": ANNA.key})
    assert chosen.status_code == 400
    assert "location" not in chosen.headers


def test_the_token_request_must_repeat_the_redirect_uri_of_the_authorization(keys: tuple[str, Path]) -> None:
    client = make_client(keys[0])
    verifier, challenge = pkce()
    response = exchange(
        client, choose_user(client, challenge), verifier, redirect_uri="http://portal.test/other"
    )
    assert response.json()["error"] == "invalid_grant"


def test_an_authorization_request_without_pkce_goes_back_with_an_error(keys: tuple[str, Path]) -> None:
    client = make_client(keys[0])
    params = authorize_params("", code_challenge_method="plain")
    response = client.get("/authorize", params=params)
    assert response.status_code == 303
    assert parse_qs(urlsplit(response.headers["location"]).query)["error"] == ["invalid_request"]


def test_a_wrong_client_secret_is_refused(keys: tuple[str, Path]) -> None:
    client = make_client(keys[0])
    verifier, challenge = pkce()
    code = choose_user(client, challenge)
    response = client.post(
        "/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": verifier,
            "redirect_uri": REDIRECT,
        },
        auth=("portal", "wrong"),
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
