"""Settings of the signals service, from the environment (prefix SIGNALS_)."""

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import SettingsConfigDict

from meldcode_servicekit.settings import ServiceSettings

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

    @field_validator("retention_terms")
    @classmethod
    def _terms_parse(cls, value: dict[str, str]) -> dict[str, str]:
        RetentionTerms.parse(value)  # a bad term stops the service at start, not the job at night
        return value

    def retention(self) -> RetentionTerms:
        return RetentionTerms.parse(self.retention_terms)
