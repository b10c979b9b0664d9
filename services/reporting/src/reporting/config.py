"""Settings of the reporting service, from the environment (prefix REPORTING_)."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from meldcode_servicekit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTING_", extra="ignore", frozen=True)

    service_name: str = "reporting"
    http_port: int = 8104
    schools_file: Path | None = Field(
        default=None,
        description="JSON register of the schools' names per samenwerkingsverband ({swv: [{brin, name}]})",
    )
