"""The roles of the Meldcode, as the tokens name them."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final


class Role(StrEnum):
    """Roles of the Meldcode (see docs/domain/roles.md)."""

    TEACHER = "leerkracht"
    INTERN_BEGELEIDER = "intern_begeleider"
    """IB'er / aandachtsfunctionaris: opens and runs cases for the school."""
    ZORGTEAM = "zorgteam"
    AUDITOR = "auditor"
    ADMINISTRATOR = "beheerder"
    SYSTEM = "system"


ROLE_LABELS: Final[Mapping[Role, str]] = MappingProxyType(
    {
        Role.TEACHER: "Leerkracht",
        Role.INTERN_BEGELEIDER: "IB'er / aandachtsfunctionaris",
        Role.ZORGTEAM: "Lid zorgteam",
        Role.AUDITOR: "Auditor",
        Role.ADMINISTRATOR: "Coördinator samenwerkingsverband",
        Role.SYSTEM: "Automatisch",
    }
)
"""The Dutch name of each role, as every screen shows it."""

SYSTEM_ACTOR_NAME: Final = "Meldcode-platform (automatisch)"
"""Who did what the platform did by itself (a reminder, a document, a published step): no person."""

UNKNOWN_STAFF_MEMBER: Final = "Onbekende medewerker"
"""How a screen, PDF or e-mail names a user id the staff directory does not know."""
