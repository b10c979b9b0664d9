"""Bare-machine anchors, measured in the same run as a bench so its figures can be ratios.

Other benches import these (the script's folder is on sys.path when a bench runs):
    from anchors import raw_insert_per_s, raw_read_rows_per_s, scratch_database, CpuMeter
Run alone it prints the two anchors and ends with one JSON line:
    MELDCODE_DATABASE_URL=postgresql://postgres@127.0.0.1:15432/postgres python bench/anchors.py

- raw insert: one asyncpg transaction per events-shaped row (uuid, version, topic, bytea state,
  bigserial notification id), one connection, one row after another: what one writer gets from
  PostgreSQL with fsync on, the ceiling an event store's append is compared with.
- raw paged read: the same rows read back in pages of `page` by notification id (keyset), as a
  relay, a replay or a rebuild reads them.
- CpuMeter: CPU time (user + system, of the processes and of their reaped children) of given
  processes and all their descendants, per process group, from /proc through psutil.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import psutil

from meldcode_servicekit.kafka_connection import KafkaConnection

EVENTS_TABLE = """create table if not exists anchor_events (
    originator_id uuid not null,
    originator_version integer not null,
    topic text not null,
    state bytea not null,
    notification_id bigserial,
    primary key (originator_id, originator_version))"""
INSERT_EVENT = (
    "insert into anchor_events (originator_id, originator_version, topic, state) values ($1, $2, $3, $4)"
)
EVENT_STATE = os.urandom(600)  # about the size of a sealed signal event


def percentile(values: list[float], q: float) -> float:
    """The q-th quantile (0..1) by nearest rank; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def database_url(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@asynccontextmanager
async def scratch_database(admin_url: str, prefix: str = "bench") -> AsyncIterator[str]:
    """A database of its own for the length of the block, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f'create database "{name}"')
        try:
            yield database_url(admin_url, name)
        finally:
            await admin.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await admin.close()


async def raw_insert_per_s(url: str, rows: int = 2000) -> float:
    """Events-shaped rows inserted one transaction each, one after another; rows per second."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(EVENTS_TABLE)
        statement = await conn.prepare(INSERT_EVENT)
        started = time.perf_counter()
        for n in range(rows):
            await statement.fetch(uuid.uuid4(), n, "signals.SignalRecorded", EVENT_STATE)
        return rows / (time.perf_counter() - started)
    finally:
        await conn.close()


async def raw_read_rows_per_s(url: str, rows: int = 50_000, page: int = 1000) -> float:
    """`rows` events-shaped rows read back in keyset pages of `page`; rows per second."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(EVENTS_TABLE)
        await conn.execute("truncate anchor_events")
        await conn.copy_records_to_table(
            "anchor_events",
            records=((uuid.uuid4(), n, "signals.SignalRecorded", EVENT_STATE) for n in range(rows)),
            columns=["originator_id", "originator_version", "topic", "state"],
        )
        await conn.execute("analyze anchor_events")
        statement = await conn.prepare(
            "select originator_id, originator_version, topic, state, notification_id from anchor_events"
            " where notification_id > $1 order by notification_id limit $2"
        )
        started = time.perf_counter()
        last, read = 0, 0
        while batch := await statement.fetch(last, page):
            read += len(batch)
            last = batch[-1]["notification_id"]
        return read / (time.perf_counter() - started)
    finally:
        await conn.close()


def kafka_options() -> dict[str, object]:
    """aiokafka keyword arguments from the environment, as a service reads them (SASL/TLS if set)."""
    cafile = os.environ.get("KAFKA_SSL_CAFILE")
    return KafkaConnection(
        bootstrap_servers=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092"),
        security_protocol=os.environ.get("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT"),
        username=os.environ.get("KAFKA_SASL_USERNAME"),
        password=os.environ.get("KAFKA_SASL_PASSWORD"),
        ssl_cafile=Path(cafile) if cafile else None,
    ).client_options()


def process_group(process: psutil.Process) -> str:
    """Which part of the suite a process is: a service, postgres, kafka, the bench client, other."""
    if process.pid == os.getpid():
        return "bench_client"
    try:
        command = " ".join(process.cmdline())
        name = process.name()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return "other"
    for service in ("signals", "casework", "notifications", "reporting"):
        if f"{service}.entrypoints.cli" in command:
            return service
    if "postgres" in name or "postgres" in command.split(" ", 1)[0]:
        return "postgresql"
    if "java" in name and "kafka" in command:
        return "kafka"
    return "other"


@dataclass
class CpuMeter:
    """CPU seconds of the given processes, their descendants and this process, per group.

    A process's own user+system time plus that of its children it has reaped (PostgreSQL's
    backends that ended), so nothing is counted twice and nothing that ended in between is lost.
    """

    roots: Iterable[int]
    _start: dict[int, tuple[str, float]] = field(default_factory=dict)

    def _sample(self) -> dict[int, tuple[str, float]]:
        seen: dict[int, tuple[str, float]] = {}
        roots = [*self.roots, os.getpid()]
        for pid in roots:
            try:
                root = psutil.Process(pid)
                family = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
            for process in family:
                try:
                    t = process.cpu_times()
                    seen[process.pid] = (
                        process_group(process),
                        t.user + t.system + t.children_user + t.children_system,
                    )
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
        return seen

    def start(self) -> None:
        self._start = self._sample()

    def stop(self) -> dict[str, float]:
        """CPU seconds per group since start()."""
        groups: dict[str, float] = {}
        for pid, (group, seconds) in self._sample().items():
            before = self._start.get(pid, (group, 0.0))[1]
            groups[group] = groups.get(group, 0.0) + max(0.0, seconds - before)
        return groups


async def measure(url: str, insert_rows: int, read_rows: int) -> dict[str, float]:
    async with scratch_database(url, "anchor") as scratch:
        insert = await raw_insert_per_s(scratch, insert_rows)
        read = await raw_read_rows_per_s(scratch, read_rows)
    return {"raw_insert_per_s": round(insert, 1), "raw_read_rows_per_s": round(read, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("MELDCODE_DATABASE_URL"))
    parser.add_argument("--insert-rows", type=int, default=2000)
    parser.add_argument("--read-rows", type=int, default=50_000)
    args = parser.parse_args()
    if not args.database_url:
        parser.error("--database-url or MELDCODE_DATABASE_URL is needed")
    figures = asyncio.run(measure(args.database_url, args.insert_rows, args.read_rows))
    print(f"raw insert (one transaction per row): {figures['raw_insert_per_s']}/s")
    print(f"raw paged read: {figures['raw_read_rows_per_s']} rows/s")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
