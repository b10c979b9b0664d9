"""Settings of an HTTP edge, read from the environment (pydantic-settings): how bearer tokens are
verified (`AuthSettings`, the unprefixed `AUTH_*` variables) and how requests are limited and
answered (`EdgeSettings`). The services' settings (`meldcode_servicekit.settings.ServiceSettings`)
extend `EdgeSettings`; the portal verifies tokens with `AuthSettings`.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# How long a request waits for a database or key-store connection before it is refused with 503
# (problems.py): an outage answers fast, it never hangs.
CONNECT_WAIT_SECONDS = 1


class AuthSettings(BaseSettings):
    """How a bearer token is verified (`meldcode_edge.auth.TokenVerifier`)."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    auth_public_key_file: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("AUTH_PUBLIC_KEY_FILE", "auth_public_key_file"),
        description="PEM public key of the (development) token issuer",
    )
    auth_jwks_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("AUTH_JWKS_URL", "auth_jwks_url"),
        description="JWKS of the production OpenID Connect issuer; wins over the key file",
    )
    auth_oidc_issuer: str | None = Field(
        default=None,
        validation_alias=AliasChoices("AUTH_OIDC_ISSUER", "auth_oidc_issuer"),
        description=(
            "Issuer URL of the production OpenID Connect provider: its discovery document gives the "
            "JWKS; wins over AUTH_JWKS_URL and the key file, and is the only issuer accepted"
        ),
    )
    auth_issuer: str = Field(
        default="meldcode-dev", validation_alias=AliasChoices("AUTH_ISSUER", "auth_issuer")
    )
    auth_audience: str = Field(
        default="meldcode", validation_alias=AliasChoices("AUTH_AUDIENCE", "auth_audience")
    )
    auth_leeway_seconds: int = Field(
        default=30, validation_alias=AliasChoices("AUTH_LEEWAY_SECONDS", "auth_leeway_seconds")
    )
    auth_max_token_lifetime_seconds: int = Field(
        default=8 * 3600,
        ge=1,
        validation_alias=AliasChoices("AUTH_MAX_TOKEN_LIFETIME_SECONDS", "auth_max_token_lifetime_seconds"),
        description=(
            "Longest lifetime (exp - iat) of a token that is accepted, plus AUTH_LEEWAY_SECONDS; "
            "the default is what the development issuer and the portal's sessions use (8 hours)"
        ),
    )


class EdgeSettings(AuthSettings):
    """An HTTP edge: where it listens, how it logs, and what it refuses before any route runs."""

    http_host: str = "127.0.0.1"
    http_port: int = 8000
    log_level: str = Field(default="INFO", validation_alias=AliasChoices("LOG_LEVEL", "log_level"))

    max_request_bytes: int = Field(
        default=1024 * 1024,
        ge=1,
        validation_alias=AliasChoices("MELDCODE_MAX_REQUEST_BYTES", "max_request_bytes"),
        description="Largest request body accepted (Content-Length and streamed); larger -> 413",
    )
    write_rate_per_minute: float = Field(
        default=600,
        ge=0,
        validation_alias=AliasChoices("MELDCODE_WRITE_RATE_PER_MINUTE", "write_rate_per_minute"),
        description=(
            "Sustained POST/PUT/PATCH/DELETE requests per user (token subject, else client address) "
            "per minute, per replica; 0 switches the limit off"
        ),
    )
    write_burst: int = Field(
        default=120,
        ge=1,
        validation_alias=AliasChoices("MELDCODE_WRITE_BURST", "write_burst"),
        description="Write requests a user may make at once before the per-minute rate applies",
    )
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        validation_alias=AliasChoices("MELDCODE_TRUSTED_PROXIES", "trusted_proxies"),
        description=(
            "Comma-separated addresses or CIDR networks of the reverse proxies in front of the "
            "service; only from these are X-Forwarded-For and X-Forwarded-Proto believed (for the "
            "access log's client address and the write rate limit). Empty (default): never"
        ),
    )
    behind_tls: bool = Field(
        default=False,
        validation_alias=AliasChoices("MELDCODE_BEHIND_TLS", "behind_tls"),
        description="The service is reached over HTTPS only: send Strict-Transport-Security",
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxy_networks(cls, value: object) -> object:
        if isinstance(value, str):
            value = tuple(part.strip() for part in value.split(",") if part.strip())
        if isinstance(value, list | tuple):
            for entry in value:
                ipaddress.ip_network(str(entry), strict=False)  # ValueError names a wrong entry
        return value
