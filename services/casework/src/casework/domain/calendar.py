"""The Dutch calendar of the Meldcode's terms: working days and the Dutch day of an event.

Casework alone counts working days (ADR 18); the other services read the due days it publishes.
A working day is Monday to Friday and not a Dutch public holiday (the `holidays` package, country
NL: Nieuwjaarsdag, Goede Vrijdag, Pasen, Koningsdag, Bevrijdingsdag in lustrum years, Hemelvaart,
Pinksteren, Kerst). The package is a pure calendar computation, and a due day once decided is
stored on the event, so a newer version of it never moves a due day already published.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    """The Dutch public holidays of `year`."""
    return frozenset(holidays.country_holidays("NL", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def add_working_days(start: date, n: int) -> date:
    """The `n`th Dutch working day after `start` (`start` itself does not count); n = 0 gives `start`.

    Friday + 5 is the next Friday; Saturday + 1 is the Monday after (unless that is a holiday).
    """
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    remaining = n
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
