"""Working days and Dutch calendar days, for deadlines computed from event times (never the clock).

A deadline that falls on a day is the *end* of that day in the Netherlands: the local midnight that
follows it, stored in UTC. Dutch local time is computed with the EU summer-time rule (CET, UTC+1;
CEST, UTC+2 from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC), so
the rule needs no time-zone database and a replay always gives the same deadline.

Public holidays: `add_working_days` takes them as a container of dates; the service passes
`DUTCH_HOLIDAYS` (the `holidays` package, country NL: Nieuwjaarsdag, Goede Vrijdag, Pasen,
Koningsdag, Bevrijdingsdag in lustrum years, Hemelvaart, Pinksteren, Kerst). The package is a pure
calendar computation (no I/O), so a replay gives the same deadlines as long as its version does.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import UTC, date, datetime, time, timedelta

import holidays

NO_HOLIDAYS: frozenset[date] = frozenset()
"""Only weekends are skipped (for tests that need a calendar without holidays)."""


class DutchPublicHolidays:
    """The Dutch public holidays of any year, computed on first use of that year."""

    def __init__(self) -> None:
        self._years: dict[int, frozenset[date]] = {}

    def of_year(self, year: int) -> frozenset[date]:
        if year not in self._years:
            self._years[year] = frozenset(holidays.country_holidays("NL", years=year).keys())
        return self._years[year]

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and day in self.of_year(day.year)


DUTCH_HOLIDAYS = DutchPublicHolidays()

WINTER = timedelta(hours=1)
SUMMER = timedelta(hours=2)


def is_working_day(day: date, holidays: Container[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, n: int, holidays: Container[date]) -> date:
    """The `n`th working day after `start` (`start` itself does not count); n = 0 gives `start`.

    Friday + 5 is the next Friday; Saturday + 1 is the Monday after (unless it is a holiday).
    """
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    remaining = n
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            remaining -= 1
    return day


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


def working_days_deadline(at: datetime, n: int, holidays: Container[date]) -> datetime:
    """The end of the `n`th Dutch working day after the day on which `at` happened."""
    return end_of_dutch_day(add_working_days(dutch_date(at), n, holidays))
