"""The Dutch calendar day of a moment and the end of a Dutch day (a task's deadline)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from meldcode_vocabulary.dutch_days import dutch_date, dutch_day_bounds, dutch_today, end_of_dutch_day

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


def test_just_after_dutch_midnight_today_is_already_the_next_day_while_the_utc_date_is_not() -> None:
    # 23:35 UTC on 6 December is 00:35 on 7 December in the Netherlands: a date a user types "today"
    # then must be 7 December, or feedback on a report made a minute ago is "dated before the report".
    moment = datetime(2026, 12, 6, 23, 35, tzinfo=UTC)
    assert moment.date() == date(2026, 12, 6)
    assert dutch_today(moment) == date(2026, 12, 7)


def test_a_dutch_day_is_23_or_25_hours_on_the_days_the_clocks_change() -> None:
    for day, hours in ((date(2026, 3, 29), 23), (date(2026, 10, 25), 25), (MONDAY, 24)):
        start, end = dutch_day_bounds(day)
        assert end - start == timedelta(hours=hours)
        assert start.tzinfo is UTC and end == end_of_dutch_day(day)


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        dutch_date(datetime(2026, 12, 6, 23, 35))
