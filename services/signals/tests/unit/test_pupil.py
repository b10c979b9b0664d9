"""Registering pupils under a pseudonymous id, without any I/O."""

from datetime import date

import pytest

from signals.domain.errors import DateOfBirthInvalid
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
