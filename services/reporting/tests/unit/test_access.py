"""The access log's pure parts: the Dutch calendar day as UTC instants, and what a read must log."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from meldcode_testkit.builders import Notices, at
from meldcode_vocabulary.dutch_days import dutch_day_bounds
from reporting.domain.access import AccessEntry, subjects_read
from reporting.translation import project


def test_a_dutch_winter_day_runs_from_23_00_utc_the_day_before() -> None:
    assert dutch_day_bounds(date(2026, 11, 2)) == (
        datetime(2026, 11, 1, 23, 0, tzinfo=UTC),
        datetime(2026, 11, 2, 23, 0, tzinfo=UTC),
    )


def test_the_day_the_clocks_go_back_lasts_25_hours() -> None:
    start, end = dutch_day_bounds(date(2026, 10, 25))

    assert start == datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
    assert (end - start).total_seconds() == 25 * 3600


def test_reading_entries_logs_one_access_per_distinct_pupil_or_else_per_case(notices: Notices) -> None:
    pupil, other, case = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    read = [
        notices.access(when=at(1), pupil_id=pupil),
        notices.access(when=at(2), pupil_id=pupil, case_id=case),
        notices.access(when=at(3), pupil_id=other),
        notices.access(when=at(4), case_id=case),
        notices.access(when=at(5), case_id=case),
    ]
    entries = [e for e in (project(event).access for event in read) if isinstance(e, AccessEntry)]

    logged = [(p, c) for _, p, c in subjects_read(entries)]

    assert logged == [(pupil, None), (other, None), (None, case)]
