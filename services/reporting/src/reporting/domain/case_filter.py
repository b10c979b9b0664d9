"""Which cases of a school's case list a reader asked for: by pupil name, step, casushouder and
whether an obligation is over its due day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .cases import SchoolCase, is_overdue


@dataclass(frozen=True)
class CaseFilter:
    pupil: str = ""
    """Part of the pupil's name (case-insensitive); empty: any pupil."""
    step: str | None = None
    """The step casework published; None: any step."""
    case_owner_id: str | None = None
    """The casushouder; None: anyone."""
    overdue_only: bool = False
    """Only cases with an obligation whose due day has passed."""

    def admits(self, row: SchoolCase, today: date) -> bool:
        case = row.case
        if self.pupil and self.pupil.casefold() not in (row.pupil_display_name or "").casefold():
            return False
        if self.step is not None and case.step != self.step:
            return False
        if self.case_owner_id is not None and case.case_owner_id != self.case_owner_id:
            return False
        return not self.overdue_only or any(is_overdue(o, today) for o in case.obligations)


EVERY_CASE = CaseFilter()
