"""Settings of the signals service, from the environment (prefix SIGNALS_)."""

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import SettingsConfigDict

from meldcode_servicekit.settings import ServiceSettings

from .domain.attachment import DEFAULT_MAX_ATTACHMENT_BYTES
from .domain.erasure import DEFAULT_WAITING_PERIOD
from .domain.retention import RetentionTerms


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SIGNALS_", extra="ignore", frozen=True)

    service_name: str = "signals"
    http_port: int = 8101

    retention_terms: dict[str, str] = Field(
        default_factory=dict,
        validation_alias=AliasChoices(
            "SIGNALS_RETENTION_TERMS", "MELDCODE_RETENTION_TERMS", "retention_terms"
        ),
        description=(
            "JSON: samenwerkingsverband -> ISO-8601 retention term after the pupil left school, and "
            '"default" for the others (e.g. {"default": "P2Y", "swv-noord": "P3Y"}); default two years'
        ),
    )
    retention_interval_seconds: float = Field(
        default=86_400.0, gt=0, description="How often the retention job runs (one replica at a time)"
    )
    retention_batch_size: int = Field(default=100, ge=1, description="Candidates read per query by the job")

    attachment_max_bytes: int = Field(
        default=DEFAULT_MAX_ATTACHMENT_BYTES, ge=1, description="The largest attachment to a signal, in bytes"
    )

    erasure_waiting_periods: dict[str, str] = Field(
        default_factory=dict,
        validation_alias=AliasChoices(
            "SIGNALS_ERASURE_WAITING_PERIODS", "MELDCODE_ERASURE_WAITING_PERIODS", "erasure_waiting_periods"
        ),
        description=(
            "JSON: samenwerkingsverband -> ISO-8601 period after a case was closed within which no "
            'erasure on request is made (unless a court orders it), and "default" for the others '
            '(e.g. {"default": "P28D", "swv-noord": "P3M"}); default four weeks'
        ),
    )

    @field_validator("retention_terms", "erasure_waiting_periods")
    @classmethod
    def _terms_parse(cls, value: dict[str, str]) -> dict[str, str]:
        RetentionTerms.parse(value)  # a bad term stops the service at start, not a request later
        return value

    def retention(self) -> RetentionTerms:
        return RetentionTerms.parse(self.retention_terms)

    def erasure_waiting(self) -> RetentionTerms:
        """The waiting period after closing, per samenwerkingsverband (same form as the terms)."""
        return RetentionTerms.parse(self.erasure_waiting_periods, default=DEFAULT_WAITING_PERIOD)
