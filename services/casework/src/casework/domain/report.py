"""Step 5, melden bij Veilig Thuis: what must be in place before and in a report (rules 8-10)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

CHILD_INFORMED_FROM_AGE = 12
"""Rule 8: a pupil of this age or older on the day of reporting is informed of the report."""


class ChildExceptionGround(StrEnum):
    """Rule 8: why a pupil of 12 or older is not informed of the report."""

    CHILD_SAFETY = "veiligheid_kind"
    OTHERS_SAFETY = "veiligheid_anderen"
    REPORTER_SAFETY = "veiligheid_melder"
    DEVELOPMENT = "ontwikkelingsniveau"
    """The pupil's development does not allow a meaningful conversation about the report."""


class AnonymityGround(StrEnum):
    """Rule 10: the three legal grounds for the reporter to stay anonymous toward the family."""

    THREAT_TO_CHILD = "bedreiging_kind_of_gezinsleden"
    """Disclosure threatens the child or other (minor) children in the family."""
    THREAT_TO_REPORTER = "bedreiging_melder_of_collegas"
    """Disclosure threatens the reporter or colleagues."""
    RELATIONSHIP_DISRUPTED = "verstoring_relatie_gezin"
    """Disclosure disrupts the reporter's relationship of trust with the family."""


def age_on(date_of_birth: date, day: date) -> int:
    """Age in whole years on `day` (a birthday on 29 February counts from 1 March)."""
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years
