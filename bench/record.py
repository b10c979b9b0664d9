"""Append the figures of a `make bench` run to bench/RESULTS.md, one row with date, commit and machine.

    python bench/record.py <file whose last line is the JSON line of `make bench`> [note]   (make bench-record)

So the next change is compared with the last: the columns are summary.FIGURES; a figure the run
did not have is shown as "-".
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from summary import FIGURES, last_json

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{platform.node()} ({os.cpu_count()} cpu {model})".replace("|", "/")


def commit() -> str:
    found = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True
    )
    return (found.stdout.strip() or "unknown") + ("+dirty" if dirty.stdout.strip() else "")


def header() -> str:
    columns = ["date (UTC)", "commit", "machine", *FIGURES, "note"]
    return "| " + " | ".join(columns) + " |\n|" + "---|" * len(columns) + "\n"


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    figures = last_json(Path(sys.argv[1]))
    if figures is None:
        print(f"{sys.argv[1]}: its last line is no JSON object", file=sys.stderr)
        return 1
    if not RESULTS.exists() or "| date (UTC)" not in RESULTS.read_text():
        RESULTS.write_text(
            "# Bench results\n\nOne row per `make bench` run (`make bench-record`).\n\n" + header()
        )
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    cells = [now, commit(), machine(), *(str(figures.get(key, "-")) for key in FIGURES)]
    cells.append(sys.argv[2].replace("|", "/") if len(sys.argv) == 3 else "")
    with RESULTS.open("a") as results:
        results.write("| " + " | ".join(cells) + " |\n")
    print(f"appended to {RESULTS}: " + ", ".join(f"{k}={figures[k]}" for k in FIGURES if k in figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
