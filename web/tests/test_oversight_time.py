"""The auditor types Dutch wall-clock time; the services take UTC instants."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from meldcode_web.pages.oversight_time import (
    MomentError,
    ceil_to_second,
    dutch_day,
    dutch_moment,
    parse_instant,
    parse_local,
    season,
    utc_moment,
)


def test_a_winter_moment_typed_in_dutch_time_is_one_hour_ahead_of_utc() -> None:
    moment = parse_local("2026-11-29T11:00")

    assert moment.utc == datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
    assert not moment.ambiguous


def test_a_summer_moment_typed_in_dutch_time_is_two_hours_ahead_of_utc() -> None:
    moment = parse_local("2026-07-01T09:30:15")

    assert moment.utc == datetime(2026, 7, 1, 7, 30, 15, tzinfo=UTC)


def test_a_moment_in_the_spring_forward_night_does_not_exist_and_is_refused_in_dutch() -> None:
    with pytest.raises(MomentError) as refused:
        parse_local("2026-03-29T02:30")

    assert "bestaat niet in Nederland" in refused.value.message


def test_the_hour_around_the_spring_forward_gap_is_read_on_both_sides() -> None:
    assert parse_local("2026-03-29T01:59:59").utc == datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC)
    assert parse_local("2026-03-29T03:00").utc == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_a_moment_in_the_fall_back_night_takes_the_first_summer_time_occurrence_and_says_so() -> None:
    moment = parse_local("2026-10-25T02:30")

    assert moment.utc == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert moment.ambiguous
    assert season(moment.utc) == "zomertijd"


def test_a_utc_instant_is_shown_back_in_dutch_time_with_its_season() -> None:
    winter = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
    summer = datetime(2026, 7, 1, 7, 30, 15, tzinfo=UTC)

    assert dutch_moment(winter) == "29 november 2026 11:00:00"
    assert season(winter) == "wintertijd"
    assert dutch_moment("2026-07-01T07:30:15Z") == "1 juli 2026 09:30:15"
    assert season(summer) == "zomertijd"
    assert utc_moment(summer) == "01-07-2026 07:30:15 UTC"


def test_the_typed_moment_round_trips_to_the_form_field_in_dutch_time() -> None:
    assert parse_local("2026-10-25T02:30").input_value == "2026-10-25T02:30:00"
    assert parse_local("2026-11-29T11:00:05").input_value == "2026-11-29T11:00:05"


@pytest.mark.parametrize("typed", ["", "gisteren", "2026-13-01T10:00", "29-11-2026 10:00"])
def test_something_that_is_no_datetime_local_value_is_refused(typed: str) -> None:
    with pytest.raises(MomentError):
        parse_local(typed)


def test_an_exact_instant_from_a_link_keeps_its_microseconds_and_needs_a_zone() -> None:
    assert parse_instant("2026-11-29T10:00:00.123456+00:00").utc == datetime(
        2026, 11, 29, 10, 0, 0, 123456, tzinfo=UTC
    )
    assert parse_instant("2026-11-29T11:00:00+01:00").utc == datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
    with pytest.raises(MomentError):
        parse_instant("2026-11-29T10:00:00")


def test_rounding_up_to_the_second_keeps_whole_seconds() -> None:
    assert ceil_to_second(datetime(2026, 1, 1, 10, 0, 0, 1, tzinfo=UTC)) == datetime(
        2026, 1, 1, 10, 0, 1, tzinfo=UTC
    )
    assert ceil_to_second(datetime(2026, 1, 1, 10, 0, 0, tzinfo=UTC)) == datetime(
        2026, 1, 1, 10, 0, 0, tzinfo=UTC
    )


def test_a_day_is_written_the_dutch_way() -> None:
    assert dutch_day("2026-03-04") == "4 maart 2026"
    assert dutch_day(None) == ""
