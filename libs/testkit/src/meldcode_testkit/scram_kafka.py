"""A Kafka of its own with SASL/SCRAM and the services' ACLs, as `make run` starts it.

The tests' shared broker runs without authentication (each test has its own topic prefix, which
the generated ACLs do not cover); the tests of authentication and authorisation use this one:
`deploy/local/kafka.sh` with MELDCODE_KAFKA_AUTH=scram in its own run directory and ports
(MELDCODE_TEST_SCRAM_KAFKA_RUN_DIR, _PORT, _CONTROLLER_PORT override them). Started once per
session; stopped at the end if the session started it. The tests of TLS have one more of their own
(`running_tls_kafka`): SCRAM over SASL_SSL with the local CA that kafka.sh makes
(MELDCODE_TEST_TLS_KAFKA_RUN_DIR, _PORT, _CONTROLLER_PORT).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from meldcode_servicekit.kafka_connection import KafkaConnection

_REPO_ROOT = Path(__file__).resolve().parents[4]
_KAFKA_SH = _REPO_ROOT / "deploy" / "local" / "kafka.sh"
# The settings of the shared broker and of the services must not leak into this one's script.
_NOT_INHERITED = ("KAFKA_", "MELDCODE_TOPIC_PREFIX", "MELDCODE_GROUP_PREFIX", "MELDCODE_KAFKA_")


@dataclass(frozen=True)
class ScramKafka:
    address: str
    credentials_dir: Path | None
    ca_file: Path | None = None  # the CA the broker's certificate is signed by, with TLS

    def connection(self, principal: str) -> KafkaConnection:
        """How `principal` (a service, or `admin`) connects, with its own password."""
        if self.credentials_dir is None:
            return KafkaConnection(self.address)
        values = _read_env_file(self.credentials_dir / f"{principal}.env")
        return KafkaConnection(
            bootstrap_servers=self.address,
            security_protocol=values["KAFKA_SECURITY_PROTOCOL"],
            username=values["KAFKA_SASL_USERNAME"],
            password=values["KAFKA_SASL_PASSWORD"],
            ssl_cafile=Path(values["KAFKA_SSL_CAFILE"]) if "KAFKA_SSL_CAFILE" in values else None,
        )


def _read_env_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        for assignment in line.removeprefix("export ").split():
            name, _, value = assignment.partition("=")
            values[name] = value
    return values


def _default_env() -> dict[str, str]:
    return {
        "MELDCODE_RUN_DIR": os.environ.get(
            "MELDCODE_TEST_SCRAM_KAFKA_RUN_DIR", str(_REPO_ROOT / ".run" / "test-scram")
        ),
        "MELDCODE_KAFKA_PORT": os.environ.get("MELDCODE_TEST_SCRAM_KAFKA_PORT", "19112"),
        "MELDCODE_KAFKA_CONTROLLER_PORT": os.environ.get(
            "MELDCODE_TEST_SCRAM_KAFKA_CONTROLLER_PORT", "19113"
        ),
        "MELDCODE_KAFKA_AUTH": "scram",
    }


def tls_env() -> dict[str, str]:
    """kafka.sh's settings of the tests' broker with SCRAM over TLS."""
    return {
        "MELDCODE_RUN_DIR": os.environ.get(
            "MELDCODE_TEST_TLS_KAFKA_RUN_DIR", str(_REPO_ROOT / ".run" / "test-tls")
        ),
        "MELDCODE_KAFKA_PORT": os.environ.get("MELDCODE_TEST_TLS_KAFKA_PORT", "19192"),
        "MELDCODE_KAFKA_CONTROLLER_PORT": os.environ.get("MELDCODE_TEST_TLS_KAFKA_CONTROLLER_PORT", "19193"),
        "MELDCODE_KAFKA_AUTH": "scram",
        "MELDCODE_KAFKA_TLS": "1",
    }


@contextmanager
def own_kafka(settings: dict[str, str] | None = None) -> Iterator[ScramKafka]:
    """Start (or reuse) a broker of its own through kafka.sh, yield it, stop it if started here.

    `settings`: kafka.sh's MELDCODE_* variables (run dir, ports, MELDCODE_KAFKA_AUTH,
    MELDCODE_KAFKA_TLS); default: the SCRAM broker of the tests. Without authentication
    `credentials_dir` is None; without TLS `ca_file` is None."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(_NOT_INHERITED)}
    env = inherited | {"MELDCODE_KAFKA_HEAP": "384m"} | (settings or _default_env())

    def kafka_sh(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", str(_KAFKA_SH), *args], capture_output=True, text=True, timeout=600, check=False, env=env
        )

    started = kafka_sh("status").returncode != 0
    result = kafka_sh("start")
    if result.returncode != 0:
        raise RuntimeError(f"kafka.sh start failed:\n{result.stderr[-3000:]}")
    scram = env.get("MELDCODE_KAFKA_AUTH") == "scram"
    login = kafka_sh("credentials", "admin")  # with TLS but without SCRAM: the TLS settings only
    login_file = Path(login.stdout.strip()) if login.returncode == 0 else None
    credentials = login_file.parent if scram and login_file else None
    ca_file = _read_env_file(login_file).get("KAFKA_SSL_CAFILE") if login_file else None
    try:
        yield ScramKafka(
            address=kafka_sh("address").stdout.strip(),
            credentials_dir=credentials,
            ca_file=Path(ca_file) if ca_file else None,
        )
    finally:
        if started:
            kafka_sh("stop")


def running_scram_kafka() -> Iterator[ScramKafka]:
    with own_kafka() as kafka:
        yield kafka


def running_tls_kafka() -> Iterator[ScramKafka]:
    with own_kafka(tls_env()) as kafka:
        yield kafka
