"""Who the staff user ids in the events are: the names of the schools' staff directories (signals'
`StaffMemberListed` / `StaffMemberDelisted`), so that documents name people instead of user ids.

Personal data (the name): kept for the documents only and never logged. A delisted person keeps
their name, because history goes on naming them. An id no directory knows is shown as
`UNKNOWN_STAFF_MEMBER`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from meldcode_vocabulary import UNKNOWN_STAFF_MEMBER

ROLE_LABELS: Final[Mapping[str, str]] = {
    "leerkracht": "leerkracht",
    "intern_begeleider": "IB'er",
    "zorgteam": "zorgteam",
    "auditor": "auditor",
    "beheerder": "beheerder",
    "system": "automatisch",
}
"""The roles of the tokens, in the words of the documents."""

StaffNames = Mapping[str, str]
"""user id -> name, for the ids a directory of the samenwerkingsverband knows."""


@dataclass(frozen=True)
class StaffListing:
    """One person's listing at one school, or its end (`listed` False, no name)."""

    tenant: str
    school: str
    user_id: str
    listed: bool
    changed_at: datetime
    name: str | None = field(default=None, repr=False)
    role: str | None = None

    @property
    def key(self) -> str:
        return f"{self.tenant}/{self.school}/{self.user_id}"


def staff_name(names: StaffNames, user_id: str | None) -> str:
    """The name to show for `user_id`: the directory's, or that no directory knows them."""
    if user_id is None:
        return UNKNOWN_STAFF_MEMBER
    return names.get(user_id) or UNKNOWN_STAFF_MEMBER


def role_label(role: str | None) -> str:
    return ROLE_LABELS.get(role, role) if role else "-"
