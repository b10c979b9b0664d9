"""Bearer tokens: the development key file and the production JWKS path, without mocks.

The JWKS is served over real HTTP on 127.0.0.1 by a tiny server in a thread.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from meldcode_contracts import Role
from meldcode_devauth.tokens import generate_key_pair, mint_token
from meldcode_edge.auth import TokenVerifier
from meldcode_edge.problems import Forbidden, Unauthorized
from meldcode_servicekit.settings import ServiceSettings

CLAIMS = {"sub": "ib-1", "role": "intern_begeleider", "samenwerkingsverband": "swv-zuid", "schools": ["12AB"]}


@pytest.fixture
def dev_keys(tmp_path: Path) -> tuple[str, Path]:
    private, public = generate_key_pair(tmp_path)
    return private.read_text(), public


def settings(**values: object) -> ServiceSettings:
    return ServiceSettings(**values)  # type: ignore[arg-type]


def test_a_token_from_the_development_issuer_gives_the_user_role_tenant_and_schools(
    dev_keys: tuple[str, Path],
) -> None:
    private, public = dev_keys
    token = mint_token(
        private, sub="ib-1", role="intern_begeleider", samenwerkingsverband="swv-zuid", schools=["12AB"]
    )
    principal = TokenVerifier(settings(auth_public_key_file=public)).verify(token)
    assert (principal.user_id, principal.role, principal.tenant) == (
        "ib-1",
        Role.INTERN_BEGELEIDER,
        "swv-zuid",
    )
    assert principal.schools == {"12AB"}


@pytest.mark.parametrize(
    "change",
    [
        {"lifetime": timedelta(seconds=-120)},  # expired beyond the leeway
        {"audience": "another-api"},
        {"issuer": "someone-else"},
        {"role": "koning"},
        {"samenwerkingsverband": "SWV_Zuid"},  # would make every event of this user unpublishable
        {"sub": "x" * 200},
        {"schools": ["not-a-brin"]},
    ],
)
def test_expired_foreign_or_malformed_tokens_are_refused(
    dev_keys: tuple[str, Path], change: dict[str, object]
) -> None:
    private, public = dev_keys
    fields: dict[str, object] = {
        "sub": "ib-1",
        "role": "intern_begeleider",
        "samenwerkingsverband": "swv-zuid",
        "schools": ["12AB"],
    }
    fields.update(change)
    token = mint_token(private, **fields)  # type: ignore[arg-type]
    with pytest.raises(Unauthorized):
        TokenVerifier(settings(auth_public_key_file=public)).verify(token)


def test_a_token_signed_with_another_key_is_refused(dev_keys: tuple[str, Path], tmp_path: Path) -> None:
    _, public = dev_keys
    other_private, _ = generate_key_pair(tmp_path / "other")
    token = mint_token(
        other_private.read_text(), sub="x", role="leerkracht", samenwerkingsverband="swv-zuid", schools=[]
    )
    with pytest.raises(Unauthorized):
        TokenVerifier(settings(auth_public_key_file=public)).verify(token)


def signed(private: str, **changes: object) -> str:
    """A development-issuer token whose claims are exactly `changes` over a normal one (a value of
    `None` leaves the claim out), encoded as given: strings stay strings, booleans booleans."""
    now = int(datetime.now(UTC).timestamp())
    claims: dict[str, object] = {
        **CLAIMS,
        "iss": "meldcode-dev",
        "aud": "meldcode",
        "iat": now,
        "exp": now + 3600,
    }
    claims.update(changes)
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, private, algorithm="EdDSA")


NOW = int(datetime.now(UTC).timestamp())


@pytest.mark.parametrize(
    "change",
    [
        {"exp": str(NOW + 3600)},
        {"exp": "9999999999"},
        {"iat": str(NOW)},
        {"iat": True},
        {"iat": False},
        {"nbf": str(NOW)},
        {"nbf": True},
        {"nbf": False},
    ],
    ids=repr,
)
def test_a_time_claim_that_is_not_a_json_number_is_refused(
    dev_keys: tuple[str, Path], change: dict[str, object]
) -> None:
    private, public = dev_keys
    with pytest.raises(Unauthorized) as refused:
        TokenVerifier(settings(auth_public_key_file=public)).verify(signed(private, **change))
    assert refused.value.rule == "token-numeric-claim"


@pytest.mark.parametrize(
    "change",
    [{"exp": True}, {"iat": "9999999999"}, {"iat": [NOW]}, {"exp": float("nan")}, {"nbf": float("inf")}],
    ids=repr,
)
def test_time_claims_that_pyjwt_rejects_on_its_own_are_still_refused(
    dev_keys: tuple[str, Path], change: dict[str, object]
) -> None:
    private, public = dev_keys
    with pytest.raises(Unauthorized):
        TokenVerifier(settings(auth_public_key_file=public)).verify(signed(private, **change))


def test_a_token_without_iat_is_refused(dev_keys: tuple[str, Path]) -> None:
    private, public = dev_keys
    with pytest.raises(Unauthorized) as refused:
        TokenVerifier(settings(auth_public_key_file=public)).verify(signed(private, iat=None))
    assert refused.value.rule == "token-issued-at"


def test_a_token_that_lives_longer_than_the_maximum_is_refused(dev_keys: tuple[str, Path]) -> None:
    private, public = dev_keys
    verifier = TokenVerifier(settings(auth_public_key_file=public))
    token = mint_token(
        private,
        sub="ib-1",
        role="intern_begeleider",
        samenwerkingsverband="swv-zuid",
        schools=["12AB"],
        lifetime=timedelta(hours=8, seconds=31),  # beyond 8 hours and the 30 s of leeway
    )
    with pytest.raises(Unauthorized) as refused:
        verifier.verify(token)
    assert refused.value.rule == "token-lifetime"
    with pytest.raises(Unauthorized) as refused:
        verifier.verify(signed(private, exp=10**30))
    assert refused.value.rule == "token-lifetime"


def test_the_maximum_lifetime_is_a_setting_with_the_leeway_on_top(dev_keys: tuple[str, Path]) -> None:
    private, public = dev_keys
    verifier = TokenVerifier(
        settings(auth_public_key_file=public, auth_max_token_lifetime_seconds=600, auth_leeway_seconds=5)
    )
    assert verifier.verify(signed(private, exp=NOW + 605, iat=NOW)).user_id == "ib-1"
    with pytest.raises(Unauthorized) as refused:
        verifier.verify(signed(private, exp=NOW + 606, iat=NOW))
    assert refused.value.rule == "token-lifetime"


@pytest.mark.parametrize(
    "change",
    [{}, {"nbf": NOW}, {"exp": NOW + 3600.5, "iat": NOW + 0.25, "nbf": NOW - 0.5}],
    ids=repr,
)
def test_a_normal_token_with_numeric_times_passes(
    dev_keys: tuple[str, Path], change: dict[str, object]
) -> None:
    private, public = dev_keys
    verifier = TokenVerifier(settings(auth_public_key_file=public))
    assert verifier.verify(signed(private, **change)).user_id == "ib-1"


def test_the_development_issuers_eight_hour_tokens_pass_under_the_default_maximum(
    dev_keys: tuple[str, Path],
) -> None:
    private, public = dev_keys
    token = mint_token(
        private, sub="ib-1", role="intern_begeleider", samenwerkingsverband="swv-zuid", schools=["12AB"]
    )
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 8 * 3600
    assert TokenVerifier(settings(auth_public_key_file=public)).verify(token).user_id == "ib-1"


@pytest.fixture
def jwks_issuer() -> Iterator[tuple[str, rsa.RSAPrivateKey]]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "issuer-key-1", "use": "sig", "alg": "RS256"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/.well-known/jwks.json", key
    finally:
        server.shutdown()


def test_production_tokens_are_checked_against_the_issuers_jwks(
    jwks_issuer: tuple[str, rsa.RSAPrivateKey],
) -> None:
    url, key = jwks_issuer
    now = datetime.now(UTC)
    claims = {
        **CLAIMS,
        "iss": "https://login.example.nl",
        "aud": "meldcode",
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }
    token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "issuer-key-1"})
    verifier = TokenVerifier(settings(auth_jwks_url=url, auth_issuer="https://login.example.nl"))
    assert verifier.verify(token).user_id == "ib-1"
    forged = jwt.encode(
        claims,
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        algorithm="RS256",
        headers={"kid": "issuer-key-1"},
    )
    with pytest.raises(Unauthorized):
        verifier.verify(forged)


def test_a_principal_may_act_only_for_its_own_samenwerkingsverband_and_schools(
    dev_keys: tuple[str, Path],
) -> None:
    private, public = dev_keys
    token = mint_token(
        private, sub="ib-1", role="intern_begeleider", samenwerkingsverband="swv-zuid", schools=["12AB"]
    )
    principal = TokenVerifier(settings(auth_public_key_file=public)).verify(token)
    principal.require_school("swv-zuid", "12AB")
    with pytest.raises(Forbidden):
        principal.require_school("swv-zuid", "34CD")
    with pytest.raises(Forbidden):
        principal.require_school("swv-noord", "12AB")
    with pytest.raises(Forbidden):
        principal.require_role(Role.AUDITOR)
