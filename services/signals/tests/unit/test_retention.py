"""The retention rule (rule 16): when a pupil's personal data is due for erasure, without any I/O."""

import uuid
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signals.domain.retention import (
    TWO_YEARS,
    InvalidRetentionTerm,
    NotDue,
    RetentionCandidate,
    RetentionTerms,
    Term,
    is_due,
    retention_ends_on,
    why_not_due,
)

DEFAULT = RetentionTerms()
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
terms = st.builds(
    Term,
    years=st.integers(0, 10),
    months=st.integers(0, 30),
    days=st.integers(0, 400),
)


def left(
    left_on: date | None, *, tenant: str = "swv-zuid", erased: bool = False, open_case: bool = False
) -> RetentionCandidate:
    return RetentionCandidate(
        pupil_id=uuid.uuid4(), tenant=tenant, left_on=left_on, erased=erased, has_open_case=open_case
    )


def test_by_default_a_pupil_is_due_two_years_after_leaving_school_from_that_day_on() -> None:
    pupil = left(date(2024, 6, 30))
    assert not is_due(pupil, date(2026, 6, 29), DEFAULT)
    assert is_due(pupil, date(2026, 6, 30), DEFAULT)
    assert is_due(pupil, date(2030, 1, 1), DEFAULT)


def test_a_pupil_who_never_left_school_is_never_due() -> None:
    assert why_not_due(left(None), date(2099, 1, 1), DEFAULT) is NotDue.AT_SCHOOL


def test_an_erased_pupil_is_not_due_again() -> None:
    assert (
        why_not_due(left(date(2020, 1, 1), erased=True), date(2026, 1, 1), DEFAULT) is NotDue.ALREADY_ERASED
    )


def test_a_pupil_with_an_open_case_is_kept_after_the_term_and_due_once_it_is_closed() -> None:
    kept = left(date(2020, 1, 1), open_case=True)
    assert why_not_due(kept, date(2026, 1, 1), DEFAULT) is NotDue.CASE_OPEN
    closed = left(date(2020, 1, 1), open_case=False)
    assert is_due(closed, date(2026, 1, 1), DEFAULT)


def test_each_samenwerkingsverband_has_its_own_term_and_the_others_the_default() -> None:
    setting = RetentionTerms.parse({"default": "P1Y", "swv-noord": "P5Y", "swv-west": "P18M"})
    today = date(2026, 3, 1)
    assert is_due(left(date(2025, 3, 1), tenant="swv-zuid"), today, setting)
    assert not is_due(left(date(2025, 3, 1), tenant="swv-noord"), today, setting)
    assert is_due(left(date(2021, 3, 1), tenant="swv-noord"), today, setting)
    assert not is_due(left(date(2024, 9, 2), tenant="swv-west"), today, setting)
    assert is_due(left(date(2024, 9, 1), tenant="swv-west"), today, setting)


def test_without_a_default_in_the_setting_the_default_stays_two_years() -> None:
    setting = RetentionTerms.parse({"swv-noord": "P3Y"})
    assert setting.default == TWO_YEARS
    assert setting.term_for("swv-noord") == Term(years=3)


@pytest.mark.parametrize("text", ["P2Y", "p2y", "P18M", "P1Y6M", "P30D", "P1Y2M3D", " P2Y "])
def test_terms_are_iso_8601_durations_of_years_months_and_days(text: str) -> None:
    assert Term.parse(Term.parse(text).iso()) == Term.parse(text)


@pytest.mark.parametrize("text", ["", "P", "2Y", "PT5H", "P-1Y", "P1.5Y", "P2W", "P1000Y", "twee jaar"])
def test_anything_else_is_refused_as_a_term(text: str) -> None:
    with pytest.raises(InvalidRetentionTerm):
        Term.parse(text)


def test_a_term_ending_on_a_day_that_does_not_exist_ends_on_the_last_day_of_the_month() -> None:
    assert retention_ends_on(date(2024, 2, 29), Term(years=1)) == date(2025, 2, 28)
    assert retention_ends_on(date(2025, 1, 31), Term(months=1)) == date(2025, 2, 28)


@given(left_on=days, today=days, term=terms)
def test_never_due_while_a_case_is_open(left_on: date, today: date, term: Term) -> None:
    setting = RetentionTerms(default=term)
    assert not is_due(left(left_on, open_case=True), today, setting)


@given(left_on=days, term=terms, before=st.integers(1, 5000))
def test_never_due_before_the_term_has_passed(left_on: date, term: Term, before: int) -> None:
    today = retention_ends_on(left_on, term) - timedelta(days=before)
    assert why_not_due(left(left_on), today, RetentionTerms(default=term)) is NotDue.TERM_RUNNING


@given(left_on=days, term=terms, after=st.integers(0, 5000))
def test_due_exactly_from_the_day_the_term_ends(left_on: date, term: Term, after: int) -> None:
    ends = retention_ends_on(left_on, term)
    assert ends >= left_on
    assert is_due(left(left_on), ends + timedelta(days=after), RetentionTerms(default=term))


@given(
    tenant_term=terms,
    default_term=terms,
    left_on=days,
    today=days,
    tenant=st.sampled_from(["swv-zuid", "swv-noord"]),
)
def test_a_pupil_is_judged_by_the_term_of_its_own_samenwerkingsverband(
    tenant_term: Term, default_term: Term, left_on: date, today: date, tenant: str
) -> None:
    setting = RetentionTerms(default=default_term, per_tenant={"swv-noord": tenant_term})
    own = tenant_term if tenant == "swv-noord" else default_term
    assert is_due(left(left_on, tenant=tenant), today, setting) == (today >= own.after(left_on))


@given(left_on=days, today=days, term=terms)
def test_the_candidate_bound_never_leaves_out_a_due_pupil(left_on: date, today: date, term: Term) -> None:
    if is_due(left(left_on), today, RetentionTerms(default=term)):
        assert left_on <= term.latest_due_left_on(today)
