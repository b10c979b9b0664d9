"""How a task shows which pupil it is about, with as little personal data as possible.

The service keeps only a pupil's given name and the initial of the family name; the display is
computed when a task is read, so a task row never copies a name.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from meldcode_vocabulary import ERASED

SHORT_REFERENCE_LENGTH = 8


def family_initial(family_name: str) -> str:
    """The initial of the main part of a Dutch family name: "de Vries" -> "V", "Jansen" -> "J".

    Tussenvoegsels ("van", "de", "ter", "'t" ...) are written in lower case before the main part;
    the first word that starts with a capital is the one alphabetised on. Without one, the first
    letter of the name is used.
    """
    words = family_name.split()
    for word in words:
        letters = [c for c in word if c.isalpha()]
        if letters and letters[0].isupper():
            return letters[0]
    letters = [c for c in family_name if c.isalpha()]
    return letters[0].upper() if letters else ""


@dataclass(frozen=True)
class PupilName:
    """The minimal name shown on a task: "Sanne J."."""

    given_name: str
    family_initial: str

    @classmethod
    def from_full_name(cls, given_name: str, family_name: str) -> PupilName:
        if family_name == ERASED:  # an erased pupil's name (ADR 10): no initial of "[gewist]"
            return cls(given_name=given_name.strip(), family_initial="")
        return cls(given_name=given_name.strip(), family_initial=family_initial(family_name))

    @property
    def display(self) -> str:
        initial = f"{self.family_initial}." if self.family_initial else ""
        return " ".join(part for part in (self.given_name, initial) if part)


def short_reference(pupil_id: uuid.UUID) -> str:
    """A short, non-identifying reference to a pupil whose name is not known (yet)."""
    return pupil_id.hex[:SHORT_REFERENCE_LENGTH]


@dataclass(frozen=True)
class KnownPupil:
    """A registered pupil as notifications remembers it (from `PupilRegistered`)."""

    pupil_id: uuid.UUID
    tenant: str
    school: str
    name: PupilName
    registered_at: datetime


def pupil_display(name: PupilName | None, pupil_id: uuid.UUID) -> str:
    """The name when known and not empty, otherwise a short reference to the pseudonymous id."""
    if name is not None and name.display:
        return name.display
    return short_reference(pupil_id)
