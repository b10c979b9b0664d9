"""The roles of the Meldcode, as the tokens name them."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """Roles of the Meldcode (see docs/domain/roles.md)."""

    TEACHER = "leerkracht"
    INTERN_BEGELEIDER = "intern_begeleider"
    """IB'er / aandachtsfunctionaris: opens and runs cases for the school."""
    ZORGTEAM = "zorgteam"
    AUDITOR = "auditor"
    ADMINISTRATOR = "beheerder"
    SYSTEM = "system"


UNKNOWN_STAFF_MEMBER = "Onbekende medewerker"
"""How a screen, PDF or e-mail names a user id the staff directory does not know."""
