"""`make bench`'s one line: the figures of issue 18 taken from the benches' last JSON lines (no I/O
beyond a temporary folder; bench/summary.py is a script, loaded from its file)."""

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
