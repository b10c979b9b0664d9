"""The one JSON line of `make bench`: every figure of issues 18 and 19 from the last lines of the benches.

    python bench/summary.py <folder with <bench>.out files> [extra JSON object]

Each <bench>.out holds a bench's output, whose last line is one JSON object. The figures named in
FIGURES are taken from wherever a bench prints them at the top level of that object; a figure no
bench printed is left out (a bench not yet written, or one that failed). Every bench's whole object
is kept under "benches".
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

# The figures of issues 18 and 19, in the order of bench/RESULTS.md's columns.
FIGURES = (
    "e2e_p99_ms_at_50",
    "e2e_p50_ms_at_50",
    "e2e_saturation_per_s",
    "e2e_saturation_p99_ms",
    "e2e_p50_vs_floor",
    "floor_p50_ms",
    "cpu_ms_per_signal",
    "cpu_ms_per_signal_at_rate",
    "append_ratio",
    "command_append_ratio",
    "load_ratio",
    "rebuild_ratio",
    "rebuild_1m_minutes",
    "raw_insert_per_s",
    "raw_read_rows_per_s",
    # issue 19: the same signal path on three Kafka nodes (bench/replication_cost.py), same run
    "rf3_e2e_p99_ms_at_50",
    "rf3_e2e_p50_ms_at_50",
    "rf3_e2e_saturation_per_s",
    "rf3_over_rf1_p50",
    "rf3_over_rf1_p99",
    "rf3_over_rf1_saturation",
    "rf3_over_rf1_floor_p50",
    # issue 18: the rebuild's worker processes and its floor, the most one process could reach of
    # rebuild_ratio (bench/reporting_rebuild.py: Kafka read + orjson.loads / raw read, same run)
    "rebuild_workers",
    "parse_floor_ratio",
)


def last_json(path: Path) -> dict[str, Any] | None:
    for line in reversed(path.read_text(errors="replace").strip().splitlines()):
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            return None
        return value if isinstance(value, dict) else None
    return None


def summarise(folder: Path, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    benches: dict[str, Any] = {}
    for out in sorted(folder.glob("*.out")):
        figures = last_json(out)
        if figures is not None:
            benches[out.stem] = figures
    summary: dict[str, Any] = {}
    for key in FIGURES:
        for figures in benches.values():
            if key in figures:
                summary[key] = figures[key]
                break
    return summary | (extra or {}) | {"benches": benches}


def main() -> int:
    extra = json.loads(sys.argv[2]) if len(sys.argv) > 2 else None
    print(json.dumps(summarise(Path(sys.argv[1]), extra)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
