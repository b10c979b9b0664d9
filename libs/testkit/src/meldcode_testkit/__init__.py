"""Test support on real infrastructure (pytest plugin, loaded from the root conftest).

The session starts a Kafka and a PostgreSQL of its own through deploy/local/ (or uses the ones named
by KAFKA_BOOTSTRAP_SERVERS / MELDCODE_DATABASE_URL; or, with MELDCODE_TEST_INFRA=testcontainers,
as containers: servers.py): other ports and another run directory than
`make run`, so the tests' databases never land in the demo's server. That server is the one place
where durability is traded for speed (`MELDCODE_PG_DURABILITY=fast`): no test kills it; the fault
suite starts durable servers of its own. Each test isolates itself with its own databases and its
own topic and consumer-group prefix, so tests run in any order, and drops those databases and
deletes those topics when it ends (passed or failed): a server that kept every test's databases
(~260 after one `make test`) spent seconds of autovacuum per 1 000 signals of the demo and the benches.
Only what a test created, by name, is dropped: other sessions share the same server.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import importlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from meldcode_contracts import Envelope
from meldcode_devauth.tokens import generate_key_pair, mint_token
from meldcode_edge.postgres_url import with_database
from meldcode_edge.roles import KEYS_OWNER, ensure_roles, migrate_tables, owner_role, service_role, with_role
from meldcode_servicekit.keystore import KeyStore, new_master_key, parse_master_key
from meldcode_servicekit.sealing import open_event
from meldcode_servicekit.service_migration import migrate

from .scram_kafka import ScramKafka, running_scram_kafka, running_tls_kafka
from .servers import DEPLOY_LOCAL as DEPLOY_LOCAL
from .servers import REPO_ROOT as REPO_ROOT
from .servers import provider_from_setting

SERVICES = ("signals", "casework", "notifications", "reporting", "portal")
SERVICE_PORTS = {"signals": 8101, "casework": 8102, "notifications": 8103, "reporting": 8104}


@dataclass(frozen=True)
class Infrastructure:
    kafka: str
    postgres_url: str  # the maintenance database; tests create their own databases beside it
    keys_dir: Path
    # the databases created through this object and not dropped yet, oldest first
    created: list[str] = field(default_factory=list, compare=False, repr=False)

    def database_url(self, name: str) -> str:
        return with_database(self.postgres_url, name)

    async def create_database(self, name: str, *, owner: str | None = None) -> str:
        """A new database (owned by `owner`, ADR 16); its URL as the superuser."""
        conn = await asyncpg.connect(self.postgres_url)
        try:
            if owner:  # the services' roles exist once per server (roles are cluster-global)
                await ensure_roles(conn, SERVICES)
            await conn.execute(f'create database "{name}"' + (f' owner "{owner}"' if owner else ""))
            self.created.append(name)
        finally:
            await conn.close()
        return self.database_url(name)

    async def drop_databases(self, names: list[str]) -> None:
        """Drop these databases (created through this object), closing whatever still connects to
        them; a name not created here is refused, so nothing of another session is ever dropped."""
        unknown = [n for n in names if n not in self.created]
        if unknown:
            raise ValueError(f"not created through this infrastructure: {unknown}")
        if not names:
            return
        conn = await asyncpg.connect(self.postgres_url)
        try:
            for name in names:
                await conn.execute(f'drop database if exists "{name}" with (force)')
                self.created.remove(name)
        finally:
            await conn.close()

    async def portal_database(self, name: str) -> str:
        """A database for the portal's sessions as in production (ADR 16): owned and migrated by
        `meldcode_portal_owner`; its URL as the portal's own role."""
        database = await self.create_database(name, owner=owner_role("portal"))
        schema = importlib.import_module("meldcode_web.session_store").SCHEMA
        await migrate_tables(
            schema=schema, owner_url=with_role(database, owner_role("portal")), role=service_role("portal")
        )
        return with_role(database, service_role("portal"))

    def token(
        self, *, sub: str, role: str, tenant: str = "swv-zuid", schools: tuple[str, ...] = ("12AB",)
    ) -> str:
        return mint_token(
            (self.keys_dir / "issuer.key").read_text(),
            sub=sub,
            role=role,
            samenwerkingsverband=tenant,
            schools=schools,
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test that needs Kafka and PostgreSQL is marked `infra`, so the fast first lane
    (`make check`: `-m "not infra and not browser and not faults and not image"`) runs the I/O-free rest."""
    for item in items:
        if {"infrastructure", "scram_kafka", "tls_kafka"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.infra)


@pytest.fixture(scope="session")
def infrastructure(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Infrastructure]:
    """Kafka and PostgreSQL for the whole test session, from the provider MELDCODE_TEST_INFRA names
    (servers.py): started once, stopped at the end if this session started them (a broker or
    database that was already running is left alone)."""
    provider = provider_from_setting()
    servers = provider.start()
    try:
        keys = tmp_path_factory.mktemp("issuer")
        generate_key_pair(keys)
        yield Infrastructure(kafka=servers.kafka, postgres_url=servers.postgres_url, keys_dir=keys)
    finally:
        provider.stop()


def _run_detached(coroutine: Any) -> Any:
    """Run a coroutine to completion on a loop of its own in a worker thread: usable from a sync
    teardown whether or not the test's event loop is running."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(autouse=True)
def _drop_what_the_test_created(request: pytest.FixtureRequest) -> Iterator[None]:
    """After every test that used the shared infrastructure (passed or failed): drop the databases it
    created and delete the topics under its isolation prefix. Torn down after the test's own fixtures
    (so after a suite's services stopped); tests without infrastructure are left alone."""
    if "infrastructure" not in request.fixturenames:
        yield
        return
    infra: Infrastructure = request.getfixturevalue("infrastructure")
    isolation = request.getfixturevalue("isolation") if "isolation" in request.fixturenames else None
    before = frozenset(infra.created)
    yield
    _run_detached(clean_up_after_test(infra, before, isolation))


async def clean_up_after_test(infra: Infrastructure, before: frozenset[str], isolation: str | None) -> None:
    """Drop the databases created through `infra` since `before`; delete the `isolation.` topics."""
    await infra.drop_databases([name for name in infra.created if name not in before])
    if isolation is not None:
        await delete_topics(infra.kafka, prefix=f"{isolation}.")


@pytest.fixture(scope="session")
def scram_kafka() -> Iterator[ScramKafka]:
    """A Kafka of its own with SASL/SCRAM and the services' ACLs (scram_kafka.py)."""
    yield from running_scram_kafka()


@pytest.fixture(scope="session")
def tls_kafka() -> Iterator[ScramKafka]:
    """A Kafka of its own with SASL/SCRAM over TLS (SASL_SSL, the local CA of kafka.sh)."""
    yield from running_tls_kafka()


@pytest.fixture
def isolation() -> str:
    """A short unique name for this test's topics, consumer groups and databases."""
    return f"t{uuid.uuid4().hex[:10]}"


@dataclass
class ServiceProcess:
    """One service as a real OS process (`meldcode-<name> serve`), as it runs in production."""

    name: str
    env: dict[str, str]
    port: int
    log_path: Path
    owner_database_url: str = ""  # the service's database as its owner role (tests that tamper)
    process: subprocess.Popen[bytes] | None = None
    _log: Any = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, timeout: float = 60.0) -> ServiceProcess:
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", f"{self.name}.entrypoints.cli", "serve"],
            env={**os.environ, **self.env},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited; see {self.log_path}:\n{self.log_path.read_text()[-3000:]}"
                )
            try:
                if httpx.get(f"{self.url}/health/ready", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} not ready within {timeout}s; see {self.log_path}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log:
            self._log.close()
        code = self.process.returncode
        self.process = None
        return code


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Suite:
    """The four services of one test, with their own databases, topics and consumer groups."""

    def __init__(self, infra: Infrastructure, isolation: str, log_dir: Path) -> None:
        self.infra = infra
        self.isolation = isolation
        self.log_dir = log_dir
        self.topic_prefix = f"{isolation}."
        self.services: dict[str, ServiceProcess] = {}
        self.replicas: dict[str, list[ServiceProcess]] = {}
        self.master_key = new_master_key()
        self.keystore_url: str | None = None
        self._keys: KeyStore | None = None

    async def service(self, name: str, **extra_env: str) -> ServiceProcess:
        """Create (first time) the service's database and start it; returns the running process."""
        if name in self.services and self.services[name].process is not None:
            return self.services[name]
        if self.keystore_url is None:
            self.keystore_url = await self.infra.create_database(f"{self.isolation}_keys", owner=KEYS_OWNER)
        if name not in self.services:
            # as in production (ADR 16): the owner role migrates, the service runs as its own role
            owner, role = owner_role(name), service_role(name)
            database = await self.infra.create_database(f"{self.isolation}_{name}", owner=owner)
            await migrate(
                importlib.import_module(f"{name}.bootstrap").MIGRATION,
                owner_url=with_role(database, owner),
                role=role,
                keystore_owner_url=with_role(self.keystore_url, KEYS_OWNER),
            )
            port = _free_port()
            env = {
                f"{name.upper()}_DATABASE_URL": with_role(database, role),
                f"{name.upper()}_HTTP_PORT": str(port),
                "KAFKA_BOOTSTRAP_SERVERS": self.infra.kafka,
                "MELDCODE_TOPIC_PREFIX": self.topic_prefix,
                "MELDCODE_GROUP_PREFIX": self.topic_prefix,
                "AUTH_PUBLIC_KEY_FILE": str(self.infra.keys_dir / "issuer.pub"),
                "MELDCODE_KEYSTORE_URL": with_role(self.keystore_url, role),
                "MELDCODE_MASTER_KEY": self.master_key,
                "LOG_LEVEL": "INFO",
                # Tests write in bursts as one user; the limit itself is tested with its own settings.
                "MELDCODE_WRITE_RATE_PER_MINUTE": "0",
                **extra_env,
            }
            if name == "reporting":  # its audit rebuild swaps read-model tables (ADR 16)
                env["REPORTING_MIGRATION_DATABASE_URL"] = with_role(database, owner)
            self.services[name] = ServiceProcess(
                name, env, port, self.log_dir / f"{name}.log", owner_database_url=with_role(database, owner)
            )
        await asyncio.to_thread(self.services[name].start)
        return self.services[name]

    async def replica(self, name: str) -> ServiceProcess:
        """One more process of a started service: the same database, topics and consumer group (so
        they share the partitions and compete for the relay's lock), on a port of its own."""
        first = self.services[name]
        replicas = self.replicas.setdefault(name, [])
        port = _free_port()
        env = {**first.env, f"{name.upper()}_HTTP_PORT": str(port)}
        process = ServiceProcess(
            name,
            env,
            port,
            self.log_dir / f"{name}-{len(replicas) + 1}.log",
            owner_database_url=first.owner_database_url,
        )
        replicas.append(process)
        await asyncio.to_thread(process.start)
        return process

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    async def reconcile(self, service: str, *options: str) -> tuple[int, dict[str, Any]]:
        """Run `meldcode-<service> reconcile --json` as an operator would: (exit code, report)."""
        result = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", f"{service}.entrypoints.cli", "reconcile", "--json", *options],
            env={**os.environ, **self.services[service].env},
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert result.returncode in (0, 1), result.stdout[-2000:] + result.stderr[-3000:]
        return result.returncode, json.loads(result.stdout.strip().splitlines()[-1])

    def open_event(self, value: bytes) -> Envelope:
        """A message of this suite's topics as its contract event, personal fields opened with the
        suite's key store (what a consumer sees)."""
        if self._keys is None:
            assert self.keystore_url is not None, "no service has started yet"
            self._keys = KeyStore(self.keystore_url, parse_master_key(self.master_key), cache_seconds=0)
        return open_event(value, self._keys)

    def stop_all(self) -> None:
        for service in [*self.services.values(), *(r for rs in self.replicas.values() for r in rs)]:
            service.stop()
        if self._keys is not None:
            self._keys.close()
            self._keys = None

    def databases(self) -> list[str]:
        """The databases this suite created (its services' and its key store), not dropped yet."""
        return [n for n in self.infra.created if n.startswith(f"{self.isolation}_")]

    async def close(self) -> None:
        """Stop every process, delete the suite's topics and drop its databases."""
        try:
            self.stop_all()
        finally:
            await delete_topics(self.infra.kafka, prefix=self.topic_prefix)
            await self.infra.drop_databases(self.databases())


@contextlib.asynccontextmanager
async def running_suite(infra: Infrastructure, isolation: str, log_dir: Path) -> AsyncIterator[Suite]:
    """A suite that is closed (processes, topics, databases) when the block ends, also on failure."""
    s = Suite(infra, isolation, log_dir)
    try:
        yield s
    finally:
        await s.close()


@pytest.fixture
async def suite(infrastructure: Infrastructure, isolation: str, tmp_path: Path) -> AsyncIterator[Suite]:
    async with running_suite(infrastructure, isolation, tmp_path) as s:
        yield s


async def delete_topics(bootstrap: str, *, prefix: str) -> None:
    """Delete a finished test's topics: a broker that kept every test's partitions (thousands over a
    day of runs) ran out of heap and stopped answering, and the next tests failed for that."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        names = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if names:
            await admin.delete_topics(names)
    finally:
        await admin.close()


async def read_topic(
    bootstrap: str, topic: str, *, expected: int, timeout: float = 30.0
) -> list[dict[str, Any]]:
    """Read a topic from the beginning until `expected` messages arrived (or time runs out)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    messages: list[dict[str, Any]] = []
    try:
        deadline = time.monotonic() + timeout
        while len(messages) < expected and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for r in records:
                    messages.append(
                        {
                            "key": r.key,
                            "value": r.value,
                            "headers": dict(r.headers or []),
                            "partition": r.partition,
                            "offset": r.offset,
                        }
                    )
    finally:
        await consumer.stop()
    return messages


async def publish_raw(
    bootstrap: str,
    topic: str,
    value: bytes,
    key: bytes | None = None,
    headers: list[tuple[str, bytes | None]] | None = None,
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value=value, key=key, headers=headers)
    finally:
        await producer.stop()


async def eventually(probe: Any, *, timeout: float = 30.0, interval: float = 0.2) -> Any:
    """Await `probe()` until it returns something truthy; returns that, or fails after `timeout`."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = await probe()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(
        f"condition not met within {timeout}s; last value: {json.dumps(last, default=str)[:500]}"
    )
