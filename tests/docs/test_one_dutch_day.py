"""One account of "today": every service, the portal, the test kit, the tests and the benches take a
calendar day from `meldcode_vocabulary.dutch_days`, never from the UTC date or the machine's zone.

A UTC date is yesterday in the Netherlands between midnight and 01:00/02:00; a walk through a case
that dated its feedback by the UTC date while casework dated the report by the Dutch day was refused
("feedback dated before the report") once a night, and failed CI at 00:30 Dutch time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from meldcode_testkit import REPO_ROOT

TREES = ("contracts", "libs", "services", "tools", "web", "tests", "bench")
THE_ONE_CALENDAR = REPO_ROOT / "libs/vocabulary/src/meldcode_vocabulary/dutch_days.py"
# A calendar day from a UTC instant, the machine's local zone, or a second copy of the Dutch zone.
OTHER_DAYS = re.compile(
    r"datetime\.now\(\s*(UTC|timezone\.utc|tz=UTC)?\s*\)\.date\(\)"
    r"|\bdate\.today\(\)"
    r"|datetime\.utcnow\(\)"
    r'|ZoneInfo\(\s*"Europe/Amsterdam"\s*\)'
)


def python_files() -> Iterator[Path]:
    for tree in TREES:
        for path in (REPO_ROOT / tree).rglob("*.py"):
            if not {".venv", "node_modules", "__pycache__"} & set(path.parts) and path != THE_ONE_CALENDAR:
                yield path


def test_no_code_takes_a_calendar_day_from_utc_or_keeps_its_own_dutch_zone() -> None:
    found = [
        f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()}"
        for path in python_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if OTHER_DAYS.search(line) and "test_one_dutch_day" not in path.name
    ]
    assert not found, "take the day from meldcode_vocabulary.dutch_days instead:\n" + "\n".join(found)
