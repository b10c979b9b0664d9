"""How a Kafka client connects: the address, the SASL/SCRAM principal and TLS (docs/security.md)."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SASL_MECHANISM = "SCRAM-SHA-512"


@dataclass(frozen=True)
class KafkaConnection:
    bootstrap_servers: str
    security_protocol: str = "PLAINTEXT"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ssl_cafile: Path | None = None
    producer_request_timeout_ms: int = 15000  # settings.kafka_producer_request_timeout_ms

    def __post_init__(self) -> None:
        if self.sasl and not (self.username and self.password):
            raise ValueError(f"{self.security_protocol} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD")

    @property
    def sasl(self) -> bool:
        return self.security_protocol.startswith("SASL_")

    @property
    def tls(self) -> bool:
        return self.security_protocol.endswith("SSL")

    def ssl_context(self) -> ssl.SSLContext | None:
        if not self.tls:
            return None
        return ssl.create_default_context(cafile=str(self.ssl_cafile) if self.ssl_cafile else None)

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for aiokafka's producer, consumer and admin client."""
        options: dict[str, Any] = {
            "bootstrap_servers": self.bootstrap_servers,
            "security_protocol": self.security_protocol,
        }
        if self.tls:
            options["ssl_context"] = self.ssl_context()
        if self.sasl:
            options |= {
                "sasl_mechanism": SASL_MECHANISM,
                "sasl_plain_username": self.username,
                "sasl_plain_password": self.password,
            }
        return options


def connection(kafka: KafkaConnection | str) -> KafkaConnection:
    """A bare address is a broker without authentication (the tests' shared broker)."""
    return kafka if isinstance(kafka, KafkaConnection) else KafkaConnection(kafka)
