"""Filtering a school's case list: by pupil name, step, casushouder and overdue obligations."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from reporting.domain.case_filter import EVERY_CASE, CaseFilter
from reporting.domain.cases import CaseRow, Obligation, SchoolCase

TODAY = date(2026, 11, 20)


def a_case(
    name: str | None, *, step: str = "weging", owner: str = "ib-bram", due: date | None = None
) -> SchoolCase:
    at = datetime(2026, 11, 2, 9, tzinfo=UTC)
    row = CaseRow(
        case_id=uuid.uuid4(),
        tenant="swv-zuid",
        school="12AB",
        pupil_id=uuid.uuid4(),
        step=step,
        case_owner_id=owner,
        signal_ids=(),
        opened_at=at,
        last_event_at=at,
        obligations=(Obligation("besluit", due),) if due else (),
    )
    return SchoolCase(case=row, pupil_display_name=name)


SANNE = a_case("Sanne Jansen", step="besluit", due=date(2026, 11, 19))
ZOE = a_case("Zoë Visser", owner="ib-eva", due=date(2026, 11, 20))
UNKNOWN = a_case(None, step="geopend")
ALL = [SANNE, ZOE, UNKNOWN]


def admitted(chosen: CaseFilter) -> list[SchoolCase]:
    return [c for c in ALL if chosen.admits(c, TODAY)]


def test_no_filter_admits_every_case() -> None:
    assert admitted(EVERY_CASE) == ALL


def test_the_pupil_filter_matches_part_of_the_name_ignoring_case_and_never_an_unknown_name() -> None:
    assert admitted(CaseFilter(pupil="zoë")) == [ZOE]
    assert admitted(CaseFilter(pupil="SEN")) == [SANNE]


def test_step_and_casushouder_must_match_exactly() -> None:
    assert admitted(CaseFilter(step="besluit")) == [SANNE]
    assert admitted(CaseFilter(case_owner_id="ib-eva")) == [ZOE]
    assert admitted(CaseFilter(step="besluit", case_owner_id="ib-eva")) == []


def test_over_time_means_a_due_day_has_passed_not_that_it_is_today() -> None:
    assert admitted(CaseFilter(overdue_only=True)) == [SANNE]
