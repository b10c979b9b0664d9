"""Calendar dates as Dutch schools live them; timestamps stay in UTC everywhere.

"Today" decides whether an observation lies in the future and how old a pupil is on the day of a
report. Between midnight and 01:00/02:00 Dutch time the UTC date is still yesterday, so dates are
taken in Europe/Amsterdam (tzdata ships with the package, so no system time-zone files are needed).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SCHOOL_TIME_ZONE = ZoneInfo("Europe/Amsterdam")


def school_today(now: datetime | None = None) -> date:
    """The calendar date in the Netherlands at `now` (default: this instant)."""
    return (now or datetime.now(UTC)).astimezone(SCHOOL_TIME_ZONE).date()
