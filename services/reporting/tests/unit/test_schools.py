"""The school register: names per samenwerkingsverband, checked when read."""

from __future__ import annotations

import pytest

from reporting.adapters.school_register import InvalidSchoolRegister, school_register
from reporting.domain.schools import School, schools_of


def test_the_schools_of_a_samenwerkingsverband_come_sorted_by_name_and_no_other_ones() -> None:
    register = school_register(
        {
            "swv-zuid": [{"brin": "34CD", "name": "Basisschool Het Baken"}, {"brin": "12AB", "name": "Basisschool De Regenboog"}],
            "swv-noord": [{"brin": "56EF", "name": "De Noorderschool"}],
        }
    )  # fmt: skip
    assert schools_of(register, "swv-zuid") == (
        School("12AB", "Basisschool De Regenboog"),
        School("34CD", "Basisschool Het Baken"),
    )
    assert schools_of(register, "swv-west") == ()


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"swv-zuid": [{"brin": "12AB"}]},
        {"swv-zuid": [{"brin": "geen brin", "name": "X"}]},
        {"swv-zuid": [{"brin": "12AB", "name": "A"}, {"brin": "12AB", "name": "B"}]},
        {"swv-zuid": "12AB"},
    ],
)
def test_a_malformed_register_is_refused(data: object) -> None:
    with pytest.raises(InvalidSchoolRegister):
        school_register(data)
