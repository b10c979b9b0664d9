"""Bearer tokens (JWT): who is acting, in which role, for which samenwerkingsverband and schools.

Production validates against the OpenID Connect issuer (`AUTH_OIDC_ISSUER`, whose discovery
document names the JWKS; or directly `AUTH_JWKS_URL`); development and tests use a local key
pair (`AUTH_PUBLIC_KEY_FILE`, see the development-only `meldcode_devauth.tokens`). Missing or bad
token -> 401; authenticated but not allowed -> 403 (the route policy, `permissions`, and
`Principal.require_*`).
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Any

import anyio.to_thread
import jwt
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from meldcode_contracts import Actor, Role
from meldcode_contracts.envelope import BRIN_PATTERN, TENANT_PATTERN

from .acting import Acting
from .logging import get_logger
from .problems import PRINCIPAL_STATE, Forbidden, ServiceUnavailable, Unauthorized
from .settings import AuthSettings

log = get_logger(__name__)
ALGORITHMS = ["EdDSA", "RS256", "ES256"]
# Claims end up in every event envelope: refuse what the contracts would refuse later, so a bad
# token can never leave a stored event that the outbox relay cannot publish.
USER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$")
TENANT = re.compile(TENANT_PATTERN)
BRIN = re.compile(BRIN_PATTERN)


def _claim(value: object, pattern: re.Pattern[str]) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise ValueError("claim does not have the expected form")
    return value


TIME_CLAIMS = ("exp", "iat", "nbf")


def _is_numeric_date(value: object) -> bool:
    """A JSON number (RFC 7519 NumericDate). PyJWT itself turns the string "9999999999" into a
    number and takes `true` for 1, so it cannot be left to decide this."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_times(claims: dict[str, Any], settings: AuthSettings) -> None:
    """On top of PyJWT's expiry checks: every time claim is a number, `iat` is present, and the
    issuer granted no longer than `AUTH_MAX_TOKEN_LIFETIME_SECONDS` (plus the leeway), so a
    leaked or wrongly issued long-lived token is refused."""
    if not all(_is_numeric_date(claims[name]) for name in TIME_CLAIMS if name in claims):
        raise Unauthorized(
            "Het token is ongeldig: exp, iat en nbf moeten getallen zijn.", rule="token-numeric-claim"
        )
    if "iat" not in claims:
        raise Unauthorized(
            "Het token is ongeldig: het tijdstip van uitgifte (iat) ontbreekt.", rule="token-issued-at"
        )
    if (
        claims["exp"] - claims["iat"]
        > settings.auth_max_token_lifetime_seconds + settings.auth_leeway_seconds
    ):
        raise Unauthorized(
            "Het token is langer geldig dan is toegestaan; log opnieuw in.", rule="token-lifetime"
        )


def _acting_for(act: object) -> str | None:
    if act is None:
        return None
    if not isinstance(act, dict):
        raise ValueError("act claim must be an object")
    return _claim(act.get("sub"), USER_ID)


@dataclass(frozen=True)
class Principal:
    user_id: str
    role: Role
    tenant: str
    schools: frozenset[str]
    on_behalf_of: str | None = None
    """RFC 8693 `act` claim: the user this one acts for (a delegated or support session), if any."""

    @property
    def actor(self) -> Actor:
        return Actor(user_id=self.user_id, role=self.role)

    def acting(self, correlation_id: str) -> Acting:
        return Acting(self.user_id, self.role.value, self.tenant, correlation_id)

    def require_role(self, *roles: Role) -> None:
        if self.role not in roles:
            raise Forbidden(f"De rol {self.role.value} mag dit niet doen.", rule="role")

    def require_school(self, tenant: str, school: str) -> None:
        """The data belongs to `school` of samenwerkingsverband `tenant`: is it ours?"""
        if tenant != self.tenant:
            raise Forbidden("Deze gegevens horen bij een ander samenwerkingsverband.", rule="tenant")
        if self.role in (Role.AUDITOR,):
            return
        if school not in self.schools:
            raise Forbidden("Deze gegevens horen bij een andere school.", rule="school")


class TokenVerifier:
    """Checks bearer tokens against, in this order of preference: the OpenID Connect issuer
    (`AUTH_OIDC_ISSUER`: discovery document -> JWKS), a JWKS URL (`AUTH_JWKS_URL`), or the
    development issuer's public key file. Signature, issuer, audience, expiry and not-before are
    checked with `AUTH_LEEWAY_SECONDS` of clock skew, and only the asymmetric `ALGORITHMS`; `iat`
    is required, `exp`/`iat`/`nbf` must be JSON numbers, and `exp - iat` at most
    `AUTH_MAX_TOKEN_LIFETIME_SECONDS` (plus the leeway).

    The JWKS is cached and fetched again when a token names an unknown `kid` (key rotation), at
    most once per `jwks_refresh_cooldown` seconds so made-up kids cannot flood the issuer.

    A token that passed is remembered (`_VerifiedTokens`) for at most `verified_token_seconds`,
    never past its expiry and only until the JWKS is fetched again (a withdrawn key stops working
    as soon as before): a client sends the same token with every request, and the signature check
    was a tenth of a recorded signal's CPU in the signals service (ADR 25, part L). Only the exact
    token string is looked up, so nothing that was not verified is ever taken from it.
    """

    def __init__(
        self,
        settings: AuthSettings,
        *,
        jwks_refresh_cooldown: float = 10.0,
        verified_token_seconds: float = 60.0,
    ) -> None:
        self._settings = settings
        self._cooldown = jwks_refresh_cooldown
        self._jwks_client: jwt.PyJWKClient | None = None
        self._lock = threading.Lock()
        self._verified = _VerifiedTokens(verified_token_seconds, leeway=settings.auth_leeway_seconds)

    @property
    def expected_issuer(self) -> str:
        return self._settings.auth_oidc_issuer or self._settings.auth_issuer

    def _jwks(self) -> jwt.PyJWKClient | None:
        with self._lock:
            if self._jwks_client is None:
                if self._settings.auth_oidc_issuer:
                    url: str | None = discover_jwks_uri(self._settings.auth_oidc_issuer)
                else:
                    url = self._settings.auth_jwks_url
                if url:
                    self._jwks_client = _KeySetClient(
                        url,
                        lifespan=300,
                        timeout=5,
                        cooldown_duration=self._cooldown,
                        on_fetch=self._verified.forget_all,
                    )
            return self._jwks_client

    @cached_property
    def _public_key(self) -> PublicKeyTypes | None:
        """The development issuer's key, parsed once: PyJWT would parse the PEM text on every
        token (a noticeable part of a request's CPU)."""
        path = self._settings.auth_public_key_file
        return load_pem_public_key(path.read_bytes()) if path else None

    @property
    def may_block(self) -> bool:
        """Whether `verify` may wait on the network (fetching a JWKS): then call it in a thread."""
        return bool(self._settings.auth_oidc_issuer or self._settings.auth_jwks_url)

    def verify(self, token: str) -> Principal:
        known = self._verified.get(token)
        if known is not None:
            return known
        principal, expires = self._verify_signed(token)
        self._verified.put(token, principal, expires)
        return principal

    def _verify_signed(self, token: str) -> tuple[Principal, float]:
        """The token's principal and its expiry (`exp`), after every check."""
        try:
            key: Any
            jwks = self._jwks()
            if jwks is not None:
                key = jwks.get_signing_key_from_jwt(token)
            elif self._public_key is not None:
                key = self._public_key
            else:
                raise Unauthorized("Er is geen sleutel ingesteld om tokens te controleren.")
            claims = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=self._settings.auth_audience,
                issuer=self.expected_issuer,
                leeway=self._settings.auth_leeway_seconds,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )
            _check_times(claims, self._settings)
            principal = Principal(
                user_id=_claim(claims["sub"], USER_ID),
                role=Role(claims["role"]),
                tenant=_claim(claims["samenwerkingsverband"], TENANT),
                schools=frozenset(_claim(s, BRIN) for s in claims.get("schools", [])),
                on_behalf_of=_acting_for(claims.get("act")),
            )
            return principal, float(claims["exp"])
        except (jwt.PyJWKClientConnectionError, DiscoveryFailed) as exc:
            raise ServiceUnavailable(
                "De inlogdienst is even niet bereikbaar; probeer het zo opnieuw."
            ) from exc
        except (jwt.PyJWTError, KeyError, ValueError, TypeError) as exc:
            raise Unauthorized("Het token ontbreekt, is verlopen of is ongeldig.") from exc


class _VerifiedTokens:
    """Tokens that passed every check, with their principal: each for `seconds` at most and never
    once its `exp` (plus the leeway PyJWT allows) has passed; `iat` and `nbf` only move further
    into the past, so they need no second look. Bounded: full, it starts again."""

    MAX_TOKENS = 4096

    def __init__(self, seconds: float, *, leeway: float) -> None:
        self._seconds = seconds
        self._leeway = leeway
        self._tokens: dict[str, tuple[Principal, float]] = {}

    def get(self, token: str) -> Principal | None:
        entry = self._tokens.get(token)
        if entry is None:
            return None
        principal, valid_until = entry
        if time.time() >= valid_until:
            self._tokens.pop(token, None)
            return None
        return principal

    def put(self, token: str, principal: Principal, expires: float) -> None:
        if self._seconds <= 0:
            return
        if len(self._tokens) >= self.MAX_TOKENS:
            self._tokens.clear()
        self._tokens[token] = (principal, min(time.time() + self._seconds, expires + self._leeway))

    def forget_all(self) -> None:
        self._tokens.clear()


class _KeySetClient(jwt.PyJWKClient):
    """PyJWT's JWKS client that says when it fetched the key set again (`on_fetch`)."""

    def __init__(self, url: str, *, on_fetch: Callable[[], None], **options: Any) -> None:
        super().__init__(url, **options)
        self._on_fetch = on_fetch

    def fetch_data(self) -> Any:
        data = super().fetch_data()
        self._on_fetch()
        return data


class DiscoveryFailed(Exception):
    """The OpenID Connect discovery document could not be fetched or is not the issuer's own."""


def discover_jwks_uri(issuer: str, *, timeout: float = 5.0) -> str:
    """`jwks_uri` from `<issuer>/.well-known/openid-configuration` (OpenID Connect Discovery 1.0
    section 4), after checking that the document names exactly this issuer (section 4.3)."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise DiscoveryFailed("issuer must be an http(s) URL")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (scheme checked)
            document = json.loads(response.read(1024 * 1024))
    except (OSError, ValueError) as exc:
        log.warning("oidc_discovery_failed", error_type=type(exc).__name__)
        raise DiscoveryFailed("discovery document unavailable") from exc
    if not isinstance(document, dict) or document.get("issuer") != issuer:
        log.error("oidc_discovery_issuer_mismatch")
        raise DiscoveryFailed("discovery document is for another issuer")
    jwks_uri = document.get("jwks_uri")
    if not isinstance(jwks_uri, str) or urllib.parse.urlsplit(jwks_uri).scheme not in ("http", "https"):
        raise DiscoveryFailed("discovery document has no usable jwks_uri")
    return jwks_uri


VERIFIED_BEARER = "meldcode_verified_bearer"
"""Request-state key where the edge (the write rate limit) leaves the (token, Principal) it
already verified, so `current_principal` does not verify the same token twice."""


_bearer = HTTPBearer(auto_error=False)


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Async, so a request does not hop to a worker thread for a signature check; only a verifier
    that may fetch a JWKS over the network is called in a thread."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Log in: er is geen bearer-token meegestuurd.")
    verified = getattr(request.state, VERIFIED_BEARER, None)
    if verified is not None and verified[0] == credentials.credentials:
        principal: Principal = verified[1]
    else:
        verifier: TokenVerifier = request.app.state.token_verifier
        if verifier.may_block:
            principal = await anyio.to_thread.run_sync(verifier.verify, credentials.credentials)
        else:
            principal = verifier.verify(credentials.credentials)
    setattr(request.state, PRINCIPAL_STATE, principal)  # for the refusal log (problems.log_refusal)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
