"""Dutch calendar days: the day a moment falls on in the Netherlands, and the end of a day there.

The due day of a task is the one casework published (ADR 18); its deadline is the *end* of that
day in the Netherlands: the local midnight that follows it, stored in UTC. Dutch local time is
computed with the EU summer-time rule (CET, UTC+1; CEST, UTC+2 from the last Sunday of March
01:00 UTC to the last Sunday of October 01:00 UTC), so the rule needs no time-zone database and a
replay always gives the same deadline.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

WINTER = timedelta(hours=1)
SUMMER = timedelta(hours=2)


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month, 31)  # March and October both have 31 days
    return last - timedelta(days=(last.weekday() - 6) % 7)


def dutch_utc_offset(at: datetime) -> timedelta:
    """The offset of Dutch local time from UTC at the moment `at` (a UTC datetime)."""
    moment = at.astimezone(UTC)
    summer_starts = datetime.combine(_last_sunday(moment.year, 3), time(1), UTC)
    summer_ends = datetime.combine(_last_sunday(moment.year, 10), time(1), UTC)
    return SUMMER if summer_starts <= moment < summer_ends else WINTER


def dutch_date(at: datetime) -> date:
    """The calendar day in the Netherlands at the moment `at`."""
    moment = at.astimezone(UTC)
    return (moment + dutch_utc_offset(moment)).date()


def end_of_dutch_day(day: date) -> datetime:
    """The end of `day` in the Netherlands (the local midnight after it), in UTC.

    Local midnight never falls in a summer-time switch (those are at 02:00/03:00), so exactly one of
    the two offsets is right.
    """
    local_midnight = datetime.combine(day + timedelta(days=1), time(0))
    for offset in (WINTER, SUMMER):
        candidate = (local_midnight - offset).replace(tzinfo=UTC)
        if dutch_utc_offset(candidate) == offset:
            return candidate
    raise AssertionError("unreachable: local midnight always has one offset")  # pragma: no cover
