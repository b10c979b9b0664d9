"""Rule 3: whether a text meant for an anonymous advice request to Veilig Thuis names the pupil.

The check compares the text with what the school registered about the pupil: their names (given
name, family name with or without its tussenvoegsel, the full name; initials with the surname are
caught by the surname), the pupil number, and the date of birth in every common Dutch notation
(4-3-2012, 04-03-2012, 4/3/2012, 4.3.2012, 2012-03-04, 2012/03/04, 04032012, "4 maart 2012",
"4 mrt. '12", with a two-digit year where the order is unambiguous: day first). Names compare
case- and diacritics-insensitively ("Zoë" is "zoe") on word boundaries.

Dates are found by reading every date-like expression in the text and comparing its value, rather
than by listing spellings of the one date: a notation nobody listed is still read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

_TUSSENVOEGSELS = frozenset(
    [
        "van",
        "de",
        "der",
        "den",
        "het",
        "'t",
        "ter",
        "ten",
        "te",
        "in",
        "op",
        "aan",
        "bij",
        "uit",
        "voor",
        "la",
        "le",
        "du",
        "des",
        "da",
        "di",
        "del",
        "dos",
        "el",
    ]
)

_MONTHS = {
    "januari": 1, "jan": 1,
    "februari": 2, "feb": 2, "febr": 2,
    "maart": 3, "mrt": 3, "mar": 3, "maa": 3,
    "april": 4, "apr": 4,
    "mei": 5,
    "juni": 6, "jun": 6,
    "juli": 7, "jul": 7,
    "augustus": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip

_YEAR = r"(?:'|’)?\d{2}(?!\d)|\d{4}(?!\d)"
_NUMERIC_DAY_FIRST = re.compile(rf"(?<![\d.,])(\d{{1,2}})\s*([-/.])\s*(\d{{1,2}})\s*\2\s*({_YEAR})")
_NUMERIC_YEAR_FIRST = re.compile(r"(?<![\d.,])(\d{4})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?!\d)")
_COMPACT = re.compile(r"(?<!\d)(\d{8})(?!\d)")
_WRITTEN = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:e|ste|de)?\s+({'|'.join(sorted(_MONTHS, key=len, reverse=True))})\b\.?"
    rf"\s*,?\s*({_YEAR})"
)


@dataclass(frozen=True)
class RegisteredPupil:
    """What the school registered about the pupil, as far as it could identify them in a text."""

    given_name: str
    family_name: str
    pupil_number: str
    date_of_birth: date | None


def identifies_pupil(text: str, pupil: RegisteredPupil) -> bool:
    """Whether `text` names the pupil: a registered name, the pupil number or the date of birth."""
    folded = _fold(text)
    if any(_contains_phrase(folded, phrase) for phrase in _name_phrases(pupil)):
        return True
    number = _fold(pupil.pupil_number)
    if len(number) >= 2 and _contains_phrase(folded, number):
        return True
    return pupil.date_of_birth is not None and pupil.date_of_birth in dates_in(folded)


def dates_in(text: str) -> set[date]:
    """Every date written in `text` in a common Dutch notation (invalid dates are skipped)."""
    found: set[date] = set()
    folded = _fold(text)
    for m in _NUMERIC_DAY_FIRST.finditer(folded):
        _add(found, _year(m.group(4)), m.group(3), m.group(1))
    for m in _NUMERIC_YEAR_FIRST.finditer(folded):
        _add(found, m.group(1), m.group(3), m.group(4))
    for m in _COMPACT.finditer(folded):
        digits = m.group(1)
        _add(found, digits[4:], digits[2:4], digits[:2])  # ddmmyyyy
        _add(found, digits[:4], digits[4:6], digits[6:])  # yyyymmdd
    for m in _WRITTEN.finditer(folded):
        _add(found, _year(m.group(3)), str(_MONTHS[m.group(2)]), m.group(1))
    return found


def _year(text: str) -> str:
    digits = text.lstrip("'’")
    # A two-digit year of a pupil's birth: this century (pupils are children; a parent's date of
    # birth written the same way is not the pupil's and does not match the pupil's full date).
    return f"20{digits}" if len(digits) == 2 else digits


def _add(found: set[date], year: str, month: str, day: str) -> None:
    try:
        found.add(date(int(year), int(month), int(day)))
    except ValueError:
        return


def _name_phrases(pupil: RegisteredPupil) -> set[str]:
    """The full name, the given name, the family name, and each of their parts except a
    tussenvoegsel: "Zoë van der Berg-Visser" is named by "Zoe", "Berg", "Visser", "v.d. Berg"."""
    given, family = _fold(pupil.given_name), _fold(pupil.family_name)
    parts = {w for w in re.split(r"[\s-]+", f"{given} {family}") if w not in _TUSSENVOEGSELS}
    phrases = {given, family, f"{given} {family}", *parts}
    return {p for p in phrases if len(p.strip()) >= 2}


def _contains_phrase(folded_text: str, folded_phrase: str) -> bool:
    words = [re.escape(w) for w in folded_phrase.split()]
    pattern = r"[\s.]+".join(words)
    return re.search(rf"(?<!\w){pattern}(?!\w)", folded_text) is not None


def _fold(text: str) -> str:
    """Lower case without diacritics ("Zoë" -> "zoe"), so spellings compare alike."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
