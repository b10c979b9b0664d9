"""Rule 17: the people a command names are staff of the school, as its staff directory lists them.

The directory is the signals service's (ADR 23); casework keeps a copy of it from the topic and a
use case asks it for the people its command names before it changes the case (ADR 19: facts first).
A school that has never listed anyone is not checked yet: its samenwerkingsverband has not
connected its identity provider or imported its staff (ADR 23 says when that bridge goes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .errors import PersonNotInStaffDirectory, ZorgteamMemberNotCareStaff

CARE_STAFF_ROLES = frozenset({"intern_begeleider", "zorgteam"})
"""The roles a zorgteam member can have at the school (docs/domain/roles.md): the IB'er and the care
professionals (JGZ, school social work, leerplicht, partners); a leerkracht takes part in the
parents' conversation, not in the weighing and the decision."""


@dataclass(frozen=True)
class NamedPerson:
    """A staff member a command names by user id: `school` None is the case's own school, another
    school is named by a transfer; `in_zorgteam` when the command invites them into the zorgteam."""

    user_id: str
    school: str | None = None
    in_zorgteam: bool = False


def named(*user_ids: str | None) -> tuple[NamedPerson, ...]:
    """The people named at the case's school by the fields that are filled in."""
    return tuple(NamedPerson(u) for u in dict.fromkeys(user_ids) if u)


@dataclass(frozen=True)
class StaffDirectory:
    """What casework knows of one school's staff directory, for the people a command names.

    `kept`: the school has listed at least one person, ever; `roles`: those asked about who are
    listed now (not delisted), user id -> role."""

    school: str
    kept: bool
    roles: Mapping[str, str]

    def check(self, person: NamedPerson) -> None:
        if not self.kept:
            return
        role = self.roles.get(person.user_id)
        if role is None:
            raise PersonNotInStaffDirectory(person.user_id, self.school)
        if person.in_zorgteam and role not in CARE_STAFF_ROLES:
            raise ZorgteamMemberNotCareStaff(person.user_id, self.school, role)


def schools_of(people: Iterable[NamedPerson], case_school: str) -> dict[str, list[str]]:
    """The user ids named per school, to ask the directories for."""
    asked: dict[str, list[str]] = {}
    for person in people:
        asked.setdefault(person.school or case_school, []).append(person.user_id)
    return asked


def check_people_named(
    people: Iterable[NamedPerson], case_school: str, directories: Mapping[str, StaffDirectory]
) -> None:
    """Rule 17: every person named is listed at their school (when that school keeps a directory),
    and a zorgteam member is care staff there. `directories`: by school, for each of `schools_of`."""
    for person in people:
        directories[person.school or case_school].check(person)
