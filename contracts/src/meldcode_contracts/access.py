"""The access log (NEN 7513): every read of pupil or case data, by any service, API or CLI.

Published by the service that served the read, before the data leaves it (fail closed: a read that
cannot be logged is refused). Key = subject_id (the pupil, or the case when no pupil is known).
The envelope's `tenant` and `school` are those of the data read; `actor` is who read it.
"""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .envelope import Envelope


class DataAccessedPayload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    access_id: uuid.UUID
    service: str = Field(description="The service that served the read, e.g. casework")
    action: str = Field(
        description="What was read, as a code, e.g. case.read, case.history, pupil.chronology, audit.as_of"
    )
    resource: str = Field(
        description="The route template or CLI command that served it, e.g. GET /cases/{case_id}"
    )
    pupil_id: uuid.UUID | None = Field(default=None, description="The pupil whose data was read")
    case_id: uuid.UUID | None = Field(default=None, description="The case whose data was read")
    on_behalf_of: str | None = Field(
        default=None, max_length=128, description="User id the reader acted for (token claim act/obo), if any"
    )
    client_address: str | None = Field(
        default=None, max_length=64, description="Network address of the client"
    )
    client_application: str | None = Field(
        default=None,
        max_length=256,
        description="The client program (User-Agent or the CLI's name and version)",
    )
    outcome: Literal["granted"] = Field(
        default="granted",
        description="Only reads that returned data are logged; refusals are in the service logs",
    )


class DataAccessed(Envelope):
    """Someone read pupil or case data (rule 15 in docs/domain/rules.md, for pupils and cases alike)."""

    event_type: Literal["DataAccessed"] = "DataAccessed"
    payload: DataAccessedPayload


ACCESS_EVENTS: tuple[type[Envelope], ...] = (DataAccessed,)
