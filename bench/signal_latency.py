"""Benchmark: record N signals through the HTTP API and measure how fast they become visible.

Prints the recording throughput (2xx responses per second) and the p50/p95/p99/max time from
each 2xx response until the signal shows in reporting's chronology of the pupil (outbox relay ->
Kafka -> reporting consumer -> read model -> query); the last line is one JSON object with every
figure. Run it with `make bench` (starts everything) or against running services with the URLs
below.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from pathlib import Path

import httpx

from meldcode_devauth.tokens import mint_token
from meldcode_vocabulary.dutch_days import dutch_today


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def run(args: argparse.Namespace) -> dict[str, object]:
    key = Path(args.issuer_key).read_text()

    def auth(sub: str, role: str) -> dict[str, str]:
        token = mint_token(key, sub=sub, role=role, samenwerkingsverband="swv-bench", schools=["99ZZ"])
        return {"Authorization": f"Bearer {token}"}

    teacher, ib = auth("bench-teacher", "leerkracht"), auth("bench-ib", "intern_begeleider")
    limits = httpx.Limits(max_connections=args.concurrency + 4)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:
        pupils = []
        for _ in range(max(1, args.count // args.per_pupil)):
            response = await http.post(
                f"{args.signals}/pupils",
                headers=ib,
                json={
                    "school": "99ZZ",
                    "pupil_number": uuid.uuid4().hex[:12],
                    "given_name": "Bench",
                    "family_name": "Leerling",
                    "date_of_birth": "2014-01-01",
                },
            )
            response.raise_for_status()
            pupils.append(response.json()["pupil_id"])

        accepted_at: dict[str, float] = {}
        visible_at: dict[str, float] = {}
        done_recording = asyncio.Event()
        gate = asyncio.Semaphore(args.concurrency)
        today = dutch_today().isoformat()

        async def record(n: int) -> None:
            pupil_id = pupils[n % len(pupils)]
            async with gate:
                response = await http.post(
                    f"{args.signals}/pupils/{pupil_id}/signals",
                    headers=teacher,
                    json={
                        "observed_on": today,
                        "description": f"Benchmark-signaal {n}: feitelijke waarneming.",
                        "source": {"kind": "own_observation"},
                    },
                )
            response.raise_for_status()
            accepted_at[response.json()["signal_id"]] = time.perf_counter()

        async def watch() -> None:
            while not (done_recording.is_set() and len(visible_at) >= len(accepted_at)):
                for pupil_id in pupils:
                    response = await http.get(f"{args.reporting}/pupils/{pupil_id}/chronology", headers=ib)
                    if response.status_code != 200:
                        continue
                    now = time.perf_counter()
                    for entry in response.json()["entries"]:
                        signal_id = str(entry.get("signal_id"))
                        if signal_id in accepted_at and signal_id not in visible_at:
                            visible_at[signal_id] = now
                await asyncio.sleep(args.poll_interval)

        watcher = asyncio.create_task(watch())
        started = time.perf_counter()
        await asyncio.gather(*(record(n) for n in range(args.count)))
        recording_seconds = time.perf_counter() - started
        done_recording.set()
        await asyncio.wait_for(watcher, timeout=args.timeout)

    lags_ms = [(visible_at[s] - accepted_at[s]) * 1000 for s in accepted_at]
    return {
        "signals": args.count,
        "concurrency": args.concurrency,
        "recording_seconds": round(recording_seconds, 2),
        "throughput_per_second": round(args.count / recording_seconds, 1),
        "visible_lag_ms": {
            "p50": round(percentile(lags_ms, 0.50), 1),
            "p95": round(percentile(lags_ms, 0.95), 1),
            "p99": round(percentile(lags_ms, 0.99), 1),
            "max": round(max(lags_ms), 1),
            "mean": round(statistics.fmean(lags_ms), 1),
        },
        "poll_interval_ms": args.poll_interval * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    for name in ("signals", "casework", "notifications", "reporting", "issuer-key"):
        parser.add_argument(f"--{name}", required=name in ("signals", "reporting", "issuer-key"))
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--per-pupil", type=int, default=50, help="signals per pupil (chronology size)")
    parser.add_argument("--poll-interval", type=float, default=0.02)
    parser.add_argument("--timeout", type=float, default=300)
    result = asyncio.run(run(parser.parse_args()))
    lag = result["visible_lag_ms"]
    assert isinstance(lag, dict)
    print(
        f"recorded {result['signals']} signals at {result['throughput_per_second']}/s; "
        f"2xx -> visible in chronology: p50 {lag['p50']} ms, p99 {lag['p99']} ms"
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
