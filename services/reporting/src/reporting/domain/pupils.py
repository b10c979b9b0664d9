"""The pupils read model: who a pupil id stands for, as far as a school's staff may see it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class PupilRow:
    """A registered pupil. Personal fields are left out of `repr`, so they never end up in a log."""

    pupil_id: uuid.UUID
    tenant: str
    school: str
    registered_at: datetime
    pupil_number: str = field(repr=False)
    given_name: str = field(repr=False)
    family_name: str = field(repr=False)
    date_of_birth: date | None = field(repr=False)

    @property
    def display_name(self) -> str:
        return display_name(self.given_name, self.family_name)


def display_name(given_name: str, family_name: str) -> str:
    """How screens name a pupil: roepnaam and achternaam, e.g. 'Sanne de Vries'."""
    return " ".join(part for part in (given_name.strip(), family_name.strip()) if part)
