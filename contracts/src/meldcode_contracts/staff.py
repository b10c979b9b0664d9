"""Events about the staff directory of a school (owner: signals).

The directory says who works at a school in which role, by name, so that screens can offer people
by name and the services can refuse a person the school does not know (issue 17). It is fed by the
identity provider (SCIM 2.0) or an import; the user id is the `sub` the identity provider puts in
the access token, so a listed person and a logged-in user are the same id.
"""

from __future__ import annotations

import uuid
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from .envelope import Envelope, Role
from .personal import Personal

STAFF_NAMESPACE: Final = uuid.UUID("6f1f8a52-3c1e-4e0b-9a43-1d6a55c0b7d1")


def staff_member_id(school: str, user_id: str) -> uuid.UUID:
    """The subject id (and Kafka key) of one person's listing at one school."""
    return uuid.uuid5(STAFF_NAMESPACE, f"{school}/{user_id}")


class StaffMemberListedPayload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    user_id: str = Field(
        min_length=1, max_length=128, description="The identity provider's subject: the access token's `sub`"
    )
    name: Personal[str] = Field(min_length=1, max_length=200, description="Full name as shown on screens")
    role: Role = Field(description="The role the person has at this school")
    email: Personal[str | None] = Field(
        default=None,
        max_length=254,
        description="Work e-mail address for tasks and reminders; null if unknown",
    )


class StaffMemberListed(Envelope):
    """A person was listed in a school's staff directory, or their listing changed (name, role,
    e-mail). The latest listing of a `subject_id` wins."""

    event_type: Literal["StaffMemberListed"] = "StaffMemberListed"
    payload: StaffMemberListedPayload


class StaffMemberDelistedPayload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    user_id: str = Field(min_length=1, max_length=128, description="The identity provider's subject")


class StaffMemberDelisted(Envelope):
    """A person no longer works at the school (or was deprovisioned by the identity provider); they
    can no longer be chosen for a case. Earlier events keep naming them."""

    event_type: Literal["StaffMemberDelisted"] = "StaffMemberDelisted"
    payload: StaffMemberDelistedPayload


STAFF_EVENTS: Final = (StaffMemberListed, StaffMemberDelisted)
