"""Dutch calendar days: the one account of "which day is it" for every service, the portal and the tests.

Timestamps stay in UTC everywhere. A *day*, however, is the day Dutch schools live: an observation
cannot lie in the future, feedback cannot be dated before the report, a task is due at the end of a
day, an audit log is asked for per day. Between midnight and 01:00/02:00 Dutch time the UTC date is
still yesterday, so a UTC date would refuse a teacher's "today" for an hour or two each night.
Dates are taken in Europe/Amsterdam; `tzdata` is a locked dependency, so every machine (and every
replay) uses the same rules.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

DUTCH_TIME: Final = ZoneInfo("Europe/Amsterdam")


def dutch_date(moment: datetime) -> date:
    """The calendar day in the Netherlands at `moment` (a timezone-aware datetime)."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    return moment.astimezone(DUTCH_TIME).date()


def dutch_today(now: datetime | None = None) -> date:
    """The calendar day in the Netherlands at `now` (default: this instant)."""
    return dutch_date(now or datetime.now(UTC))


def dutch_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The start of `day` in the Netherlands and the start of the next day, both in UTC."""
    start = datetime.combine(day, time(0), DUTCH_TIME)
    end = datetime.combine(day + timedelta(days=1), time(0), DUTCH_TIME)
    return start.astimezone(UTC), end.astimezone(UTC)


def end_of_dutch_day(day: date) -> datetime:
    """The end of `day` in the Netherlands (the local midnight after it), in UTC."""
    return dutch_day_bounds(day)[1]


def day_due(deadline: datetime) -> date:
    """The last Dutch day on which something with this deadline is on time: for the end of a day
    (`end_of_dutch_day`), that day itself."""
    return dutch_date(deadline - timedelta(seconds=1))
