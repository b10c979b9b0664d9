"""Benchmark: the write path against the bare machine — recording a signal and a casework command vs a
raw insert of an events-shaped row, each one transaction, measured in the same run.

    uv run python bench/write_path.py [--database-url URL] [--signals 1000] [--pupils 50]
        [--commands 500] [--cases 20] [--raw 2000] [--concurrency 8]

Against real PostgreSQL (default: MELDCODE_DATABASE_URL, else the local one from deploy/local), in
fresh databases that are dropped afterwards:

- the anchor: a raw asyncpg INSERT of a row shaped like a stored event (originator id, version,
  topic, a state of the size of a sealed signal) into a table of its own, one transaction each,
  one after another; measured before and after the others and averaged (the machine drifts);
- signals: `SignalsApplication.record_signal` with a real `KeyStore` (sealing) and the hash-chain
  trigger installed, as the service runs it (one pupil load, the sealing, the locked insert);
- the same two with `--concurrency` clients at once (threads for the application, connections for
  the raw insert): where the event log's lock, held until commit, serialises the saves;
- casework: `CaseworkApplication.hold_parents_conversation` (change, save under the log's lock,
  hash chain, sealing), round robin over `--cases` cases, each command on the case its caller
  holds (the one the last command returned); and the same with the case loaded first, as the
  HTTP route loads it for the caller's access check (`command_with_load_append_ratio`).

`append_ratio` = signals/s ÷ raw inserts/s; `command_append_ratio` = commands/s ÷ raw inserts/s
(one client each); `command_with_load_append_ratio` likewise with the route's load;
`append_ratio_concurrent` likewise with `--concurrency` clients.
The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import time
import uuid
from collections.abc import Awaitable, Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import anyio
import asyncpg
import psycopg
from encryption_cost import drop_databases, fresh_database, signal

from casework.application import CaseworkApplication
from casework.commands import HoldParentsConversation
from casework.domain.actor import Actor
from casework.domain.case import Case, KnownSignal
from casework.domain.staff_directory import StaffDirectory
from meldcode_edge.acting import Acting
from meldcode_servicekit.hashchain import events_table, install_hash_chain
from meldcode_servicekit.keystore import KeyStore, new_master_key, parse_master_key
from meldcode_vocabulary.dutch_days import dutch_today
from signals.application import SignalsApplication
from signals.commands import RegisterPupil

ROOT = Path(__file__).resolve().parents[1]
TENANT = "swv-bench"
IB = Acting("bench-ib", "intern_begeleider", TENANT, "bench")
TEACHER = Acting("bench-teacher", "leerkracht", TENANT, "bench")
BY = Actor("bench-ib", "intern_begeleider", "bench")

RAW_TABLE = """create table raw_events (
    notification_id bigserial unique,
    originator_id uuid not null,
    originator_version bigint not null,
    topic text not null,
    state bytea not null,
    primary key (originator_id, originator_version)
)"""
RAW_INSERT = (
    "insert into raw_events (originator_id, originator_version, topic, state) values ($1, $2, $3, $4)"
)


class NoFacts:
    """Facts casework asks elsewhere: none (a pupil nobody registered, no staff directory)."""

    async def date_of_birth(self, pupil_id: uuid.UUID) -> date | None:
        return None

    async def signals(self, signal_ids: Sequence[uuid.UUID]) -> list[KnownSignal]:
        return []

    async def tenant_of_school(self, school: str, case_tenant: str) -> str | None:
        return None

    async def jgz_organisation(self, tenant: str) -> str | None:
        return None

    async def staff_directory(self, tenant: str, school: str, user_ids: Collection[str]) -> StaffDirectory:
        return StaffDirectory(school=school, kept=False, roles={})


def register_pupils(app: SignalsApplication, count: int, prefix: str) -> list[uuid.UUID]:
    return [
        app.register_pupil(
            RegisterPupil(
                school="99ZZ",
                pupil_number=f"{prefix}-{n}",
                given_name="Bench",
                family_name=f"Leerling {n}",
                date_of_birth=date(2014, 1, 1),
            ),
            acting=IB,
        )
        for n in range(count)
    ]


async def chain(url: str, table: str) -> None:
    pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
    try:
        await install_hash_chain(pool, table)
    finally:
        await pool.close()


async def raw_rate(url: str, rows: int, state_bytes: int) -> float:
    """Raw inserts of events-shaped rows per second: one connection, one transaction each."""
    conn = await asyncpg.connect(url)
    try:
        state = os.urandom(state_bytes)
        started = time.perf_counter()
        for _ in range(rows):
            async with conn.transaction():
                await conn.execute(RAW_INSERT, uuid.uuid4(), 1, "bench.RawEvent", state)
        return rows / (time.perf_counter() - started)
    finally:
        await conn.close()


async def raw_rate_concurrent(url: str, rows: int, state_bytes: int, clients: int) -> float:
    """Raw inserts per second from `clients` connections at once (one transaction each)."""
    pool = await asyncpg.create_pool(url, min_size=clients, max_size=clients)
    state = os.urandom(state_bytes)

    async def client(count: int) -> None:
        async with pool.acquire() as conn:
            for _ in range(count):
                async with conn.transaction():
                    await conn.execute(RAW_INSERT, uuid.uuid4(), 1, "bench.RawEvent", state)

    try:
        started = time.perf_counter()
        await asyncio.gather(*(client(rows // clients) for _ in range(clients)))
        return clients * (rows // clients) / (time.perf_counter() - started)
    finally:
        await pool.close()


def signal_rate_concurrent(
    app: SignalsApplication, pupils: list[uuid.UUID], signals: int, clients: int
) -> float:
    """Signals per second recorded from `clients` threads at once (as concurrent requests do)."""
    each = signals // clients

    def client(k: int) -> None:
        for n in range(k * each, (k + 1) * each):
            app.record_signal(pupils[n % len(pupils)], signal(n), acting=TEACHER)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    return clients * each / (time.perf_counter() - started)


def signal_rate(app: SignalsApplication, pupils: list[uuid.UUID], signals: int, offset: int = 0) -> float:
    started = time.perf_counter()
    for n in range(offset, offset + signals):
        app.record_signal(pupils[n % len(pupils)], signal(n), acting=TEACHER)
    return signals / (time.perf_counter() - started)


def new_case(app: CaseworkApplication) -> Case:
    pupil = uuid.uuid4()
    known = KnownSignal(uuid.uuid4(), pupil, TENANT, "99ZZ")
    case = Case.open(
        pupil_id=pupil, signal_ids=[known.signal_id], known_signals=[known], case_owner_id="ib", by=BY
    )
    app.save(case)
    return case


async def command_rate(
    app: CaseworkApplication, cases: list[Case], commands: int, *, load_first: bool = False
) -> float:
    """Commands through the use case, each on the case as its caller last saw it (kept in `cases`);
    with `load_first` as the HTTP route gives one: the case loaded first (in a worker thread, for the
    caller's access check), then the use case on it."""
    seen = cases
    started = time.perf_counter()
    for n in range(commands):
        today = dutch_today()
        command = HoldParentsConversation(held_on=today, participants=["moeder"], summary=f"Gesprek {n}.")
        case = seen[n % len(seen)]
        if load_first:
            case = await anyio.to_thread.run_sync(app.get_case, case.id)
        seen[n % len(seen)] = await app.hold_parents_conversation(case, command, IB)
    return commands / (time.perf_counter() - started)


def stored_state_bytes(url: str, table: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            f"select avg(octet_length(state))::int from {table} where topic like %s",  # noqa: S608 - a checked name
            ("%Signal.Recorded",),
        ).fetchone()
    return int(row[0]) if row and row[0] else 800


def run_async(work: Callable[[], Awaitable[float]]) -> float:
    return anyio.run(work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("MELDCODE_DATABASE_URL"))
    parser.add_argument("--signals", type=int, default=1000)
    parser.add_argument("--pupils", type=int, default=50)
    parser.add_argument("--commands", type=int, default=500)
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument(
        "--concurrency", type=int, default=8, help="clients at once for the *_concurrent figures"
    )
    parser.add_argument(
        "--raw", type=int, default=2000, help="raw inserts per anchor measurement (two of them)"
    )
    args = parser.parse_args()
    base = (
        args.database_url
        or subprocess.run(
            ["bash", str(ROOT / "deploy/local/postgres.sh"), "url"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    databases = [fresh_database(base, f"write_{kind}") for kind in ("keys", "signals", "casework", "raw")]
    keys_url, signals_url, casework_url, raw_url = databases
    keystore = KeyStore(keys_url, parse_master_key(new_master_key()), cache_seconds=30.0)
    keystore.install()
    signals = SignalsApplication(signals_url, keystore=keystore)
    casework = CaseworkApplication(casework_url, keystore=keystore, facts=NoFacts())
    results: dict[str, Any] = {"signals": args.signals, "commands": args.commands}
    try:
        asyncio.run(chain(signals_url, events_table(signals)))
        asyncio.run(chain(casework_url, events_table(casework)))
        with psycopg.connect(raw_url, autocommit=True) as conn:
            conn.execute(RAW_TABLE)

        # Warm up every path (connections, statement caches, keys), then measure in one run.
        pupils = register_pupils(signals, max(1, args.pupils), prefix="P")
        signal_rate(signals, pupils, min(20, args.signals), offset=10**6)
        state_bytes = stored_state_bytes(signals_url, events_table(signals))
        cases = [new_case(casework) for _ in range(max(1, args.cases))]
        run_async(lambda: command_rate(casework, cases, min(20, args.commands)))
        run_async(lambda: raw_rate(raw_url, min(100, args.raw), state_bytes))

        raw_before = run_async(lambda: raw_rate(raw_url, args.raw, state_bytes))
        signals_per_s = signal_rate(signals, pupils, args.signals)
        commands_per_s = run_async(lambda: command_rate(casework, cases, args.commands))
        loaded_commands_per_s = run_async(
            lambda: command_rate(casework, cases, args.commands, load_first=True)
        )
        raw_after = run_async(lambda: raw_rate(raw_url, args.raw, state_bytes))
        raw = (raw_before + raw_after) / 2
        clients = args.concurrency
        raw_concurrent = run_async(lambda: raw_rate_concurrent(raw_url, args.raw, state_bytes, clients))
        signals_concurrent = signal_rate_concurrent(signals, pupils, args.signals, clients)
        results.update(
            {
                "state_bytes": state_bytes,
                "raw_insert_per_s": round(raw, 1),
                "raw_insert_per_s_before_after": [round(raw_before, 1), round(raw_after, 1)],
                "signals_per_s": round(signals_per_s, 1),
                "commands_per_s": round(commands_per_s, 1),
                "append_ratio": round(signals_per_s / raw, 3),
                "command_append_ratio": round(commands_per_s / raw, 3),
                "commands_with_load_per_s": round(loaded_commands_per_s, 1),
                "command_with_load_append_ratio": round(loaded_commands_per_s / raw, 3),
                "concurrency": clients,
                "raw_insert_per_s_concurrent": round(raw_concurrent, 1),
                "signals_per_s_concurrent": round(signals_concurrent, 1),
                "append_ratio_concurrent": round(signals_concurrent / raw_concurrent, 3),
            }
        )
    finally:
        signals.close()
        casework.close()
        keystore.close()
        drop_databases(base, databases)

    print(
        f"raw insert ({results['state_bytes']} B state, one transaction each): "
        f"{results['raw_insert_per_s']}/s (before {raw_before:.0f}, after {raw_after:.0f})"
    )
    print(
        f"signals recorded (sealing + hash chain): {results['signals_per_s']}/s = {results['append_ratio']} of raw"
    )
    print(f"casework commands: {results['commands_per_s']}/s = {results['command_append_ratio']} of raw")
    print(
        f"casework commands on a case loaded first (as the route does): "
        f"{results['commands_with_load_per_s']}/s = {results['command_with_load_append_ratio']} of raw"
    )
    print(
        f"with {clients} clients at once: raw {results['raw_insert_per_s_concurrent']}/s, signals "
        f"{results['signals_per_s_concurrent']}/s = {results['append_ratio_concurrent']} of raw"
    )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
