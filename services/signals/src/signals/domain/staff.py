"""A person's listing in the staff directory of one school (issue 17).

One aggregate per (school, user id); the application gives it the contract's subject id
(`staff_member_id`) as its id, so the listing, its events and its Kafka key are the same thing. Listing the same name, role and e-mail again records
nothing: the identity provider and imports repeat themselves, the topic should not.
"""

from __future__ import annotations

import re
import uuid
from typing import TypedDict

from eventsourcing.domain import Aggregate, event

from meldcode_vocabulary.roles import Role

from .errors import StaffEmailInvalid, StaffNameMissing, StaffRoleNotListable

LISTABLE_ROLES = frozenset({Role.TEACHER, Role.INTERN_BEGELEIDER, Role.ZORGTEAM, Role.ADMINISTRATOR})
"""The roles a person has at a school; an auditor or the system is nobody's colleague."""

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def tidy_name(name: str) -> str:
    return " ".join(name.split())


def tidy_email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    value = email.strip().lower()
    if not _EMAIL.match(value):
        raise StaffEmailInvalid("Dit e-mailadres kan niet kloppen.")
    return value


def listable_role(role: str) -> Role:
    try:
        value = Role(role)
    except ValueError:
        value = None
    if value not in LISTABLE_ROLES:
        allowed = ", ".join(sorted(r.value for r in LISTABLE_ROLES))
        raise StaffRoleNotListable(f"De rol '{role}' hoort niet bij een school; kies uit: {allowed}.")
    assert value is not None
    return value


class Listing(TypedDict):
    name: str
    role: str
    email: str | None


class StaffMember(Aggregate):
    """Name and e-mail are personal (sealed in the event store and on the topic)."""

    class FirstListed(Aggregate.Created):
        personal_data = ("name", "email")

        member_id: uuid.UUID
        tenant: str
        school: str
        user_id: str
        name: str
        role: str
        email: str | None
        actor_id: str
        actor_role: str
        correlation_id: str

    @event(FirstListed)
    def __init__(
        self,
        *,
        member_id: uuid.UUID,
        tenant: str,
        school: str,
        user_id: str,
        name: str,
        role: str,
        email: str | None,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.tenant = tenant
        self.school = school
        self.user_id = user_id
        self.name = name
        self.role = role
        self.email = email
        self.listed = True

    @staticmethod
    def create_id(member_id: uuid.UUID) -> uuid.UUID:
        """The contract's subject id of the listing, given by the application."""
        return member_id

    @classmethod
    def first_listing(
        cls,
        *,
        member_id: uuid.UUID,
        tenant: str,
        school: str,
        user_id: str,
        name: str,
        role: str,
        email: str | None,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> StaffMember:
        return cls(
            member_id=member_id,
            tenant=tenant,
            school=school,
            user_id=user_id,
            **valid_listing(name, role, email),
            actor_id=actor_id,
            actor_role=actor_role,
            correlation_id=correlation_id,
        )

    class Listed(Aggregate.Event):
        """Listed again after being delisted, or name, role or e-mail changed."""

        personal_data = ("name", "email")

        tenant: str
        school: str
        user_id: str
        name: str
        role: str
        email: str | None
        actor_id: str
        actor_role: str
        correlation_id: str

        def apply(self, aggregate: StaffMember) -> None:
            aggregate.name = self.name
            aggregate.role = self.role
            aggregate.email = self.email
            aggregate.listed = True

    def list(
        self,
        *,
        name: str,
        role: str,
        email: str | None,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> bool:
        """List (again) with these details; False when the listing already says exactly this."""
        listing = valid_listing(name, role, email)
        if self.listed and listing == {"name": self.name, "role": self.role, "email": self.email}:
            return False
        self.trigger_event(
            self.Listed,
            tenant=self.tenant,
            school=self.school,
            user_id=self.user_id,
            **listing,
            actor_id=actor_id,
            actor_role=actor_role,
            correlation_id=correlation_id,
        )
        return True

    class Delisted(Aggregate.Event):
        tenant: str
        school: str
        user_id: str
        actor_id: str
        actor_role: str
        correlation_id: str

        def apply(self, aggregate: StaffMember) -> None:
            aggregate.listed = False

    def delist(self, *, actor_id: str, actor_role: str, correlation_id: str) -> bool:
        """No longer at the school; False when already delisted (nothing is recorded twice)."""
        if not self.listed:
            return False
        self.trigger_event(
            self.Delisted,
            tenant=self.tenant,
            school=self.school,
            user_id=self.user_id,
            actor_id=actor_id,
            actor_role=actor_role,
            correlation_id=correlation_id,
        )
        return True


def valid_listing(name: str, role: str, email: str | None) -> Listing:
    """The listing as it is kept (tidied), or the domain error that refuses it."""
    tidy = tidy_name(name)
    if not tidy:
        raise StaffNameMissing("Vul de naam van de medewerker in.")
    return Listing(name=tidy, role=listable_role(role).value, email=tidy_email(email))
