"""The Dutch calendar day of a moment and the end of a Dutch day (a task's deadline)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest

from notifications.domain.dutch_days import dutch_date, end_of_dutch_day

FRIDAY = date(2026, 11, 6)
MONDAY = date(2026, 11, 9)


def test_the_day_of_an_event_is_the_dutch_calendar_day() -> None:
    # Sunday 23:30 UTC in winter is already Monday in the Netherlands.
    assert dutch_date(datetime(2026, 11, 8, 23, 30, tzinfo=UTC)) == MONDAY
    # Summer time: 22:30 UTC is 00:30 the next day.
    assert dutch_date(datetime(2026, 6, 1, 22, 30, tzinfo=UTC)) == date(2026, 6, 2)


def test_the_end_of_a_dutch_day_is_the_local_midnight_after_it_in_utc() -> None:
    assert end_of_dutch_day(MONDAY) == datetime(2026, 11, 9, 23, 0, tzinfo=UTC)
    assert end_of_dutch_day(date(2026, 6, 1)) == datetime(2026, 6, 1, 22, 0, tzinfo=UTC)
    # The days on which summer time starts and ends.
    assert end_of_dutch_day(date(2026, 3, 28)) == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert end_of_dutch_day(date(2026, 3, 29)) == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    assert end_of_dutch_day(date(2026, 10, 24)) == datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
    assert end_of_dutch_day(date(2026, 10, 25)) == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)


def test_the_dutch_day_agrees_with_the_time_zone_database_all_year() -> None:
    try:
        amsterdam = ZoneInfo("Europe/Amsterdam")
    except ZoneInfoNotFoundError:  # pragma: no cover - only without a time-zone database
        pytest.skip("no time-zone database")
    day = date(2025, 1, 1)
    while day < date(2028, 1, 1):
        expected = datetime.combine(day + timedelta(days=1), datetime.min.time(), amsterdam).astimezone(UTC)
        assert end_of_dutch_day(day) == expected, day
        for hour in (0, 1, 2, 21, 22, 23):
            moment = datetime.combine(day, datetime.min.time(), UTC).replace(hour=hour)
            assert dutch_date(moment) == moment.astimezone(amsterdam).date(), moment
        day += timedelta(days=1)
