"""Benchmark: what field encryption (ADR 10) costs when recording and reading signals.

    uv run python bench/encryption_cost.py [--database-url URL] [--signals 2000] [--pupils 100]

Against real PostgreSQL (default: MELDCODE_DATABASE_URL, else the local one from deploy/local), in
fresh databases that are dropped afterwards: records the
same N signals about the same number of pupils through a `SignalsApplication` without a key store
(the plain eventsourcing mapper) and with a real `KeyStore` in a database of its own (the sealing
mapper: AES-GCM per personal field, the pupil's key found through `key_subjects`), then reads every
signal back (aggregate loads). Prints signals/s and µs per signal for both and the relative cost;
then the cost of `seal_event` / `open_event` on one `SignalRecorded` contract event in a tight
loop, beside plain `serialize_event` / `parse_event`. The last line is one JSON object with every
figure.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
from eventsourcing.utils import get_topic

from meldcode_contracts import SignalCategory, SourceKind, parse_event, serialize_event
from meldcode_edge.acting import Acting
from meldcode_servicekit.keystore import KeyStore, new_master_key, parse_master_key
from meldcode_servicekit.sealing import open_event, seal_event
from meldcode_vocabulary.dutch_days import dutch_today
from signals.application import SignalsApplication
from signals.commands import RecordSignal, RegisterPupil, SourceIn
from signals.domain.signal import Signal
from signals.translation import to_contract_event

ROOT = Path(__file__).resolve().parents[1]
IB = Acting("bench-ib", "intern_begeleider", "swv-bench", "bench")
TEACHER = Acting("bench-teacher", "leerkracht", "swv-bench", "bench")


def fresh_database(base_url: str, kind: str) -> str:
    name = f"bench_{kind}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    return base_url.rsplit("/", 1)[0] + f"/{name}"


def drop_databases(base_url: str, urls: list[str]) -> None:
    with psycopg.connect(base_url, autocommit=True) as conn:
        for url in urls:
            conn.execute(f'drop database if exists "{url.rsplit("/", 1)[1]}" with (force)')


def signal(n: int) -> RecordSignal:
    return RecordSignal(
        observed_on=dutch_today() - timedelta(days=n % 30),
        description=f"Kwam vandaag voor de {n}e keer zonder ontbijt en zonder jas naar school; zat stil in de hoek.",
        source=SourceIn(kind=SourceKind.THIRD_PARTY, name="Buurvrouw van het gezin"),
        categories=[SignalCategory.NEGLECT],
        interpretation="Ik maak me zorgen over de verzorging thuis.",
    )


def register_pupils(app: SignalsApplication, count: int, prefix: str = "B") -> list[uuid.UUID]:
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


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def measure(app: SignalsApplication, pupils: list[uuid.UUID], signals: int) -> dict[str, float]:
    record_s, ids = timed(
        lambda: [
            app.record_signal(pupils[n % len(pupils)], signal(n), acting=TEACHER) for n in range(signals)
        ]
    )
    read_s, _ = timed(lambda: [app.get_signal(signal_id) for signal_id in ids])
    return {
        "record_per_s": round(signals / record_s, 1),
        "record_us": round(record_s / signals * 1e6, 1),
        "read_per_s": round(signals / read_s, 1),
        "read_us": round(read_s / signals * 1e6, 1),
    }


def per_call_us(work: Callable[[], Any], repeat: int) -> float:
    rounds = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(repeat):
            work()
        rounds.append((time.perf_counter() - started) / repeat * 1e6)
    return round(statistics.median(rounds), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("MELDCODE_DATABASE_URL"))
    parser.add_argument("--signals", type=int, default=2000)
    parser.add_argument("--pupils", type=int, default=100)
    parser.add_argument(
        "--loop", type=int, default=2000, help="Iterations of seal_event/open_event per round"
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
    databases = [fresh_database(base, kind) for kind in ("keys", "signals_plain", "signals_sealed")]
    keystore = KeyStore(databases[0], parse_master_key(new_master_key()), cache_seconds=30.0)
    keystore.install()
    plain = SignalsApplication(databases[1])
    sealed = SignalsApplication(databases[2], keystore=keystore)
    try:
        results: dict[str, Any] = {"signals": args.signals, "pupils": args.pupils}
        # Warm up both (connections, statement caches), then measure in one run, plain first.
        for app in (plain, sealed):
            warm = register_pupils(app, 1, prefix="warm")
            app.record_signal(warm[0], signal(0), acting=TEACHER)
        plain_pupils = register_pupils(plain, args.pupils)
        sealed_pupils = register_pupils(sealed, args.pupils)
        results["plain_mapper"] = measure(plain, plain_pupils, args.signals)
        results["sealing_mapper"] = measure(sealed, sealed_pupils, args.signals)
        p, s = results["plain_mapper"], results["sealing_mapper"]
        results["relative_cost"] = {
            "record_time": round(s["record_us"] / p["record_us"], 2),
            "read_time": round(s["read_us"] / p["read_us"], 2),
        }

        # One contract event as the outbox relay publishes it and a consumer reads it.
        [notification] = sealed.recorder.select_notifications(None, 1, topics=[get_topic(Signal.Recorded)])
        contract = to_contract_event(sealed.mapper.to_domain_event(notification))
        assert contract is not None
        sealed_bytes = seal_event(contract, keystore)
        plain_bytes = serialize_event(contract)
        assert open_event(sealed_bytes, keystore) == contract
        results["contract_event_us"] = {
            "serialize_event": per_call_us(lambda: serialize_event(contract), args.loop),
            "seal_event": per_call_us(lambda: seal_event(contract, keystore), args.loop),
            "parse_event": per_call_us(lambda: parse_event(plain_bytes), args.loop),
            "open_event": per_call_us(lambda: open_event(sealed_bytes, keystore), args.loop),
            "plain_bytes": len(plain_bytes),
            "sealed_bytes": len(sealed_bytes),
        }
    finally:
        plain.close()
        sealed.close()
        keystore.close()
        drop_databases(base, databases)

    for label, row in (("plain  ", p), ("sealed ", s)):
        print(
            f"{label} record {row['record_per_s']:>8} signals/s ({row['record_us']:>7} µs each), "
            f"read {row['read_per_s']:>8} signals/s ({row['read_us']:>7} µs each)"
        )
    rel = results["relative_cost"]
    print(
        f"encryption costs x{rel['record_time']} the recording time and x{rel['read_time']} the reading time"
    )
    ev = results["contract_event_us"]
    print(
        f"one SignalRecorded: serialize {ev['serialize_event']} µs vs seal {ev['seal_event']} µs; "
        f"parse {ev['parse_event']} µs vs open {ev['open_event']} µs "
        f"({ev['plain_bytes']} -> {ev['sealed_bytes']} bytes)"
    )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
