"""What importing a school's pupil administration does with each row, and why a file is refused.

An import registers each pupil the signals service does not know yet (by leerlingnummer), once:
importing the same file again registers nothing new. A pupil already known with the same name and
date of birth is "already known"; one known under that number with other data is refused (an
import never changes a registered pupil: that is a correction, not a registration). Every row is
checked before anything is saved, and the new pupils are saved in one transaction, so a refused
file leaves nothing half-applied.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from ..commands import RegisterPupil
from ..domain.errors import DomainError


class RowOutcome(StrEnum):
    REGISTERED = "registered"
    ALREADY_KNOWN = "already_known"
    REFUSED = "refused"


@dataclass(frozen=True)
class NumberedRegistration:
    row: int
    """The line of the file the registration was read from."""
    registration: RegisterPupil


@dataclass(frozen=True)
class ImportedRow:
    row: int
    pupil_number: str
    outcome: RowOutcome
    pupil_id: uuid.UUID | None
    reason: str | None = None
    """Why a row was refused (Dutch)."""


@dataclass(frozen=True)
class InvalidRow:
    row: int
    message: str


class PupilImportInvalid(DomainError):
    """Rows that cannot be registered at all: the whole file is refused (nothing is saved)."""

    rule = "pupil-import-invalid-rows"

    def __init__(self, rows: list[InvalidRow]) -> None:
        numbers = ", ".join(str(r.row) for r in rows[:20])
        super().__init__(
            f"Het bestand is niet ingelezen: {len(rows)} regel(s) kloppen niet (regel {numbers}). "
            "Er is niets ingeschreven; verbeter de regels en lees het bestand opnieuw in."
        )
        self.rows = rows


KNOWN_WITH_OTHER_DATA = (
    "Dit leerlingnummer hoort al bij een leerling met een andere naam of geboortedatum; "
    "een import wijzigt geen ingeschreven leerling."
)


def duplicate_numbers(rows: list[NumberedRegistration]) -> list[InvalidRow]:
    """A leerlingnummer on more than one row of the file: which pupil is meant cannot be told."""
    first_row: dict[str, int] = {}
    duplicates: list[InvalidRow] = []
    for numbered in rows:
        number = numbered.registration.pupil_number
        if number in first_row:
            duplicates.append(
                InvalidRow(numbered.row, f"Leerlingnummer {number} staat ook op regel {first_row[number]}.")
            )
        else:
            first_row[number] = numbered.row
    return duplicates
