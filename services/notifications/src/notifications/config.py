"""Settings of the notifications service, from the environment (prefix NOTIFICATIONS_)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import SettingsConfigDict

from meldcode_servicekit.settings import ServiceSettings

from .domain.decisions import Terms


class DirectoryEntry(BaseModel):
    """A person who can get e-mail: the address, and the name the melding document shows."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    email: str = Field(min_length=3, pattern=r"^[^@\s]+@[^@\s]+$")
    name: str | None = None


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", extra="ignore", frozen=True)

    service_name: str = "notifications"
    http_port: int = 8103

    # Rule 14 (the terms of a case are casework's, published with its obligations: ADR 18).
    recent_signals_days: int = Field(
        default=365, ge=1, description="Rule 14: signals this recent make a leaving pupil an alert"
    )

    # E-mail.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_security: Literal["none", "starttls", "tls"] = Field(
        default="none", description="none (local catcher), starttls (submission, 587) or tls (implicit, 465)"
    )
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = Field(default=15.0, gt=0)
    mail_from: str = "Meldcode <noreply@meldcode.local>"
    mail_domain: str = Field(default="meldcode.local", description="Right-hand side of every Message-ID")
    portal_url: str = Field(default="http://127.0.0.1:8103", description="Where the e-mails link to")
    user_directory: dict[str, DirectoryEntry] = Field(
        default_factory=dict,
        description="JSON: user id -> {email, name}; loaded into the user_directory table at start-up",
    )
    email_backoff_base_seconds: float = Field(default=2.0, gt=0)
    email_backoff_cap_seconds: float = Field(default=900.0, gt=0)

    # JGZ webhooks (partners: MELDCODE_JGZ_PARTNERS, shared).
    webhook_backoff_base_seconds: float = Field(default=2.0, gt=0)
    webhook_backoff_cap_seconds: float = Field(default=3600.0, gt=0)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)

    # Background work.
    scheduler_interval_seconds: float = Field(
        default=1.0, gt=0, description="How often due work is looked for"
    )
    document_grace_seconds: float = Field(
        default=60.0,
        ge=0,
        description="How long a melding document waits for signals not seen yet before it is built without them",
    )

    def terms(self) -> Terms:
        return Terms(recent_signals_days=self.recent_signals_days)
