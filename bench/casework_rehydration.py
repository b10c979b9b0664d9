"""Benchmark: how long it takes to load (rehydrate) a case, and how many commands casework takes.

    uv run python bench/casework_rehydration.py [--database-url URL] [--case-sizes 10,100,1000]
        [--commands 200]

Against real PostgreSQL (default: MELDCODE_DATABASE_URL, else the local one from deploy/local, in a
fresh database that is dropped afterwards). Prints, for cases of 10, 100 and 1 000 events, the
median time to load the case without snapshots and with snapshots at the service's interval; then the
command rate through the use case, as a command route runs it (load the case the caller sees, then
the command's own load, change and save in a worker thread), on one case (sequential, `--commands`)
and on eight cases in parallel (like concurrent HTTP requests; a quarter as many each).

Load against the bare machine (`load_ms`, `load_ratio`): for each case size, the median time of the
application's `repository.get` of a sealed case (a real `KeyStore`, snapshots at the service's
interval, as the service runs) against a raw asyncpg read of all the rows of that case with the
recorder's own query shape, measured in the same run. `load_ratio` = raw read time / load time,
summed over the cases of `--typical-case` events and the next sizes up to one snapshot interval
more (60-69 by default; named in the JSON line as `load_ratio_case_events`), each saved command by
command as the service saves them: so every length of the tail after the last snapshot is loaded
once, and a case that happens to end on a snapshot does not decide the figure.
The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import time
import uuid
from collections.abc import Collection, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import anyio
import asyncpg
import psycopg

from casework.application import CaseworkApplication
from casework.commands import HoldParentsConversation
from casework.domain.actor import Actor
from casework.domain.case import Case, KnownSignal
from casework.domain.staff_directory import StaffDirectory
from meldcode_edge.acting import Acting
from meldcode_servicekit.hashchain import events_table
from meldcode_servicekit.keystore import KeyStore, new_master_key, parse_master_key
from meldcode_vocabulary.dutch_days import dutch_today

ROOT = Path(__file__).resolve().parents[1]
BY = Actor("bench-ib", "intern_begeleider", "bench")


BENCH = Acting(user_id="bench-ib", role="intern_begeleider", tenant="swv-bench", correlation_id="bench")


class NoFacts:
    """A pupil nobody registered: no date of birth, no other signals, no schools, no JGZ partner, no
    staff directory."""

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


class WithoutSnapshots(CaseworkApplication):
    snapshotting_intervals = {}  # noqa: RUF012


def fresh_database(base_url: str) -> str:
    name = f"bench_casework_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    return base_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(base_url: str, url: str) -> None:
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{url.rsplit("/", 1)[1]}" with (force)')


def new_case() -> Case:
    pupil = uuid.uuid4()
    signal = KnownSignal(uuid.uuid4(), pupil, "swv-bench", "99ZZ")
    return Case.open(
        pupil_id=pupil, signal_ids=[signal.signal_id], known_signals=[signal], case_owner_id="ib", by=BY
    )


def talk(case: Case, n: int) -> None:
    today = dutch_today()
    case.hold_parents_conversation(
        held_on=today, participants=["moeder"], summary=f"Vervolggesprek {n}.", today=today, by=BY
    )


def case_of(app: CaseworkApplication, events: int, save_every: int = 10) -> uuid.UUID:
    case = new_case()
    app.save(case)
    for n in range(events - 1):
        talk(case, n)
        if n % save_every == save_every - 1:
            app.save(case)  # saved in steps, as a case grows over months
    app.save(case)
    assert case.version == events
    return case.id


def median_load_ms(app: CaseworkApplication, case_id: uuid.UUID, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        app.get_case(case_id)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def median_get_ms(app: CaseworkApplication, case_id: uuid.UUID, repeat: int) -> float:
    app.repository.get(case_id)  # warm: connection, prepared statement, the pupil's key
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        app.repository.get(case_id)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def median_raw_read_ms(url: str, table: str, case_id: uuid.UUID, repeat: int) -> float:
    """The bare anchor: the case's rows by asyncpg, the recorder's query shape, on one connection."""

    async def read() -> float:
        conn = await asyncpg.connect(url)
        try:
            query = await conn.prepare(
                f"SELECT * FROM public.{table} WHERE originator_id = $1 ORDER BY originator_version ASC"  # noqa: S608 - a checked table name
            )
            await query.fetch(case_id)
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                await query.fetch(case_id)
                times.append((time.perf_counter() - started) * 1000)
            return statistics.median(times)
        finally:
            await conn.close()

    return asyncio.run(read())


def load_against_raw(
    sealed: CaseworkApplication, url: str, sizes: Sequence[int], repeat: int
) -> dict[int, dict[str, float]]:
    """Per case size: the application's load and the raw read of the same rows, same run."""
    table = events_table(sealed)
    figures: dict[int, dict[str, float]] = {}
    for events in sizes:
        case_id = case_of(sealed, events)
        raw_ms = median_raw_read_ms(url, table, case_id, repeat)
        load_ms = median_get_ms(sealed, case_id, repeat)
        figures[events] = {
            "raw_read_ms": round(raw_ms, 3),
            "load_ms": round(load_ms, 3),
            "ratio": round(raw_ms / load_ms, 3),
        }
    return figures


def typical_load_against_raw(
    sealed: CaseworkApplication, url: str, typical: int, repeat: int
) -> dict[str, Any]:
    """`load_ratio`: the cases of `typical` events up to one snapshot interval more, each saved
    command by command, their medians summed (each tail length after a snapshot once)."""
    table = events_table(sealed)
    sizes = range(typical, typical + CaseworkApplication.snapshotting_intervals[Case])
    raw_ms = load_ms = 0.0
    for events in sizes:
        case_id = case_of(sealed, events, save_every=1)
        raw_ms += median_raw_read_ms(url, table, case_id, repeat)
        load_ms += median_get_ms(sealed, case_id, repeat)
    return {
        "case_events": f"{sizes[0]}-{sizes[-1]}",
        "raw_read_ms": round(raw_ms / len(sizes), 3),
        "load_ms": round(load_ms / len(sizes), 3),
        "ratio": round(raw_ms / load_ms, 3),
    }


def command_rate(app: CaseworkApplication, cases: list[uuid.UUID], commands_per_case: int) -> float:
    async def run(case_id: uuid.UUID) -> None:
        for n in range(commands_per_case):
            seen = await anyio.to_thread.run_sync(app.get_case, case_id)
            today = dutch_today()
            await app.hold_parents_conversation(
                seen,
                HoldParentsConversation(
                    held_on=today, participants=["moeder"], summary=f"Vervolggesprek {n}."
                ),
                BENCH,
            )

    async def all_cases() -> None:
        async with anyio.create_task_group() as group:
            for case_id in cases:
                group.start_soon(run, case_id)

    started = time.perf_counter()
    asyncio.run(all_cases())
    return len(cases) * commands_per_case / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("MELDCODE_DATABASE_URL"))
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--case-sizes", default="10,100,1000", help="comma-separated numbers of events per case"
    )
    parser.add_argument(
        "--commands", type=int, default=200, help="commands on the one case (each of eight cases: a quarter)"
    )
    parser.add_argument(
        "--typical-case",
        type=int,
        default=60,
        help="the shortest of the cases whose loads give load_ratio (one per tail length after a snapshot)",
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.case_sizes.split(",") if size]
    base = (
        args.database_url
        or subprocess.run(
            ["bash", str(ROOT / "deploy/local/postgres.sh"), "url"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    url = fresh_database(base)
    keys_url, sealed_url = fresh_database(base), fresh_database(base)
    keystore = KeyStore(keys_url, parse_master_key(new_master_key()), cache_seconds=30.0)
    keystore.install()
    sealed = CaseworkApplication(sealed_url, keystore=keystore, facts=NoFacts())
    plain, snapshotting = WithoutSnapshots(url), CaseworkApplication(url, facts=NoFacts())
    results: dict[str, Any] = {"rehydration_ms": {}}
    try:
        results["load_ms"] = load_against_raw(sealed, sealed_url, sizes, args.repeat)
        typical = typical_load_against_raw(sealed, sealed_url, args.typical_case, args.repeat)
        results["load_ms"]["typical"] = typical
        results["load_ratio_case_events"] = typical["case_events"]
        results["load_ratio"] = typical["ratio"]
        for events in sizes:
            without = case_of(plain, events)
            with_snapshots = case_of(snapshotting, events)
            results["rehydration_ms"][events] = {
                "without_snapshots": round(median_load_ms(plain, without, args.repeat), 2),
                "with_snapshots": round(median_load_ms(snapshotting, with_snapshots, args.repeat), 2),
            }
        one = [case_of(snapshotting, 1)]
        many = [case_of(snapshotting, 1) for _ in range(8)]
        results["commands_per_second"] = {
            "one_case_sequential": round(command_rate(snapshotting, one, args.commands), 1),
            "eight_cases_in_parallel": round(command_rate(snapshotting, many, max(1, args.commands // 4)), 1),
        }
    finally:
        plain.close()
        snapshotting.close()
        sealed.close()
        keystore.close()
        for database in (url, keys_url, sealed_url):
            drop_database(base, database)
    for events, row in results["rehydration_ms"].items():
        print(
            f"case of {events:>4} events: {row['without_snapshots']:>7} ms without, {row['with_snapshots']:>6} ms with snapshots"
        )
    for events, row in results["load_ms"].items():
        print(
            f"load of a sealed case of {events:>4} events: {row['load_ms']:>7} ms, raw read {row['raw_read_ms']:>6} ms, ratio {row['ratio']}"
        )
    print(f"load_ratio (cases of {results['load_ratio_case_events']} events): {results['load_ratio']}")
    rates = results["commands_per_second"]
    print(
        f"commands/s: one case {rates['one_case_sequential']}, eight cases in parallel {rates['eight_cases_in_parallel']}"
    )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
