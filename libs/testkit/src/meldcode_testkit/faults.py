"""Fault injection on a running suite: its own durable PostgreSQL and Kafka, a steady load of writes
from several clients, and the check that every write answered 2xx is present exactly once in the
event store, on the topic and in every read model that should hold it.

Used by the fault suite (tests/faults) and by `bench/faults.py`, which prints the same experiments
as a table. The servers are started by deploy/local's scripts with a run directory and ports of
their own, so killing them never touches the test session's or `make run`'s servers.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import os
import re
import shutil
import signal
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client.parser import text_string_to_metric_families

from meldcode_contracts import (
    CASEWORK_EVENTS,
    SIGNALS_EVENTS,
    Envelope,
    SignalRecorded,
    ZorgteamMemberInvited,
)
from meldcode_devauth.tokens import generate_key_pair
from meldcode_edge.roles import KEYS_OWNER
from meldcode_servicekit.outbox import contract_event_id

from . import DEPLOY_LOCAL, REPO_ROOT, Infrastructure, Suite, _free_port, eventually

SCHOOL = "12AB"
TENANT = "swv-zuid"
OUTAGE_ANSWER_SECONDS = 2.0
ACTIVE_CONTROLLER = re.compile(
    r"QuorumController id=(?P<node>\d+)\] Becoming the active controller at epoch (?P<epoch>\d+)"
)
CONSUMERS = {
    SIGNALS_EVENTS: ("casework", "notifications", "reporting"),
    CASEWORK_EVENTS: ("notifications", "reporting"),
}


# --- servers that can be killed ----------------------------------------------------------------


@dataclass
class LocalServer:
    """PostgreSQL or Kafka from deploy/local/, with its own run directory and ports."""

    script: str  # "postgres.sh" or "kafka.sh"
    env: dict[str, str]

    def _run(self, *args: str) -> str:
        environment = {
            k: v
            for k, v in os.environ.items()
            if k not in ("KAFKA_BOOTSTRAP_SERVERS", "MELDCODE_DATABASE_URL")
        }
        result = subprocess.run(
            ["bash", str(DEPLOY_LOCAL / self.script), *args],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env={**environment, **self.env},
        )
        if result.returncode != 0:
            raise RuntimeError(f"{self.script} {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout.strip()

    def start(self) -> None:
        self._run("start")

    def stop(self) -> None:
        self._run("stop")

    def address(self) -> str:
        return self._run("url" if self.script == "postgres.sh" else "address")

    @property
    def run_dir(self) -> Path:
        return Path(self.env["MELDCODE_RUN_DIR"])

    def pid(self, node: int = 1) -> int:
        """The server's process id; `node` picks one node of a replicated Kafka (1-based)."""
        if self.script == "postgres.sh":
            return int(self._run("pid"))  # the primary's: after a failover and `reseed` the pair swapped
        return int(self._run("pid", str(node)))

    def kill(self, node: int = 1) -> float:
        """SIGKILL the server (one node of a replicated Kafka) and its children at once, as a crash
        of its machine would, and waits until they are gone. Returns the moment right after the
        signals were sent (time.monotonic()): what started later met a dead server."""
        pid = self.pid(node)
        children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
        for child in [pid, *map(int, children.stdout.split())]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
        killed_at = time.monotonic()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            alive = (
                subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, check=False).returncode == 0
            )
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                if not alive:
                    return killed_at
            time.sleep(0.1)
        return killed_at

    def active_controller(self) -> int | None:
        """The node of a replicated Kafka that last became the active controller, from the nodes'
        logs (clients cannot ask: KRaft's metadata answers name a random broker as controller)."""
        latest: tuple[int, int] | None = None  # (epoch, node)
        for log_file in (self.run_dir / "kafka").glob("node-*/logs/server.log"):
            for line in log_file.read_text(errors="replace").splitlines():
                found = ACTIVE_CONTROLLER.search(line)
                if found and (latest is None or int(found["epoch"]) > latest[0]):
                    latest = (int(found["epoch"]), int(found["node"]))
        return None if latest is None else latest[1]

    def pause(self) -> None:
        os.kill(self.pid(), signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.pid(), signal.SIGCONT)


def durable_postgres(run_dir: Path) -> LocalServer:
    return LocalServer(
        "postgres.sh",
        {
            "MELDCODE_RUN_DIR": str(run_dir),
            "MELDCODE_PG_PORT": str(_free_port()),
            "MELDCODE_PG_DURABILITY": "durable",
        },
    )


def own_kafka(run_dir: Path) -> LocalServer:
    return LocalServer(
        "kafka.sh",
        {
            "MELDCODE_RUN_DIR": str(run_dir),
            "MELDCODE_KAFKA_PORT": str(_free_port()),
            "MELDCODE_KAFKA_CONTROLLER_PORT": str(_free_port()),
        },
    )


def replicated_kafka(run_dir: Path, brokers: int = 3) -> LocalServer:
    """A Kafka cluster of `brokers` KRaft nodes (RF 3, min.insync.replicas 2; ADR 27)."""
    ports: list[int] = []
    while len(ports) < 2 * brokers:  # distinct: a port freed by one probe may come back on the next
        port = _free_port()
        if port not in ports:
            ports.append(port)
    return LocalServer(
        "kafka.sh",
        {
            "MELDCODE_RUN_DIR": str(run_dir),
            "MELDCODE_KAFKA_BROKERS": str(brokers),
            "MELDCODE_KAFKA_PORTS": ",".join(map(str, ports[:brokers])),
            "MELDCODE_KAFKA_CONTROLLER_PORTS": ",".join(map(str, ports[brokers:])),
        },
    )


@dataclass
class FaultInfrastructure:
    """A durable PostgreSQL for the services, another for the key store, and a Kafka: all killable."""

    postgres: LocalServer
    keys_postgres: LocalServer
    kafka: LocalServer
    keys_dir: Path

    @classmethod
    def start(cls, *, kafka_brokers: int = 1) -> FaultInfrastructure:
        """Under the repository's .run/, not pytest's tmp_path: pytest takes other users' access to
        its base directory away whenever a session starts, and the server runs as another OS user.
        `kafka_brokers=3`: a replicated Kafka cluster instead of one node."""
        base = REPO_ROOT / ".run" / "faults" / uuid.uuid4().hex[:10]
        kafka = (
            own_kafka(base / "kafka")
            if kafka_brokers == 1
            else replicated_kafka(base / "kafka", kafka_brokers)
        )
        infra = cls(
            durable_postgres(base / "pg"),
            durable_postgres(base / "keys-pg"),
            kafka,
            base / "issuer",
        )
        for server in (infra.postgres, infra.keys_postgres, infra.kafka):
            server.start()
        generate_key_pair(infra.keys_dir)
        return infra

    def stop(self) -> None:
        for server in (self.kafka, self.keys_postgres, self.postgres):
            with contextlib.suppress(Exception):
                server.resume()
            with contextlib.suppress(Exception):
                server.stop()
        shutil.rmtree(self.keys_dir.parent, ignore_errors=True)

    def infrastructure(self) -> Infrastructure:
        return Infrastructure(
            kafka=self.kafka.address(), postgres_url=self.postgres.address(), keys_dir=self.keys_dir
        )

    async def suite(self, log_dir: Path) -> Suite:
        """A suite whose key store lives in the key-store server, so it can fail on its own."""
        suite = Suite(self.infrastructure(), f"f{uuid.uuid4().hex[:10]}", log_dir)
        keys = Infrastructure(
            kafka=suite.infra.kafka, postgres_url=self.keys_postgres.address(), keys_dir=self.keys_dir
        )
        suite.keystore_url = await keys.create_database(f"{suite.isolation}_keys", owner=KEYS_OWNER)
        return suite


# --- the load --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    kind: str  # "signal" or "invitation"
    target: str  # base URL the request went to
    status: int | None  # None: no HTTP answer (connection refused or reset, timeout)
    started: float  # time.monotonic()
    elapsed: float
    ident: str | None  # signal id or invited member id, when accepted
    error: str | None = None  # the client's error when there was no HTTP answer, or the problem's rule


@dataclass
class Staff:
    teacher: dict[str, str]
    ib: dict[str, str]

    @classmethod
    def of(cls, infra: Infrastructure) -> Staff:
        def bearer(sub: str, role: str) -> dict[str, str]:
            token = infra.token(sub=sub, role=role, tenant=TENANT, schools=(SCHOOL,))
            return {"Authorization": f"Bearer {token}"}

        return cls(teacher=bearer("leerkracht-anna", "leerkracht"), ib=bearer("ib-bram", "intern_begeleider"))


@dataclass
class Load:
    """Several clients writing at a steady rate: signals to the signals service, zorgteam
    invitations (a case step) to casework. Runs until `stop()`; every answer is kept."""

    signals_urls: list[str]
    casework_urls: list[str]
    staff: Staff
    pupils: list[str]
    cases: list[str]
    clients: int = 4
    rate_per_second: float = 20.0
    first_number: int = 0
    """Where the numbering of the writes starts (a zorgteam member's id is made from it)."""
    outcomes: list[Outcome] = field(default_factory=list)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def start(self) -> None:
        counter = itertools.count(self.first_number)
        for client in range(self.clients):
            self._tasks.append(asyncio.create_task(self._client(client, counter)))

    async def stop(self) -> list[Outcome]:
        self._stopping.set()
        await asyncio.gather(*self._tasks)
        return self.outcomes

    def next_round(self) -> Load:
        """The same clients over the same pupils and cases for another experiment, numbered on."""
        return dataclasses.replace(
            self,
            first_number=self.first_number + 1_000_000,
            outcomes=[],
            _stopping=asyncio.Event(),
            _tasks=[],
        )

    async def _client(self, client: int, counter: itertools.count[int]) -> None:
        interval = self.clients / self.rate_per_second
        limits = httpx.Limits(max_keepalive_connections=2)
        async with httpx.AsyncClient(timeout=10, limits=limits) as http:
            next_at = time.monotonic()
            while not self._stopping.is_set():
                n = next(counter)
                if self.cases and n % 4 == 3:
                    await self._invite(http, n)
                else:
                    await self._signal(http, n)
                next_at += interval
                await asyncio.sleep(max(0.0, next_at - time.monotonic()))

    async def _signal(self, http: httpx.AsyncClient, n: int) -> None:
        url = self.signals_urls[n % len(self.signals_urls)]
        pupil = self.pupils[n % len(self.pupils)]
        body = {
            "observed_on": time.strftime("%Y-%m-%d", time.gmtime()),
            "description": f"Signaal {n}: kwam te laat en had geen lunch bij zich.",
            "source": {"kind": "own_observation"},
            "categories": ["physical"],
        }
        await self._post(http, "signal", url, f"{url}/pupils/{pupil}/signals", body, "signal_id")

    async def _invite(self, http: httpx.AsyncClient, n: int) -> None:
        url = self.casework_urls[n % len(self.casework_urls)]
        case = self.cases[n % len(self.cases)]
        member = f"zt-{n}"
        await self._post(
            http,
            "invitation",
            url,
            f"{url}/cases/{case}/zorgteam-invitations",
            {"member_id": member},
            None,
            member,
        )

    async def _post(
        self,
        http: httpx.AsyncClient,
        kind: str,
        target: str,
        url: str,
        body: dict[str, Any],
        id_field: str | None,
        ident: str | None = None,
    ) -> None:
        headers = self.staff.teacher if kind == "signal" else self.staff.ib
        started = time.monotonic()
        try:
            response = await http.post(url, json=body, headers=headers)
        except httpx.HTTPError as exc:
            self.outcomes.append(
                Outcome(kind, target, None, started, time.monotonic() - started, None, type(exc).__name__)
            )
            return
        elapsed = time.monotonic() - started
        accepted = 200 <= response.status_code < 300
        if accepted and id_field:
            ident = str(response.json()[id_field])
        rule = None if accepted else str(response.json().get("rule")) if response.content else None
        self.outcomes.append(
            Outcome(kind, target, response.status_code, started, elapsed, ident if accepted else None, rule)
        )


async def prepare_load(
    suite: Suite, staff: Staff, *, pupils: int = 4, cases: int = 2
) -> tuple[list[str], list[str]]:
    """Pupils to write signals about, and open cases (from a first signal each) to invite into."""
    signals, casework = suite.services["signals"].url, suite.services["casework"].url
    pupil_ids: list[str] = []
    case_ids: list[str] = []
    async with httpx.AsyncClient(timeout=30) as http:
        for _ in range(pupils):
            response = await http.post(
                f"{signals}/pupils",
                headers=staff.ib,
                json={
                    "school": SCHOOL,
                    "pupil_number": uuid.uuid4().hex[:8],
                    "given_name": "Sanne",
                    "family_name": "Jansen",
                    "date_of_birth": "2013-05-14",
                },
            )
            assert response.status_code == 201, response.text
            pupil_ids.append(str(response.json()["pupil_id"]))
        for pupil in pupil_ids[:cases]:
            first = await http.post(
                f"{signals}/pupils/{pupil}/signals",
                headers=staff.teacher,
                json={
                    "observed_on": time.strftime("%Y-%m-%d", time.gmtime()),
                    "description": "Blauwe plek op de bovenarm.",
                    "source": {"kind": "own_observation"},
                    "categories": ["physical"],
                },
            )
            assert first.status_code == 201, first.text
            signal_id = first.json()["signal_id"]

            async def known(pupil: str = pupil) -> bool:
                response = await http.get(f"{casework}/pupils/{pupil}/signals", headers=staff.ib)
                return response.status_code == 200 and len(response.json()) == 1

            await eventually(known, timeout=60)
            opened = await http.post(
                f"{casework}/cases", headers=staff.ib, json={"pupil_id": pupil, "signal_ids": [signal_id]}
            )
            assert opened.status_code == 201, opened.text
            case_ids.append(str(opened.json()["case_id"]))
    return pupil_ids, case_ids


# --- what was accepted, and where it is --------------------------------------------------------


@dataclass
class Check:
    """Where each accepted write is: counts per id in the store, on the topic, in each read model."""

    accepted: dict[str, set[str]]  # kind -> ids answered 2xx
    store: dict[str, Counter[str]]
    topic: dict[str, dict[str, set[str]]]  # kind -> id -> distinct event ids
    read_models: dict[str, Counter[str]]  # "<service>:<kind>" -> how often each id is held

    def lost(self) -> dict[str, list[str]]:
        """Accepted writes missing anywhere they belong."""
        missing: dict[str, list[str]] = {}
        for kind, ids in self.accepted.items():
            for ident in sorted(ids):
                places = []
                if self.store[kind][ident] < 1:
                    places.append("store")
                if not self.topic[kind].get(ident):
                    places.append("topic")
                places += [
                    name for name, seen in self.read_models.items() if name.endswith(kind) and seen[ident] < 1
                ]
                if places:
                    missing[f"{kind}:{ident}"] = places
        return missing

    def duplicated(self) -> dict[str, list[str]]:
        """Writes held more than once anywhere (the topic by distinct event id)."""
        doubles: dict[str, list[str]] = {}
        for kind in self.accepted:
            for ident, count in self.store[kind].items():
                if count > 1:
                    doubles.setdefault(f"{kind}:{ident}", []).append("store")
            for ident, event_ids in self.topic[kind].items():
                if len(event_ids) > 1:
                    doubles.setdefault(f"{kind}:{ident}", []).append("topic")
            for name, seen in self.read_models.items():
                if name.endswith(kind):
                    for ident, count in seen.items():
                        if count > 1:
                            doubles.setdefault(f"{kind}:{ident}", []).append(name)
        return doubles

    def caught_up(self) -> bool:
        """Every accepted write is in the store, on the topic and in every read model."""
        return not self.lost()


def accepted_ids(outcomes: Iterable[Outcome]) -> dict[str, set[str]]:
    accepted: dict[str, set[str]] = {"signal": set(), "invitation": set()}
    for outcome in outcomes:
        if outcome.ident is not None:
            accepted[outcome.kind].add(outcome.ident)
    return accepted


async def topic_events(suite: Suite, topic: str) -> list[Envelope]:
    """Every event on one of the suite's topics, up to the end at the time of the call."""
    consumer = AIOKafkaConsumer(bootstrap_servers=suite.infra.kafka, enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        full = suite.topic(topic)
        admin = AIOKafkaAdminClient(bootstrap_servers=suite.infra.kafka)
        await admin.start()
        try:
            (description,) = await admin.describe_topics([full])
        finally:
            await admin.close()
        partitions = [TopicPartition(full, p["partition"]) for p in description["partitions"]]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        events: list[Envelope] = []
        pending = {tp for tp in partitions if ends[tp] > 0}
        while pending:
            batch = await consumer.getmany(*pending, timeout_ms=1000)
            for tp, records in batch.items():
                for record in records:
                    if record.offset < ends[tp]:
                        events.append(await asyncio.to_thread(suite.open_event, record.value or b""))
                if await consumer.position(tp) >= ends[tp]:
                    pending.discard(tp)
        return events
    finally:
        await consumer.stop()


async def check(suite: Suite, accepted: dict[str, set[str]]) -> Check:
    signals_db = suite.infra.database_url(f"{suite.isolation}_signals")
    casework_db = suite.infra.database_url(f"{suite.isolation}_casework")
    store: dict[str, Counter[str]] = {"signal": Counter(), "invitation": Counter()}
    conn = await asyncpg.connect(signals_db)
    try:
        rows = await conn.fetch(
            "select originator_id from signals_events where originator_version = 1 and originator_id = any($1::uuid[])",
            list(accepted["signal"]),
        )
        store["signal"].update(str(r["originator_id"]) for r in rows)
    finally:
        await conn.close()
    case_events = await topic_events(suite, CASEWORK_EVENTS)
    signal_events = await topic_events(suite, SIGNALS_EVENTS)
    invitations = {
        str(e.event_id): e.payload.member_id for e in case_events if isinstance(e, ZorgteamMemberInvited)
    }
    conn = await asyncpg.connect(casework_db)
    try:
        # The store holds the invitation's event under the case: matched through the contract event id.
        rows = await conn.fetch("select originator_id, originator_version from casework_events")
        stored_ids = Counter(
            str(contract_event_id(r["originator_id"], r["originator_version"])) for r in rows
        )
    finally:
        await conn.close()
    for event_id, member in invitations.items():
        if stored_ids[event_id]:
            store["invitation"][member] += stored_ids[event_id]
    topic: dict[str, dict[str, set[str]]] = {"signal": {}, "invitation": {}}
    for event in signal_events:
        if isinstance(event, SignalRecorded):
            topic["signal"].setdefault(str(event.payload.signal_id), set()).add(str(event.event_id))
    for event_id, member in invitations.items():
        topic["invitation"].setdefault(member, set()).add(event_id)
    signal_event_ids = {next(iter(ids)): ident for ident, ids in topic["signal"].items()}
    read_models: dict[str, Counter[str]] = {}
    for kind, topic_name, by_event in (
        ("signal", SIGNALS_EVENTS, signal_event_ids),
        ("invitation", CASEWORK_EVENTS, invitations),
    ):
        for service in CONSUMERS[topic_name]:
            if service not in suite.services:
                continue
            conn = await asyncpg.connect(suite.infra.database_url(f"{suite.isolation}_{service}"))
            try:
                rows = await conn.fetch(
                    "select event_id from processed_events where event_id = any($1::uuid[])", list(by_event)
                )
                read_models[f"{service}:{kind}"] = Counter(by_event[str(r["event_id"])] for r in rows)
                if service == "reporting" and kind == "signal":
                    chronology = await conn.fetch(
                        "select signal_id from chronology where event_type = 'SignalRecorded' and signal_id = any($1::uuid[])",
                        list(accepted["signal"]),
                    )
                    read_models["reporting-chronology:signal"] = Counter(
                        str(r["signal_id"]) for r in chronology
                    )
                if service == "reporting" and kind == "invitation":
                    zorgteam = await conn.fetch("select member_id from case_zorgteam")
                    read_models["reporting-zorgteam:invitation"] = Counter(r["member_id"] for r in zorgteam)
            finally:
                await conn.close()
    return Check(accepted, store, topic, read_models)


async def wait_until_consistent(
    suite: Suite, accepted: dict[str, set[str]], timeout: float = 120
) -> tuple[Check, float]:
    """Poll until every accepted write is everywhere it belongs; returns the last check and the time it took."""
    started = time.monotonic()
    last: Check | None = None
    while time.monotonic() - started < timeout:
        last = await check(suite, accepted)
        if last.caught_up():
            return last, time.monotonic() - started
        await asyncio.sleep(1.0)
    assert last is not None
    return last, time.monotonic() - started


# --- recovery as an operator sees it: the services' own metrics ------------------------------

LAG_METRICS = ("meldcode_consumer_lag", "meldcode_relay_lag", "meldcode_outbox_backlog")


async def lag_metrics(suite: Suite) -> dict[str, float]:
    """Every consumer lag, relay lag and outbox backlog sample of the suite's services (`/metrics`)."""
    samples: dict[str, float] = {}
    async with httpx.AsyncClient(timeout=5) as http:
        for process in [*suite.services.values(), *(r for rs in suite.replicas.values() for r in rs)]:
            if process.process is None:
                continue
            response = await http.get(f"{process.url}/metrics")
            response.raise_for_status()
            for family in text_string_to_metric_families(response.text):
                for sample in family.samples:
                    if sample.name in LAG_METRICS:
                        labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
                        samples[f"{process.name}:{process.port}:{sample.name}{{{labels}}}"] = sample.value
    return samples


async def wait_until_metrics_at_rest(suite: Suite, timeout: float = 120) -> float:
    """Seconds until every lag and backlog metric of every service reads 0 (raises after `timeout`)."""
    started = time.monotonic()
    last: dict[str, float] = {}
    while time.monotonic() - started < timeout:
        last = await lag_metrics(suite)
        if last and not any(last.values()):
            return time.monotonic() - started
        await asyncio.sleep(0.5)
    raise AssertionError(f"lag metrics not at 0 within {timeout}s: { {k: v for k, v in last.items() if v} }")


# --- one experiment ------------------------------------------------------------------------


@dataclass
class Experiment:
    """The figures of one fault: what the clients saw and where the accepted writes ended up."""

    fault: str
    outcomes: list[Outcome]
    fault_started: float
    fault_ended: float
    result: Check
    catch_up_seconds: float
    metrics_at_rest_seconds: float

    @property
    def accepted(self) -> int:
        return sum(len(ids) for ids in self.result.accepted.values())

    def refused(self) -> Counter[str]:
        return Counter(
            "conn" if o.status is None else str(o.status)
            for o in self.outcomes
            if o.status is None or not 200 <= o.status < 300
        )

    def slow_refusals(self) -> list[Outcome]:
        """HTTP refusals that took longer than the outage budget (a hang, not a fast 503)."""
        return [
            o
            for o in self.outcomes
            if o.status is not None and o.status >= 500 and o.elapsed > OUTAGE_ANSWER_SECONDS
        ]

    def slow_during_outage(self) -> list[Outcome]:
        """Requests made while the fault lasted that took longer than the outage budget to answer,
        whatever the answer: a hang shows here even when it ends in a 2xx or a 503."""
        return [
            o
            for o in self.outcomes
            if self.fault_started <= o.started < self.fault_ended and o.elapsed > OUTAGE_ANSWER_SECONDS
        ]

    def first_accepted_after_recovery(self) -> float | None:
        after = [
            o.started + o.elapsed
            for o in self.outcomes
            if o.ident is not None and o.started >= self.fault_ended
        ]
        return (min(after) - self.fault_ended) if after else None

    def row(self) -> dict[str, Any]:
        first = self.first_accepted_after_recovery()
        return {
            "fault": self.fault,
            "accepted": self.accepted,
            "refused": dict(sorted(self.refused().items())),
            "lost": len(self.result.lost()),
            "duplicated": len(self.result.duplicated()),
            "first_2xx_after_s": None if first is None else round(first, 2),
            "caught_up_s": round(self.catch_up_seconds, 1),
            "metrics_at_rest_s": round(self.metrics_at_rest_seconds, 1),
        }


async def run_experiment(
    fault: str,
    suite: Suite,
    load: Load,
    inject: Callable[[], Awaitable[None]],
    recover: Callable[[], Awaitable[None]],
    *,
    before: float = 3.0,
    outage: float = 5.0,
    after: float = 6.0,
) -> Experiment:
    """Load for `before` s, inject the fault, keep loading for `outage` s, recover, load `after` s more,
    then wait until every accepted write is everywhere it belongs."""
    load.start()
    await asyncio.sleep(before)
    await inject()
    fault_started = time.monotonic()
    await asyncio.sleep(outage)
    await recover()
    fault_ended = time.monotonic()
    await asyncio.sleep(after)
    outcomes = await load.stop()
    at_rest = asyncio.create_task(wait_until_metrics_at_rest(suite))
    result, took = await wait_until_consistent(suite, accepted_ids(outcomes))
    await at_rest
    return Experiment(fault, outcomes, fault_started, fault_ended, result, took, at_rest.result())


async def wait_ready(urls: Iterable[str], timeout: float = 90) -> None:
    async with httpx.AsyncClient(timeout=3) as http:

        async def all_ready() -> bool:
            for url in urls:
                try:
                    if (await http.get(f"{url}/health/ready")).status_code != 200:
                        return False
                except httpx.HTTPError:
                    return False
            return True

        await eventually(all_ready, timeout=timeout, interval=0.3)


# --- what the fault tests share ----------------------------------------------------------------

SERVICES = ("signals", "casework", "notifications", "reporting")


async def started(suite: Suite, **env: str) -> tuple[Load, Staff]:
    """The four services started (with `env`), pupils and open cases made, and a load over them."""
    for name in SERVICES:
        await suite.service(name, **env)
    staff = Staff.of(suite.infra)
    pupils, cases = await prepare_load(suite, staff)
    load = Load(
        signals_urls=[suite.services["signals"].url],
        casework_urls=[suite.services["casework"].url],
        staff=staff,
        pupils=pupils,
        cases=cases,
    )
    return load, staff


async def assert_nothing_lost_or_doubled(experiment: Experiment, suite: Suite) -> None:
    """Every write answered 2xx exactly once in the stores, on the topics and in the read models."""
    assert experiment.accepted > 0
    assert experiment.result.lost() == {}, (
        "every write answered 2xx is in the store, on the topic and read models"
    )
    assert experiment.result.duplicated() == {}, "no write is held twice anywhere"
    for service in SERVICES:
        code, report = await suite.reconcile(service)
        assert code == 0, f"{service}: store, topic and read models agree: {report['differences'][:5]}"


# --- a replicated Kafka: which node to kill, and how long writes waited ----------------------


async def busiest_leader(suite: Suite) -> int:
    """The node id leading most partitions of the suite's topics: killing it moves the most leaders."""
    admin = AIOKafkaAdminClient(bootstrap_servers=suite.infra.kafka)
    await admin.start()
    try:
        topics = [t for t in await admin.list_topics() if t.startswith(suite.topic_prefix)]
        leaders = Counter(
            p["leader"]
            for description in await admin.describe_topics(topics)
            for p in description["partitions"]
        )
    finally:
        await admin.close()
    ((node, _),) = leaders.most_common(1)
    return int(node)


@dataclass
class NodeFencing:
    """Watches, from the nodes left, when the cluster's metadata stops naming a killed node as the
    leader of any partition of the suite's topics and as a member of any ISR: the controller has
    fenced it (broker.session.timeout.ms after its last heartbeat), so writes can go on. Started
    just before the kill; `moved` and `isr_shrunk` are time.monotonic() of the first poll that saw it."""

    suite: Suite
    victim: int
    moved: float | None = None
    isr_shrunk: float | None = None
    _task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._watch())

    async def _watch(self) -> None:
        addresses = self.suite.infra.kafka.split(",")
        survivors = ",".join(a for node, a in enumerate(addresses, 1) if node != self.victim)
        admin = AIOKafkaAdminClient(bootstrap_servers=survivors, request_timeout_ms=1000)
        await admin.start()
        try:
            topics = [t for t in await admin.list_topics() if t.startswith(self.suite.topic_prefix)]
            while self.isr_shrunk is None or self.moved is None:
                with contextlib.suppress(Exception):  # a request to the dead node: ask again
                    partitions = [p for d in await admin.describe_topics(topics) for p in d["partitions"]]
                    now = time.monotonic()
                    if self.moved is None and all(p["leader"] != self.victim for p in partitions):
                        self.moved = now
                    if self.isr_shrunk is None and all(self.victim not in p["isr"] for p in partitions):
                        self.isr_shrunk = now
                await asyncio.sleep(0.1)
        finally:
            await admin.close()

    async def wait(self, timeout: float = 60) -> tuple[float, float]:
        """(leaders moved, ISRs shrunk) as time.monotonic()."""
        assert self._task is not None
        await asyncio.wait_for(self._task, timeout)
        assert self.moved is not None and self.isr_shrunk is not None
        return self.moved, self.isr_shrunk


@dataclass
class SignalArrivals:
    """Tails the suite's signal topic and keeps when each signal first became readable on it
    (time.monotonic()), so a write's pause is the time from its 2xx answer to its arrival."""

    suite: Suite
    arrived: dict[str, float] = field(default_factory=dict)
    _fetched: list[tuple[float, bytes]] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None
    _consumer: AIOKafkaConsumer | None = None

    async def start(self) -> None:
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=self.suite.infra.kafka, enable_auto_commit=False, group_id=None
        )
        await self._consumer.start()
        topic = self.suite.topic(SIGNALS_EVENTS)
        admin = AIOKafkaAdminClient(bootstrap_servers=self.suite.infra.kafka)
        await admin.start()
        try:
            (description,) = await admin.describe_topics([topic])
        finally:
            await admin.close()
        partitions = [TopicPartition(topic, p["partition"]) for p in description["partitions"]]
        assert partitions, f"{topic} has no partitions"
        self._consumer.assign(partitions)
        await self._consumer.seek_to_beginning(*partitions)
        self._task = asyncio.create_task(self._tail(self._consumer))

    async def _tail(self, consumer: AIOKafkaConsumer) -> None:
        # only fetch here: events are opened (a key-store read each) in stop(), so the tail never lags
        while True:
            batch = await consumer.getmany(timeout_ms=200)
            now = time.monotonic()
            self._fetched.extend(
                (now, record.value or b"") for records in batch.values() for record in records
            )

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer is not None:
            await self._consumer.stop()
        for at, value in self._fetched:
            event = await asyncio.to_thread(self.suite.open_event, value)
            if isinstance(event, SignalRecorded):
                self.arrived.setdefault(str(event.payload.signal_id), at)
        self._fetched.clear()

    def pauses(self, outcomes: Iterable[Outcome]) -> list[tuple[float, float]]:
        """(answered at, seconds from the 2xx answer to the topic) of every accepted signal seen."""
        return sorted(
            (o.started + o.elapsed, self.arrived[o.ident] - (o.started + o.elapsed))
            for o in outcomes
            if o.kind == "signal" and o.ident is not None and o.ident in self.arrived
        )


def longest_answer_gap(outcomes: Iterable[Outcome]) -> float:
    """The longest time between two consecutive 2xx answers: how long the clients saw no write taken."""
    answered = sorted(o.started + o.elapsed for o in outcomes if o.ident is not None)
    return max((b - a for a, b in itertools.pairwise(answered)), default=0.0)
