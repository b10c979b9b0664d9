"""Every bench runs: each one as a subprocess with tiny sizes against the session's Kafka and
PostgreSQL, exiting 0 with one JSON object as its last line. They measure nothing here (no timed
tests); they only stay runnable, so a change that breaks a bench is seen at once.

bench/faults.py is left out: it starts a PostgreSQL, a key-store PostgreSQL and a Kafka of its own
and runs minutes per fault; tests/faults runs the same harness (meldcode_testkit.faults).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from meldcode_testkit import Infrastructure, Suite

pytestmark = pytest.mark.infra

REPO_ROOT = Path(__file__).resolve().parents[2]
BENCH = REPO_ROOT / "bench"


def run_bench(script: str, *args: str, infra: Infrastructure) -> dict[str, Any]:
    """Run bench/<script> with the session's Kafka and PostgreSQL; its last line as JSON."""
    result = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        cwd=REPO_ROOT,
        env={
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": infra.kafka,
            "MELDCODE_DATABASE_URL": infra.postgres_url,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert isinstance(figures, dict)
    return figures


def test_reporting_rebuild_replays_every_event(infrastructure: Infrastructure) -> None:
    figures = run_bench("reporting_rebuild.py", "--events", "200", "--workers", "1", infra=infrastructure)
    assert figures["events"] == 200
    assert figures["rebuild_per_s"] > 0 and figures["raw_read_per_s"] > 0
    assert figures["workers"] == figures["rebuild_workers"] == 1
    assert figures["kafka_read_per_s"] > 0 and figures["kafka_parse_per_s"] > 0
    assert figures["parse_floor_ratio"] == pytest.approx(
        figures["kafka_parse_per_s"] / figures["raw_read_per_s"], rel=1e-3
    )


def test_reporting_rebuild_replays_every_event_in_worker_processes(infrastructure: Infrastructure) -> None:
    figures = run_bench("reporting_rebuild.py", "--events", "200", "--workers", "2", infra=infrastructure)
    assert figures["events"] == 200
    assert figures["workers"] == figures["rebuild_workers"] == 2
    assert figures["rebuild_per_s"] > 0 and figures["rebuild_cpu_us_per_event"] > 0


def test_casework_rehydration_runs(infrastructure: Infrastructure) -> None:
    figures = run_bench(
        "casework_rehydration.py",
        "--case-sizes",
        "10,60",
        "--commands",
        "8",
        "--repeat",
        "2",
        infra=infrastructure,
    )
    assert set(figures["rehydration_ms"]) == {"10", "60"}
    assert set(figures["commands_per_second"]) == {"one_case_sequential", "eight_cases_in_parallel"}
    assert set(figures["load_ms"]) == {"10", "60", "typical"} and figures["load_ratio_case_events"] == "60-64"
    assert figures["load_ratio"] == figures["load_ms"]["typical"]["ratio"] > 0


def test_encryption_cost_runs(infrastructure: Infrastructure) -> None:
    figures = run_bench(
        "encryption_cost.py", "--signals", "10", "--pupils", "2", "--loop", "20", infra=infrastructure
    )
    assert figures["signals"] == 10
    assert figures["contract_event_us"]["sealed_bytes"] > figures["contract_event_us"]["plain_bytes"]


def test_anchors_run(infrastructure: Infrastructure) -> None:
    figures = run_bench("anchors.py", "--insert-rows", "20", "--read-rows", "300", infra=infrastructure)
    assert figures["raw_insert_per_s"] > 0 and figures["raw_read_rows_per_s"] > 0


def test_floor_runs(infrastructure: Infrastructure) -> None:
    figures = run_bench("floor.py", "--rate", "20", "--duration", "0.5", infra=infrastructure)
    assert figures["floor_messages"] == 10
    assert figures["floor_p99_ms"] >= figures["floor_p50_ms"] > 0


def test_write_path_compares_both_applications_with_the_raw_insert(infrastructure: Infrastructure) -> None:
    figures = run_bench(
        "write_path.py",
        "--signals",
        "10",
        "--pupils",
        "2",
        "--commands",
        "6",
        "--cases",
        "2",
        "--raw",
        "20",
        infra=infrastructure,
    )
    assert figures["signals"] == 10 and figures["commands"] == 6
    assert figures["raw_insert_per_s"] > 0
    assert figures["append_ratio"] > 0 and figures["command_append_ratio"] > 0
    assert figures["command_with_load_append_ratio"] > 0


async def test_signal_latency_sees_every_signal_in_the_chronology(suite: Suite) -> None:
    urls = []
    for name in ("signals", "casework", "notifications", "reporting"):
        urls += [f"--{name}", (await suite.service(name)).url]
    pids = [str(service.process.pid) for service in suite.services.values() if service.process is not None]
    figures = await asyncio.to_thread(
        run_bench,
        "signal_latency.py",
        *urls,
        "--issuer-key",
        str(suite.infra.keys_dir / "issuer.key"),
        "--reporting-database-url",
        suite.services["reporting"].env["REPORTING_DATABASE_URL"],
        "--database-url",
        suite.infra.postgres_url,
        "--rate",
        "20",
        "--duration",
        "0.5",
        "--floor-duration",
        "0.5",
        "--count",
        "12",
        "--per-pupil",
        "5",
        "--concurrency",
        "4",
        "--cpu-pids",
        ",".join(pids),
        "--timeout",
        "60",
        infra=suite.infra,
    )
    assert figures["open_loop"]["signals"] == 10 and figures["closed_loop"]["signals"] == 12
    for key in (
        "e2e_p99_ms_at_20",
        "e2e_saturation_per_s",
        "cpu_ms_per_signal",
        "floor_p50_ms",
        "e2e_p50_vs_floor",
    ):
        assert key in figures, key
    by_process = figures["closed_loop"]["cpu_ms_per_signal_by_process"]
    assert {"signals", "reporting", "bench_client"} <= set(by_process)
    assert figures["closed_loop"]["visible_ms"]["max"] >= figures["closed_loop"]["visible_ms"]["p50"]


def test_relay_latency_sees_every_event_through_relay_and_consumer(infrastructure: Infrastructure) -> None:
    figures = run_bench("relay_latency.py", "--events", "3", "--interval-ms", "10", infra=infrastructure)
    assert figures["events"] == 3
    assert figures["raw_roundtrip_ms"]["max"] >= figures["raw_roundtrip_ms"]["p50"] > 0
    for name in ("before", "after"):
        assert set(figures[name]) == {
            "written_to_kafka",
            "kafka_to_consumed",
            "written_to_consumed",
            "p50_vs_raw",
        }
