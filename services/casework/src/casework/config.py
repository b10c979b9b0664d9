"""Settings of the casework service, from the environment (prefix CASEWORK_)."""

from pydantic_settings import SettingsConfigDict

from meldcode_servicekit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CASEWORK_", extra="ignore", frozen=True)

    service_name: str = "casework"
    http_port: int = 8102
