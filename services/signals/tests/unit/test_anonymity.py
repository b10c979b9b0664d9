"""Rule 3: what names a pupil in the text of an anonymous advice request (no I/O)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signals.domain.anonymity import RegisteredPupil, dates_in, identifies_pupil

ZOE = RegisteredPupil(
    given_name="Zoë", family_name="van der Visser", pupil_number="L-2044", date_of_birth=date(2012, 3, 4)
)

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december"]  # fmt: skip
SHORT = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def notations(day: date, pad_day: bool, pad_month: bool, separator: str, month_case: str) -> list[str]:
    """Every common Dutch way to write `day`, with the given choices of padding and separator."""
    d = f"{day.day:02d}" if pad_day else str(day.day)
    m = f"{day.month:02d}" if pad_month else str(day.month)
    y, yy = str(day.year), f"{day.year % 100:02d}"
    long, short = MONTHS[day.month - 1], SHORT[day.month - 1]
    written = [f"{d} {long} {y}", f"{d} {short} {y}", f"{d} {short}. {y}", f"{d} {long} '{yy}"]
    return [
        f"{d}{separator}{m}{separator}{y}",
        f"{y}{separator}{m}{separator}{d}",
        f"{d}{separator}{m}{separator}{yy}",
        f"{day.day:02d}{day.month:02d}{y}",
        *(getattr(w, month_case)() for w in written),
    ]


choices = st.tuples(
    st.booleans(),
    st.booleans(),
    st.sampled_from(["-", "/", ".", " - "]),
    st.sampled_from(["lower", "title", "upper"]),
)
born = st.dates(min_value=date(2005, 1, 1), max_value=date(2022, 12, 31))


@pytest.mark.parametrize(
    "text",
    ["geboren 4 maart 2012", "geboren 4-3-2012", "geboren 2012/03/04", "geboren 4 mrt '12", "geboren 04.03.2012",
     "geboren 4 maart ’12", "op 4e maart 2012 geboren", "geboren 4-3-12", "geboren 20120304"],
)  # fmt: skip
def test_the_notations_the_walk_through_found_name_the_pupil(text: str) -> None:
    assert identifies_pupil(text, ZOE)


@given(born, choices, st.data())
def test_every_common_notation_of_the_date_of_birth_names_the_pupil(
    birthday: date, choice: tuple[bool, bool, str, str], data: st.DataObject
) -> None:
    pupil = RegisteredPupil(
        given_name="Zoë", family_name="Visser", pupil_number="L-1", date_of_birth=birthday
    )
    written = data.draw(st.sampled_from(notations(birthday, *choice)))
    assert identifies_pupil(f"Het kind, geboren {written}, vertelt over thuis.", pupil), written


@given(born, st.integers(min_value=1, max_value=4000), choices, st.data())
def test_another_date_in_any_notation_does_not_name_the_pupil(
    birthday: date, days: int, choice: tuple[bool, bool, str, str], data: st.DataObject
) -> None:
    pupil = RegisteredPupil(
        given_name="Zoë", family_name="Visser", pupil_number="L-1", date_of_birth=birthday
    )
    other = birthday + timedelta(days=days)
    written = data.draw(st.sampled_from(notations(other, *choice)))
    assert other in dates_in(written), written
    assert not identifies_pupil(f"Op {written} kwam het kind met letsel op school.", pupil), written


@pytest.mark.parametrize(
    "text",
    ["Zoë heeft letsel", "zoe heeft letsel", "ZOE heeft letsel", "Z. Visser heeft letsel",
     "Z.van der Visser heeft letsel", "Zoe van der Visser", "de familie Visser", "Z. v.d. Visser",
     "leerling L-2044", "leerling l-2044"],
)  # fmt: skip
def test_the_registered_names_and_number_name_the_pupil_in_any_case_and_spelling(text: str) -> None:
    assert identifies_pupil(text, ZOE)


def test_each_part_of_a_double_family_name_names_the_pupil() -> None:
    pupil = RegisteredPupil(
        given_name="Anna Maria", family_name="Jansen-de Vries", pupil_number="9", date_of_birth=None
    )
    for text in ("Anna heeft letsel", "Maria heeft letsel", "A.M. Jansen", "mevrouw de Vries belde"):
        assert identifies_pupil(text, pupil), text


@pytest.mark.parametrize(
    "text",
    ["Meisje van 13 met herhaald letsel.", "Zoeken naar een oplossing met de visserijschool.",
     "Sinds 4 maart is zij stil.", "Op 4-3-2013 zagen we letsel.", "Om 14.30 uur kwam zij binnen.",
     "Zij is 12 jaar.", "Versie 1.2.3 van het protocol."],
)  # fmt: skip
def test_a_text_without_the_pupils_names_number_or_date_of_birth_is_anonymous(text: str) -> None:
    assert not identifies_pupil(text, ZOE)
