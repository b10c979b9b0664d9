"""Settings of the signals service, from the environment (prefix SIGNALS_)."""

from pydantic_settings import SettingsConfigDict

from meldcode_servicekit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SIGNALS_", extra="ignore", frozen=True)

    service_name: str = "signals"
    http_port: int = 8101
