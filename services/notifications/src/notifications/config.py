"""Settings of the notifications service, from the environment (prefix NOTIFICATIONS_)."""

from pydantic_settings import SettingsConfigDict

from meldcode_servicekit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", extra="ignore", frozen=True)

    service_name: str = "notifications"
    http_port: int = 8103
