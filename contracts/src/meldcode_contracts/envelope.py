"""The envelope every contract event travels in."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from meldcode_vocabulary.roles import Role as Role  # the contracts keep naming it

SCHEMA_VERSION = "1.0"

BRIN_PATTERN = r"^[0-9]{2}[A-Z]{2}([0-9]{2})?$"
TENANT_PATTERN = r"^[a-z0-9][a-z0-9-]{1,63}$"


def _must_be_utc(value: datetime) -> datetime:
    offset = value.utcoffset()  # None when naive (or a tzinfo that does not say)
    if offset is None:
        raise ValueError("datetime must be timezone-aware")
    if offset:  # a non-zero timedelta
        raise ValueError("datetime must be in UTC")
    return value


UtcDateTime = Annotated[datetime, AfterValidator(_must_be_utc)]
Brin = Annotated[str, Field(pattern=BRIN_PATTERN, description="School BRIN code, e.g. 12AB or 12AB01")]
TenantId = Annotated[
    str,
    Field(
        min_length=2,
        max_length=64,
        pattern=TENANT_PATTERN,
        description="Identifier of the samenwerkingsverband (the tenant)",
    ),
]


class Actor(BaseModel):
    """Who caused the event: a user with a role, or the system itself."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user_id: str = Field(min_length=1, max_length=128, description="Pseudonymous user id from the token")
    role: Role = Field(description="The role the user acted in")


class Envelope(BaseModel):
    """Fields shared by every contract event; subclasses add `event_type` and `payload`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: uuid.UUID = Field(description="Unique id; consumers de-duplicate on it")
    event_type: str = Field(description="Name of the event, e.g. SignalRecorded")
    schema_version: str = Field(default=SCHEMA_VERSION, description="major.minor of the payload schema")
    occurred_at: UtcDateTime = Field(description="When it happened in the domain (UTC)")
    recorded_at: UtcDateTime = Field(description="When the owning service stored it (UTC)")
    tenant: TenantId
    school: Brin
    subject_id: uuid.UUID = Field(description="Pupil or case id: the aggregate and the Kafka key")
    actor: Actor
    correlation_id: str = Field(
        min_length=1, max_length=128, description="Shared by all events of one request"
    )
    causation_id: str | None = Field(
        default=None, max_length=128, description="The event or request that caused this one"
    )
    sequence: int = Field(ge=1, description="Position of the event in its aggregate")
