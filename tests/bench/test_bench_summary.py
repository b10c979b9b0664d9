"""`make bench`'s one line: the figures of issues 18 and 19 taken from the benches' last JSON lines
(no I/O beyond a temporary folder; the benches are scripts, loaded from their files)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_the_summary_takes_the_named_figures_and_leaves_out_what_no_bench_printed(tmp_path: Path) -> None:
    summary = load("summary")
    (tmp_path / "signal_latency.out").write_text(
        "human line\n"
        + json.dumps({"e2e_p99_ms_at_50": 80.0, "cpu_ms_per_signal": 7.5, "open_loop": {}})
        + "\n"
    )
    (tmp_path / "anchors.out").write_text(json.dumps({"raw_insert_per_s": 1800.0}) + "\n")
    (tmp_path / "reporting_rebuild.failed").write_text(json.dumps({"rebuild_ratio": 0.3}) + "\n")
    (tmp_path / "broken.out").write_text("no figures here\n")

    figures = summary.summarise(tmp_path, {"kafka_auth": "scram"})

    assert figures["e2e_p99_ms_at_50"] == 80.0 and figures["raw_insert_per_s"] == 1800.0
    assert "rebuild_ratio" not in figures and "append_ratio" not in figures
    assert figures["kafka_auth"] == "scram"
    assert set(figures["benches"]) == {"signal_latency", "anchors"}


def test_the_three_node_figures_stand_beside_the_one_node_ones_of_the_same_run(tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCH))  # replication_cost imports its sibling benches, as when run
    try:
        replication_cost = load("replication_cost")
    finally:
        sys.path.remove(str(BENCH))
    rf1 = {
        "e2e_p50_ms_at_50": 20.0,
        "e2e_p99_ms_at_50": 80.0,
        "e2e_saturation_per_s": 200.0,
        "floor_p50_ms": 5.0,
        "cpu_ms_per_signal": 8.0,
        "e2e_p50_vs_floor": 4.0,
    }
    rf3 = {
        "e2e_p50_ms_at_50": 30.0,
        "e2e_p99_ms_at_50": 100.0,
        "e2e_saturation_per_s": 150.0,
        "floor_p50_ms": 10.0,
        "cpu_ms_per_signal": 10.0,
        "e2e_p50_vs_floor": 3.0,
        "open_loop": {"visible_ms": {"p50": 30.0}},
    }

    figures = replication_cost.compare(rf1, rf3, 50.0)

    assert figures["rf3_e2e_p99_ms_at_50"] == 100.0 and figures["rf3_e2e_p50_vs_floor"] == 3.0
    assert figures["rf3_over_rf1_p50"] == 1.5 and figures["rf3_over_rf1_p99"] == 1.25
    assert figures["rf3_over_rf1_saturation"] == 0.75 and figures["rf3_over_rf1_floor_p50"] == 2.0
    assert figures["rf3_over_rf1_cpu"] == 1.25
    assert "rf3_over_rf1_e2e_p50_vs_floor" not in figures and "rf3_open_loop" not in figures

    (tmp_path / "signal_latency.out").write_text(json.dumps(rf1) + "\n")
    (tmp_path / "replication_cost.out").write_text(json.dumps(figures) + "\n")
    line = load("summary").summarise(tmp_path)
    assert line["e2e_p50_ms_at_50"] == 20.0 and line["rf3_e2e_p50_ms_at_50"] == 30.0
    assert line["rf3_over_rf1_saturation"] == 0.75
