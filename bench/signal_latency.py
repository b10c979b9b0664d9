"""Benchmark: the signal path end to end, measured from what the platform itself records.

Signals are recorded through the HTTP API of signals. When each became visible in the pupil's
chronology is read afterwards from reporting's own database: the `processed_at` of the
`processed_events` row of the chronology entry's event (the time the consumer's transaction that
wrote the entry began, on PostgreSQL's clock, which is this machine's clock). The start is the
time signals recorded the event (`occurred_at`, set before its commit, so before the 2xx): both
ends are times the platform records, nothing polls while it is measured and the client's CPU is
not on the measured path (`visible_ms`, the e2e figures; an upper bound of 2xx -> visible). The
same from the 2xx as the client saw it is kept beside it (`visible_after_client_2xx_ms`): on a
starved client its 2xx comes late and that figure reads short, even negative. At the end one
chronology read per pupil through reporting's HTTP API checks that every signal shows (not timed).

Modes, each with the CPU time of every process of the suite (services, PostgreSQL, Kafka and this
client; from /proc via psutil, for the processes of --cpu-pids and all their descendants) per signal:
- open loop: signals sent at a fixed offered --rate for --duration seconds, whatever the answers
  take -> p50/p99 2xx -> visible (`e2e_p99_ms_at_50` at 50/s);
- closed loop (saturation): --count signals by --concurrency clients, each sending its next one
  when its last was answered -> accepted/s and p99 (`e2e_saturation_per_s`);
- the floor (bench/floor.py) in the same run when --database-url is given -> `e2e_p50_vs_floor`.
The last line is one JSON object with every figure. `make bench` runs it on the whole suite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import uvloop
from anchors import CpuMeter, percentile
from floor import measure_floor

from meldcode_devauth.tokens import mint_token
from meldcode_vocabulary.dutch_days import dutch_today

VISIBLE_AT = """select c.signal_id, min(c.occurred_at) as recorded_at, min(p.processed_at) as visible_at
    from chronology c join processed_events p on p.event_id = c.event_id
    where c.signal_id = any($1::uuid[]) group by c.signal_id"""


class Bench:
    """The client, kept cheap as its CPU is counted in the figures: tokens made once, one aiohttp
    session with a connection per client kept alive, on uvloop; only a 201's body is parsed."""

    def __init__(self, args: argparse.Namespace, http: aiohttp.ClientSession) -> None:
        key = Path(args.issuer_key).read_text()

        def bearer(sub: str, role: str) -> dict[str, str]:
            token = mint_token(key, sub=sub, role=role, samenwerkingsverband="swv-bench", schools=["99ZZ"])
            return {"Authorization": f"Bearer {token}"}

        self.teacher, self.ib = bearer("bench-teacher", "leerkracht"), bearer("bench-ib", "intern_begeleider")
        self.args = args
        self.http = http
        self.today = dutch_today().isoformat()
        self.errors: list[str] = []

    async def pupils(self, signals: int) -> list[str]:
        pupils = []
        for _ in range(max(1, signals // self.args.per_pupil)):
            async with self.http.post(
                f"{self.args.signals}/pupils",
                headers=self.ib,
                json={
                    "school": "99ZZ",
                    "pupil_number": uuid.uuid4().hex[:12],
                    "given_name": "Bench",
                    "family_name": "Leerling",
                    "date_of_birth": "2014-01-01",
                },
            ) as response:
                response.raise_for_status()
                pupils.append((await response.json())["pupil_id"])
        return pupils

    async def record(
        self, pupil_id: str, n: int, accepted: dict[str, float], answered_ms: list[float]
    ) -> None:
        sent = time.perf_counter()
        try:
            async with self.http.post(
                f"{self.args.signals}/pupils/{pupil_id}/signals",
                headers=self.teacher,
                json={
                    "observed_on": self.today,
                    "description": f"Benchmark-signaal {n}: feitelijke waarneming.",
                    "source": {"kind": "own_observation"},
                },
            ) as response:
                at = time.time()  # wall clock: compared with PostgreSQL's processed_at
                if not response.ok:
                    self.errors.append(str(response.status))
                    return
                answered_ms.append((time.perf_counter() - sent) * 1000)
                accepted[(await response.json())["signal_id"]] = at
        except (aiohttp.ClientError, TimeoutError) as error:  # a refused or dropped request is a figure
            self.errors.append(type(error).__name__)

    async def visible(self, accepted: dict[str, float]) -> tuple[list[float], list[float]]:
        """Per signal, once reporting has processed every one: recorded -> visible (ms; both times
        recorded by the platform) and 2xx -> visible (ms; the 2xx as the client saw it)."""
        ids = list(accepted)
        conn = await asyncpg.connect(self.args.reporting_database_url)
        try:
            deadline = time.monotonic() + self.args.timeout
            while True:  # waits for the end of the run only; the times come from processed_at
                rows = await conn.fetch(VISIBLE_AT, ids)
                if len(rows) >= len(ids):
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"{len(ids) - len(rows)} of {len(ids)} signals not processed by reporting"
                    )
                await asyncio.sleep(0.2)
        finally:
            await conn.close()
        recorded = [(row["visible_at"] - row["recorded_at"]).total_seconds() * 1000 for row in rows]
        answered = [(row["visible_at"].timestamp() - accepted[str(row["signal_id"])]) * 1000 for row in rows]
        return recorded, answered

    async def check_chronologies(self, pupils: list[str], accepted: dict[str, float]) -> None:
        shown: set[str] = set()
        for pupil_id in pupils:
            async with self.http.get(
                f"{self.args.reporting}/pupils/{pupil_id}/chronology", headers=self.ib
            ) as response:
                response.raise_for_status()
                entries = (await response.json())["entries"]
            shown |= {str(entry.get("signal_id")) for entry in entries}
        missing = set(accepted) - shown
        if missing:
            raise AssertionError(f"{len(missing)} signals processed but not in the chronology")

    def take_errors(self) -> dict[str, int]:
        errors = {kind: self.errors.count(kind) for kind in sorted(set(self.errors))}
        self.errors.clear()
        return errors

    async def open_loop(self) -> dict[str, Any]:
        rate, count = self.args.rate, max(1, round(self.args.rate * self.args.duration))
        pupils = await self.pupils(count)
        accepted: dict[str, float] = {}
        answered_ms: list[float] = []
        meter = CpuMeter(self.args.cpu_pids)
        meter.start()
        begin = time.perf_counter()
        sends = []
        for n in range(count):
            delay = begin + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            sends.append(asyncio.create_task(self.record(pupils[n % len(pupils)], n, accepted, answered_ms)))
        await asyncio.gather(*sends)
        lags, client_lags = await self.visible(accepted)
        cpu = meter.stop()
        await self.check_chronologies(pupils, accepted)
        return summary(count, time.perf_counter() - begin, lags, client_lags, answered_ms, cpu) | {
            "offered_per_s": rate,
            "errors": self.take_errors(),
        }

    async def closed_loop(self) -> dict[str, Any]:
        count = self.args.count
        pupils = await self.pupils(count)
        accepted: dict[str, float] = {}
        answered_ms: list[float] = []
        numbers = iter(range(count))

        async def client() -> None:
            for n in numbers:
                await self.record(pupils[n % len(pupils)], n, accepted, answered_ms)

        meter = CpuMeter(self.args.cpu_pids)
        meter.start()
        begin = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(self.args.concurrency)))
        recording = time.perf_counter() - begin
        lags, client_lags = await self.visible(accepted)
        cpu = meter.stop()
        await self.check_chronologies(pupils, accepted)
        return summary(count, recording, lags, client_lags, answered_ms, cpu) | {
            "concurrency": self.args.concurrency,
            "accepted_per_s": round(len(accepted) / recording, 1),
            "errors": self.take_errors(),
        }


def summary(
    signals: int,
    seconds: float,
    lags: list[float],
    client_lags: list[float],
    answered_ms: list[float],
    cpu: dict[str, float],
) -> dict[str, Any]:
    return {
        "signals": signals,
        "seconds": round(seconds, 2),
        "visible_ms": {q: round(percentile(lags, v), 1) for q, v in (("p50", 0.5), ("p99", 0.99))}
        | {"max": round(max(lags, default=0.0), 1), "min": round(min(lags, default=0.0), 1)},
        "visible_after_client_2xx_ms": {
            q: round(percentile(client_lags, v), 1) for q, v in (("p50", 0.5), ("p99", 0.99))
        }
        | {"min": round(min(client_lags, default=0.0), 1)},
        "answered_ms": {q: round(percentile(answered_ms, v), 1) for q, v in (("p50", 0.5), ("p99", 0.99))},
        "accepted": len(lags),
        "cpu_ms_per_signal": round(sum(cpu.values()) * 1000 / max(1, len(lags)), 2),
        "cpu_ms_per_signal_by_process": {
            k: round(v * 1000 / max(1, len(lags)), 2) for k, v in sorted(cpu.items())
        },
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    if args.database_url:
        figures["floor"] = await measure_floor(
            args.database_url, rate=args.rate, duration=args.floor_duration
        )
    # idle connections are let go before uvicorn's keep-alive (5 s) closes them under a request
    connector = aiohttp.TCPConnector(limit=max(args.concurrency, 64) + 4, keepalive_timeout=2.0)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=30), raise_for_status=False
    ) as http:
        bench = Bench(args, http)
        if args.mode in ("open", "both"):
            figures["open_loop"] = await bench.open_loop()
        if args.mode in ("closed", "both"):
            figures["closed_loop"] = await bench.closed_loop()
    flat: dict[str, Any] = {}
    if "open_loop" in figures:
        flat[f"e2e_p50_ms_at_{args.rate:g}"] = figures["open_loop"]["visible_ms"]["p50"]
        flat[f"e2e_p99_ms_at_{args.rate:g}"] = figures["open_loop"]["visible_ms"]["p99"]
        flat["cpu_ms_per_signal_at_rate"] = figures["open_loop"]["cpu_ms_per_signal"]
    if "closed_loop" in figures:
        flat["e2e_saturation_per_s"] = figures["closed_loop"]["accepted_per_s"]
        flat["e2e_saturation_p99_ms"] = figures["closed_loop"]["visible_ms"]["p99"]
        flat["cpu_ms_per_signal"] = figures["closed_loop"]["cpu_ms_per_signal"]
    if "floor" in figures:
        flat["floor_p50_ms"] = figures["floor"]["floor_p50_ms"]
        flat["floor_p99_ms"] = figures["floor"]["floor_p99_ms"]
        if "open_loop" in figures and figures["floor"]["floor_p50_ms"] > 0:
            flat["e2e_p50_vs_floor"] = round(
                figures["open_loop"]["visible_ms"]["p50"] / figures["floor"]["floor_p50_ms"], 2
            )
    return flat | figures


def argument_parser(description: str | None = __doc__) -> argparse.ArgumentParser:
    """The bench's arguments; bench/replication_cost.py takes the same ones and a few of its own."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    for name in ("signals", "casework", "notifications", "reporting", "issuer-key"):
        parser.add_argument(f"--{name}", required=name in ("signals", "reporting", "issuer-key"))
    parser.add_argument(
        "--reporting-database-url",
        default=os.environ.get("REPORTING_DATABASE_URL"),
        help="reporting's database (its processed_events and chronology); default REPORTING_DATABASE_URL",
    )
    parser.add_argument(
        "--database-url", help="a PostgreSQL for the floor's scratch database (no floor without)"
    )
    parser.add_argument("--mode", choices=("open", "closed", "both"), default="both")
    parser.add_argument("--rate", type=float, default=50.0, help="open loop: signals offered per second")
    parser.add_argument("--duration", type=float, default=20.0, help="open loop: seconds")
    parser.add_argument("--floor-duration", type=float, default=10.0)
    parser.add_argument("--count", type=int, default=1000, help="closed loop: signals")
    parser.add_argument("--concurrency", type=int, default=8, help="closed loop: clients")
    parser.add_argument("--per-pupil", type=int, default=50, help="signals per pupil (chronology size)")
    parser.add_argument(
        "--cpu-pids",
        type=lambda text: [int(p) for p in text.split(",") if p],
        default=[],
        help="comma-separated pids whose process trees are the suite (this client is always counted)",
    )
    parser.add_argument("--timeout", type=float, default=300)
    return parser


def main() -> int:
    parser = argument_parser()
    args = parser.parse_args()
    if not args.reporting_database_url:
        parser.error("--reporting-database-url or REPORTING_DATABASE_URL is needed")
    result = uvloop.run(run(args))
    print_figures(result, args.rate)
    print(json.dumps(result))
    return 0


def print_figures(result: dict[str, Any], rate: float) -> None:
    """The figures of `run` as lines for a person (the JSON line is printed after them)."""
    if "floor" in result:
        print(
            f"floor (bare path) at {rate:g}/s: p50 {result['floor_p50_ms']} ms, p99 {result['floor_p99_ms']} ms"
        )
    if "open_loop" in result:
        o = result["open_loop"]
        print(
            f"open loop, {o['signals']} signals at {rate:g}/s: recorded -> visible p50 {o['visible_ms']['p50']} ms, "
            f"p99 {o['visible_ms']['p99']} ms; CPU {o['cpu_ms_per_signal']} ms/signal {o['cpu_ms_per_signal_by_process']}"
        )
    if "closed_loop" in result:
        c = result["closed_loop"]
        print(
            f"closed loop, {c['signals']} signals by {c['concurrency']} clients: {c['accepted_per_s']}/s accepted, "
            f"recorded -> visible p50 {c['visible_ms']['p50']} ms, p99 {c['visible_ms']['p99']} ms; "
            f"CPU {c['cpu_ms_per_signal']} ms/signal {c['cpu_ms_per_signal_by_process']}"
        )
    if "e2e_p50_vs_floor" in result:
        print(f"e2e p50 / floor p50: {result['e2e_p50_vs_floor']}")


if __name__ == "__main__":
    sys.exit(main())
