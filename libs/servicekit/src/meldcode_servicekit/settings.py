"""Settings every service shares, read from the environment (pydantic-settings).

Each service subclasses `ServiceSettings` with its own prefix, e.g. `SIGNALS_DATABASE_URL`. The
Kafka address and the auth settings are shared by all services and carry no prefix. The auth and
hardening settings are the edge's (`meldcode_edge.settings.EdgeSettings`), which the portal shares.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from meldcode_edge.postgres_connections import PostgresConnections
from meldcode_edge.settings import EdgeSettings

from .kafka_connection import KafkaConnection


class JgzPartner(BaseModel):
    """The JGZ organisation a samenwerkingsverband works with (docs/integration/jgz.md)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    organisation: str = Field(min_length=1, description="Name of the JGZ organisation, e.g. GGD Zuid JGZ")
    webhook_url: str = Field(description="Where the outbound webhooks go (https in production)")
    secrets: list[SecretStr] = Field(
        min_length=1,
        description=(
            "Shared HMAC secrets; the first signs outbound webhooks, any of them verifies an inbound "
            "message (so a secret can be rotated without downtime)"
        ),
    )

    def secret_bytes(self) -> list[bytes]:
        return [s.get_secret_value().encode() for s in self.secrets]


class ServiceSettings(EdgeSettings, PostgresConnections):
    """A service's settings; its PostgreSQL pool sizes and TCP keepalives (MELDCODE_DB_POOL_MAX,
    MELDCODE_KEYSTORE_POOL_MAX, MELDCODE_EVENTSTORE_POOL_*, MELDCODE_DB_KEEPALIVES_*) are
    `PostgresConnections`', shared with the edge's pools."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    service_name: str = "service"
    database_url: str = Field(
        default="postgresql://postgres@127.0.0.1:15432/postgres",
        description="PostgreSQL URL of this service's own database, as the service's own role (ADR 16)",
    )
    migration_database_url: str | None = Field(
        default=None,
        description=(
            "PostgreSQL URL of the same database as its owner role, for `migrate` only (the service "
            "itself never gets it); without it `migrate` runs as the service's role"
        ),
    )
    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:19092",
        validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS", "kafka_bootstrap_servers"),
    )
    kafka_security_protocol: Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL", "SSL"] = Field(
        default="PLAINTEXT",
        validation_alias=AliasChoices("KAFKA_SECURITY_PROTOCOL", "kafka_security_protocol"),
        description=(
            "How the service talks to Kafka: SASL_SSL in production (SCRAM-SHA-512 over TLS), "
            "SASL_PLAINTEXT on a local broker, PLAINTEXT only for a broker without authentication"
        ),
    )
    kafka_username: str | None = Field(
        default=None,
        validation_alias=AliasChoices("KAFKA_SASL_USERNAME", "kafka_username"),
        description="The service's own SCRAM principal (its ACLs: docs/security.md); SASL_* only",
    )
    kafka_password: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("KAFKA_SASL_PASSWORD", "kafka_password"),
        description="The principal's SCRAM password, from a secret store",
    )
    kafka_ssl_cafile: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("KAFKA_SSL_CAFILE", "kafka_ssl_cafile"),
        description="PEM of the CA that signed the brokers' certificates (*_SSL); unset: the system's CAs",
    )
    kafka_producer_request_timeout_ms: int = Field(
        default=15000,
        ge=1000,
        validation_alias=AliasChoices(
            "KAFKA_PRODUCER_REQUEST_TIMEOUT_MS", "kafka_producer_request_timeout_ms"
        ),
        description=(
            "How long a producer (the relays, the access log) waits for a broker's answer before it "
            "drops the connection and sends again after a metadata refresh; also the time a broker "
            "may hold an acks=all write for its in-sync replicas. Matters when a broker is lost "
            "without its connections being closed (a machine or network loss): above the cluster's "
            "broker.session.timeout.ms (9 s on Strimzi), well below aiokafka's 40 s (ADR 27)"
        ),
    )
    topic_prefix: str = Field(
        default="",
        validation_alias=AliasChoices("MELDCODE_TOPIC_PREFIX", "topic_prefix"),
        description="Prefix for every topic name; lets tests and checkouts share one broker",
    )
    consumer_group_prefix: str = Field(
        default="",
        validation_alias=AliasChoices("MELDCODE_GROUP_PREFIX", "consumer_group_prefix"),
    )
    jgz_partners: dict[str, JgzPartner] = Field(
        default_factory=dict,
        validation_alias=AliasChoices("MELDCODE_JGZ_PARTNERS", "jgz_partners"),
        description=(
            "JSON: samenwerkingsverband -> its JGZ partner (organisation, webhook_url, secrets). "
            "A samenwerkingsverband without one sends no webhooks and accepts no inbound messages."
        ),
    )

    keystore_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("MELDCODE_KEYSTORE_URL", "keystore_url"),
        description="PostgreSQL URL of the key store shared by the services (pupils' data keys, ADR 10)",
    )
    keystore_migration_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("MELDCODE_KEYSTORE_MIGRATION_URL", "keystore_migration_url"),
        description="The key store as its owner role, for `migrate` only (ADR 16)",
    )
    master_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("MELDCODE_MASTER_KEY", "master_key"),
        description="Base64 of the 32-byte master key that wraps the data keys (from a secret store)",
    )
    key_cache_seconds: float = Field(
        default=30.0,
        ge=0,
        validation_alias=AliasChoices("MELDCODE_KEY_CACHE_SECONDS", "key_cache_seconds"),
        description="How long a process may keep using a data key it read (erasure reaches it by then)",
    )
    chain_heads_dir: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("MELDCODE_CHAIN_HEADS_DIR", "chain_heads_dir"),
        description=(
            "Directory of the signed chain-head records of the event store (ADR 7), "
            "`<service>-chain-heads.jsonl`, to be shipped to where the auditor keeps them; unset: "
            "no heads are recorded"
        ),
    )
    chain_head_interval_seconds: float = Field(
        default=3600.0,
        gt=0,
        validation_alias=AliasChoices("MELDCODE_CHAIN_HEAD_INTERVAL_SECONDS", "chain_head_interval_seconds"),
        description="How often the chain head of the event store is recorded",
    )
    chain_head_signing_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("MELDCODE_CHAIN_HEAD_SIGNING_KEY", "chain_head_signing_key"),
        description=(
            "Base64 of the service's 32-byte Ed25519 private key that signs the chain heads (from a "
            "secret store); unset: a development key is generated once next to the heads"
        ),
    )
    consumer_batch_size: int = Field(default=200, ge=1, description="Messages handled per transaction")
    consumer_max_attempts: int = Field(default=3, ge=1, description="Tries before a message is parked")
    consumer_retry_backoff_seconds: float = Field(default=0.2, ge=0)
    relay_batch_size: int = Field(default=200, ge=1)
    relay_idle_seconds: float = Field(
        default=1.0,
        gt=0,
        description=(
            "Safety poll of the outbox relay: it is woken by the NOTIFY of each writing transaction, "
            "and looks anyway after this long without one"
        ),
    )
    consumer_poll_wait_ms: int = Field(
        default=500,
        ge=1,
        description=(
            "How long one poll of a consumer waits for messages; it returns as soon as one arrives "
            "and an empty poll is asked again at once (no sleep), so this only bounds how late a "
            "stopping consumer notices it is stopped"
        ),
    )
    consumer_commit_interval_ms: int = Field(
        default=1000,
        ge=0,
        description=(
            "How often at most a consumer commits its Kafka offsets (after the batches it handled; "
            "an idle consumer commits nothing). What a crash leaves uncommitted is delivered again "
            "and skipped as a duplicate (processed_events). 0: a commit after every batch"
        ),
    )
    otlp_endpoint: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OTEL_EXPORTER_OTLP_ENDPOINT", "otlp_endpoint"),
        description=(
            "Base URL of an OpenTelemetry collector (OTLP over HTTP, e.g. http://127.0.0.1:4318); "
            "traces are exported to <url>/v1/traces. Unset: no spans are recorded, but an incoming "
            "traceparent is still passed on through the relay to the consumers"
        ),
    )

    @field_validator("kafka_password")
    @classmethod
    def _no_empty_password(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is None or value.get_secret_value() else None

    @property
    def kafka(self) -> KafkaConnection:
        """How every Kafka client of the service connects (address, SASL principal, TLS)."""
        return KafkaConnection(
            bootstrap_servers=self.kafka_bootstrap_servers,
            security_protocol=self.kafka_security_protocol,
            username=self.kafka_username,
            password=self.kafka_password.get_secret_value() if self.kafka_password else None,
            ssl_cafile=self.kafka_ssl_cafile,
            producer_request_timeout_ms=self.kafka_producer_request_timeout_ms,
        )

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    def group(self, name: str) -> str:
        return f"{self.consumer_group_prefix}{name}"
