"""How a task names the pupil it is about: as briefly as possible."""

import uuid

import pytest

from notifications.domain.pupils import PupilName, family_initial, pupil_display


@pytest.mark.parametrize(
    ("family_name", "initial"),
    [("Jansen", "J"), ("de Vries", "V"), ("van den Berg", "B"), ("'t Hart", "H"), ("el Amrani", "A")],
)
def test_the_family_initial_skips_the_tussenvoegsels(family_name: str, initial: str) -> None:
    assert family_initial(family_name) == initial


def test_a_family_name_in_lower_case_only_still_gives_an_initial() -> None:
    assert family_initial("van der meer") == "V"


def test_a_known_pupil_is_shown_by_given_name_and_family_initial() -> None:
    name = PupilName.from_full_name(" Sanne ", "de Vries")
    assert pupil_display(name, uuid.uuid4()) == "Sanne V."


def test_an_unknown_pupil_is_shown_by_a_short_reference_to_the_pseudonymous_id() -> None:
    pupil_id = uuid.UUID("3f2a9c1b-0000-4000-8000-000000000000")
    assert pupil_display(None, pupil_id) == "3f2a9c1b"
