"""Settings of the portal, read from the environment with the prefix `PORTAL_`.

The portal holds no case data: it needs the services' URLs, the OpenID Connect issuer it logs
users in with, a secret that keys its sessions, and where the sessions are kept. Access tokens are verified like the
services do (`meldcode_edge.auth`), with the unprefixed `AUTH_*` variables.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class PortalSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PORTAL_", extra="ignore", frozen=True)

    signals_url: str = "http://127.0.0.1:8101"
    casework_url: str = "http://127.0.0.1:8102"
    notifications_url: str = "http://127.0.0.1:8103"
    reporting_url: str = "http://127.0.0.1:8104"
    oidc_issuer: str = Field(
        default="http://127.0.0.1:8190",
        description="Issuer URL; its discovery document is at /.well-known/openid-configuration",
    )
    oidc_client_id: str = "meldcode-portal"
    oidc_client_secret: SecretStr = SecretStr("dev-portal-secret")
    oidc_scope: str = "openid profile"
    session_secret: SecretStr = Field(
        default=SecretStr("change-me-dev-only-session-secret"),
        description="Keys the server-side sessions (row key and sealing); long and random in production",
    )
    session_database_url: str | None = Field(
        default=None,
        description="PostgreSQL database of the sessions (table portal_sessions); without it they "
        "live in this process only, which suits one-process development and nothing else",
    )
    session_migration_database_url: str | None = Field(
        default=None,
        description="The sessions' database as its owner role, for `meldcode-web migrate` only (ADR 16)",
    )
    session_max_age_seconds: int = Field(
        default=8 * 3600, ge=60, description="A session ends this long after login, used or not"
    )
    session_idle_seconds: int = Field(
        default=30 * 60, ge=60, description="A session ends after this long without a request"
    )
    public_url: str = Field(
        default="http://127.0.0.1:8180", description="Where users reach the portal (for redirect_uri)"
    )
    secure_cookies: bool | None = Field(
        default=None,
        description="Send the session cookie over HTTPS only; unset: yes, unless public_url is "
        "plain http on localhost / 127.0.0.1",
    )
    http_host: str = "127.0.0.1"
    http_port: int = 8180
    service_timeout_seconds: float = Field(default=10.0, gt=0)

    def service_url(self, service: str) -> str:
        urls = {
            "signals": self.signals_url,
            "casework": self.casework_url,
            "notifications": self.notifications_url,
            "reporting": self.reporting_url,
        }
        return urls[service].rstrip("/")

    @property
    def cookies_secure(self) -> bool:
        if self.secure_cookies is not None:
            return self.secure_cookies
        parts = urlsplit(self.public_url)
        return not (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS)

    @property
    def redirect_uri(self) -> str:
        return self.public_url.rstrip("/") + "/auth/callback"
