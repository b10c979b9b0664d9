"""Registering pupils under a pseudonymous id, without any I/O."""

from datetime import date

import pytest

from signals.domain.errors import (
    DateOfBirthInvalid,
    DestinationIsOwnSchool,
    PupilAlreadyDeregistered,
    PupilLeftOnInFuture,
    PupilNoLongerAtSchool,
)
from signals.domain.pupil import Pupil, PupilNumberIndex


def register(dob: date) -> Pupil:
    return Pupil.register(
        tenant="swv-zuid",
        school="12AB",
        pupil_number=" 1001 ",
        given_name="Sanne",
        family_name="Jansen",
        date_of_birth=dob,
        today=date(2026, 11, 29),
        actor_id="ib-1",
        actor_role="intern_begeleider",
        correlation_id="c",
    )


def test_a_registered_pupil_gets_a_random_id_unrelated_to_the_pupil_number() -> None:
    first, second = register(date(2014, 3, 2)), register(date(2014, 3, 2))
    assert first.id != second.id
    assert first.pupil_number == "1001"


def test_the_same_pupil_number_at_the_same_school_maps_to_one_index() -> None:
    assert PupilNumberIndex.create_id("swv-zuid", "12AB", "1001") == PupilNumberIndex.create_id(
        "swv-zuid", "12AB", " 1001"
    )
    assert PupilNumberIndex.create_id("swv-zuid", "12AB", "1001") != PupilNumberIndex.create_id(
        "swv-zuid", "34CD", "1001"
    )


@pytest.mark.parametrize("dob", [date(2026, 11, 29), date(2030, 1, 1), date(1980, 1, 1)])
def test_an_impossible_date_of_birth_is_refused(dob: date) -> None:
    with pytest.raises(DateOfBirthInvalid):
        register(dob)


def deregister(pupil: Pupil, left_on: date, destination: str | None = "34CD") -> None:
    pupil.deregister(
        left_on=left_on,
        destination_school=destination,
        today=date(2026, 11, 29),
        actor_id="ib-1",
        actor_role="intern_begeleider",
        correlation_id="c",
    )


def test_a_deregistered_pupil_keeps_the_day_they_left_and_the_new_school() -> None:
    pupil = register(date(2014, 3, 2))
    deregister(pupil, date(2026, 11, 27))
    assert (pupil.left_on, pupil.destination_school) == (date(2026, 11, 27), "34CD")
    [event] = pupil.collect_events()[1:]
    assert isinstance(event, Pupil.Deregistered)
    assert (event.tenant, event.school) == ("swv-zuid", "12AB")


def test_a_pupil_is_not_deregistered_ahead_of_the_day_they_leave() -> None:
    with pytest.raises(PupilLeftOnInFuture) as refused:
        deregister(register(date(2014, 3, 2)), date(2026, 11, 30))
    assert refused.value.rule == "rule-14-left-on-not-in-future"


def test_a_pupil_is_deregistered_once() -> None:
    pupil = register(date(2014, 3, 2))
    deregister(pupil, date(2026, 11, 27))
    with pytest.raises(PupilAlreadyDeregistered):
        deregister(pupil, date(2026, 11, 28))


def test_the_new_school_is_another_school() -> None:
    with pytest.raises(DestinationIsOwnSchool):
        deregister(register(date(2014, 3, 2)), date(2026, 11, 27), destination="12AB")


def test_after_leaving_no_signal_observed_later_is_recorded_by_the_old_school() -> None:
    pupil = register(date(2014, 3, 2))
    pupil.require_at_school_on(date(2026, 11, 28))  # still here: nothing refused
    deregister(pupil, date(2026, 11, 27))
    pupil.require_at_school_on(date(2026, 11, 27))  # observed on the last day: fine
    with pytest.raises(PupilNoLongerAtSchool):
        pupil.require_at_school_on(date(2026, 11, 28))
