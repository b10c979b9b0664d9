"""Benchmark of faults: each experiment of the fault suite with a few hundred writes, as a table.

    make faults            (or: uv run python bench/faults.py [--only postgres,kafka-kill])

Starts a durable PostgreSQL, a key-store PostgreSQL and a Kafka of its own (meldcode_testkit.faults),
then per fault: the four services, a steady load of signals and zorgteam invitations from four
clients, the fault, the recovery, and the check that every write answered 2xx is in the event
store, on the topic and in every read model exactly once. Prints per fault: accepted, refused (by
status code; `conn` = no HTTP answer), lost, duplicated, the slowest refusal, the time from the
recovery to the first accepted write, and the time until the read models held every accepted write.

The recovery times are also printed as ratios against the bare machine, measured in the same run:
a plain restart of the PostgreSQL server and of the Kafka broker, without any service. The last
line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from meldcode_testkit import Suite
from meldcode_testkit.faults import (
    Experiment,
    FaultInfrastructure,
    Load,
    Staff,
    prepare_load,
    run_experiment,
    wait_ready,
)

SERVICES = ("signals", "casework", "notifications", "reporting")


@dataclass
class Fault:
    name: str
    outage: float
    inject: Callable[[FaultInfrastructure, Suite, Load], Awaitable[None]]
    recover: Callable[[FaultInfrastructure, Suite, Load], Awaitable[None]]
    env: dict[str, str] | None = None
    replicas: bool = False


async def _ready(suite: Suite) -> None:
    await wait_ready(s.url for s in suite.services.values())


async def _restart_postgres(infra: FaultInfrastructure, suite: Suite, _: Load) -> None:
    await asyncio.to_thread(infra.postgres.start)
    await _ready(suite)


async def _restart_keys(infra: FaultInfrastructure, suite: Suite, _: Load) -> None:
    await asyncio.to_thread(infra.keys_postgres.start)
    await _ready(suite)


def _kill_service(name: str) -> Callable[[FaultInfrastructure, Suite, Load], Awaitable[None]]:
    async def kill(_: FaultInfrastructure, suite: Suite, __: Load) -> None:
        suite.services[name].stop(signal.SIGKILL)

    return kill


def _restart_service(name: str) -> Callable[[FaultInfrastructure, Suite, Load], Awaitable[None]]:
    async def restart(_: FaultInfrastructure, suite: Suite, __: Load) -> None:
        await suite.service(name)

    return restart


async def _kill_first_replicas(_: FaultInfrastructure, suite: Suite, load: Load) -> None:
    for name in SERVICES:
        suite.services[name].stop(signal.SIGKILL)
    load.signals_urls.pop(0)
    load.casework_urls.pop(0)


async def _nothing(*_: Any) -> None:
    return None


async def _kill(server: str, infra: FaultInfrastructure) -> None:
    await asyncio.to_thread(getattr(infra, server).kill)


FAULTS = [
    Fault(
        "postgres SIGKILL, restart after 10 s",
        10,
        lambda i, s, lo: _kill("postgres", i),
        _restart_postgres,
    ),
    Fault(
        "key store down 10 s (no key cache)",
        10,
        lambda i, s, lo: _kill("keys_postgres", i),
        _restart_keys,
        env={"MELDCODE_KEY_CACHE_SECONDS": "0"},
    ),
    Fault(
        "kafka SIGKILL, restart",
        5,
        lambda i, s, lo: _kill("kafka", i),
        lambda i, s, lo: asyncio.to_thread(i.kafka.start),
    ),
    Fault(
        "kafka SIGSTOP 30 s",
        30,
        lambda i, s, lo: asyncio.to_thread(i.kafka.pause),
        lambda i, s, lo: asyncio.to_thread(i.kafka.resume),
    ),
    *(Fault(f"{name} SIGKILL, restart", 2, _kill_service(name), _restart_service(name)) for name in SERVICES),
    Fault("one of two replicas SIGKILL", 5, _kill_first_replicas, _nothing, replicas=True),
]


async def bare_restarts(infra: FaultInfrastructure) -> dict[str, float]:
    """The anchors: a plain SIGKILL and restart of each server, nothing else running against it."""
    anchors = {}
    for name, server in (("postgres", infra.postgres), ("kafka", infra.kafka)):
        await asyncio.to_thread(server.kill)
        started = time.monotonic()
        await asyncio.to_thread(server.start)
        anchors[f"bare_{name}_restart_s"] = round(time.monotonic() - started, 2)
    return anchors


async def one(infra: FaultInfrastructure, fault: Fault, log_root: Path) -> tuple[Experiment, list[str]]:
    """The experiment, and the services whose `reconcile` still found a difference afterwards."""
    log_dir = log_root / fault.name.split()[0]
    log_dir.mkdir(parents=True, exist_ok=True)
    suite = await infra.suite(log_dir)
    try:
        for name in SERVICES:
            await suite.service(name, **(fault.env or {}))
        staff = Staff.of(suite.infra)
        pupils, cases = await prepare_load(suite, staff)
        load = Load([suite.services["signals"].url], [suite.services["casework"].url], staff, pupils, cases)
        if fault.replicas:
            for name in SERVICES:
                await suite.replica(name)
            load.signals_urls.append(suite.replicas["signals"][0].url)
            load.casework_urls.append(suite.replicas["casework"][0].url)

        async def inject() -> None:
            await fault.inject(infra, suite, load)

        async def recover() -> None:
            await fault.recover(infra, suite, load)

        experiment = await run_experiment(
            fault.name, suite, load, inject, recover, before=4, outage=fault.outage, after=8
        )
        disagreeing = [name for name in SERVICES if (await suite.reconcile(name))[0] != 0]
        return experiment, disagreeing
    finally:
        suite.stop_all()


def table(rows: list[dict[str, Any]]) -> str:
    header = [
        "fault",
        "accepted",
        "refused",
        "lost",
        "duplicated",
        "slowest_refusal_s",
        "first_2xx_after_s",
        "caught_up_s",
    ]
    lines = [" | ".join(header), " | ".join("---" for _ in header)]
    for row in rows:
        refused = ", ".join(f"{k}: {v}" for k, v in row["refused"].items()) or "-"
        values = [row["fault"], row["accepted"], refused, row["lost"], row["duplicated"]]
        values += [row["slowest_refusal_s"], row["first_2xx_after_s"], row["caught_up_s"]]
        lines.append(" | ".join("-" if v is None else str(v) for v in values))
    return "\n".join(lines)


async def main(only: list[str], keep_logs: str | None = None) -> int:
    infra = FaultInfrastructure.start()
    rows: list[dict[str, Any]] = []
    try:
        anchors = await bare_restarts(infra)
        with tempfile.TemporaryDirectory(prefix="meldcode-faults-") as temporary:
            logs = keep_logs or temporary
            for fault in FAULTS:
                if only and not any(word in fault.name for word in only):
                    continue
                print(f"- {fault.name} ...", file=sys.stderr, flush=True)
                experiment, disagreeing = await one(infra, fault, Path(logs))
                row = experiment.row()
                row["reconcile_disagrees"] = disagreeing
                refusals = [
                    o.elapsed for o in experiment.outcomes if o.status is not None and o.status >= 500
                ]
                row["slowest_refusal_s"] = round(max(refusals), 2) if refusals else None
                unanswered = [
                    f"{o.error} after {o.elapsed:.2f}s ({o.kind} to {o.target})"
                    for o in experiment.outcomes
                    if o.status is None
                ]
                row["unanswered"] = dict(Counter(e.split(" after")[0] for e in unanswered))
                if unanswered:
                    print(f"  unanswered: {unanswered[:10]}", file=sys.stderr)
                anchor = anchors[
                    "bare_kafka_restart_s" if "kafka" in fault.name else "bare_postgres_restart_s"
                ]
                first = row["first_2xx_after_s"]
                row["first_2xx_after_vs_bare_restart"] = None if first is None else round(first / anchor, 2)
                rows.append(row)
    finally:
        infra.stop()
    print(table(rows))
    print()
    bad = [
        r["fault"]
        for r in rows
        if r["lost"] or r["duplicated"] or r["refused"].get("500") or r["reconcile_disagrees"]
    ]
    print(json.dumps({"faults": rows, **anchors, "faults_failed": bad}, ensure_ascii=False))
    return 1 if bad else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", default="", help="comma-separated words; run the faults whose name has one")
    parser.add_argument("--logs", default=None, help="keep the services' logs in this directory")
    args = parser.parse_args()
    sys.exit(asyncio.run(main([w for w in args.only.split(",") if w], args.logs)))
