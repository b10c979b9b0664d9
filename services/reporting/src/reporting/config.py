"""Settings of the reporting service, from the environment (prefix REPORTING_)."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from meldcode_servicekit.settings import ServiceSettings

from .adapters.replay_workers import default_workers


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTING_", extra="ignore", frozen=True)

    service_name: str = "reporting"
    http_port: int = 8104
    schools_file: Path | None = Field(
        default=None,
        description="JSON register of the schools' names per samenwerkingsverband ({swv: [{brin, name}]})",
    )
    rebuild_workers: int = Field(
        default_factory=default_workers,
        ge=1,
        description=(
            "Worker processes of a rebuild (`meldcode-reporting rebuild`, `POST /audit/rebuild`), one group"
            " of partitions each; 1 replays in the process itself. Default: one fewer than the CPUs, 1 to 4"
        ),
    )
