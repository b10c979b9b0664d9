"""The commands the signals application handles, named as what the user asks for.

The pydantic commands are also the HTTP request bodies (one truth per field); the id of the pupil
or signal a command is about comes from the path, and is given to the application beside it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from meldcode_contracts.envelope import BRIN_PATTERN

from .domain.attachment import AttachmentKind
from .domain.erasure import ErasureReason
from .domain.signal import Observation, SignalCategory, SourceKind


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RegisterPupil(Strict):
    school: str = Field(pattern=BRIN_PATTERN, description="BRIN of the pupil's school")
    pupil_number: str = Field(min_length=1, max_length=32, description="The school's leerlingnummer")
    given_name: str = Field(min_length=1, max_length=100, description="The pupil's given name")
    family_name: str = Field(min_length=1, max_length=150, description="The pupil's family name")
    date_of_birth: date = Field(description="The pupil's date of birth")


class DeregisterPupil(Strict):
    left_on: date = Field(description="The last day the pupil was a pupil of the school (not in the future)")
    destination_school: str | None = Field(
        default=None, pattern=BRIN_PATTERN, description="BRIN of the new school, when known"
    )


class ListStaffMember(Strict):
    """List a person in a school's staff directory, or change their listing (issue 17)."""

    school: str = Field(pattern=BRIN_PATTERN, description="BRIN of the school")
    user_id: str = Field(
        min_length=1, max_length=128, description="The identity provider's subject (the token's `sub`)"
    )
    name: str = Field(min_length=1, max_length=200, description="Full name as shown on screens")
    role: str = Field(description="leerkracht, intern_begeleider, zorgteam or beheerder")
    email: str | None = Field(default=None, max_length=254, description="Work e-mail address")


@dataclass(frozen=True)
class DelistStaffMember:
    """The person no longer works at the school (or was deprovisioned)."""

    school: str
    user_id: str


class SourceIn(Strict):
    kind: SourceKind = Field(description="own_observation, pupil_said, parent_said or third_party")
    name: str | None = Field(
        default=None, max_length=200, description="Who said it (required for third_party)"
    )


class RecordSignal(Strict):
    observed_on: date = Field(description="The day of the observation")
    description: str = Field(min_length=1, max_length=10_000, description="Factual: what was seen or heard")
    source: SourceIn
    categories: list[SignalCategory] = Field(
        default_factory=list, max_length=8, description="What kind of signal it may be"
    )
    interpretation: str | None = Field(
        default=None, max_length=10_000, description="Kept apart from the facts"
    )

    def observation(self) -> Observation:
        return Observation(
            observed_on=self.observed_on,
            description=self.description,
            source_kind=self.source.kind,
            source_name=self.source.name,
            categories=tuple(dict.fromkeys(self.categories)),
            interpretation=self.interpretation,
        )


class CorrectSignal(RecordSignal):
    reason: str = Field(min_length=1, max_length=2_000, description="Why the signal is corrected")


class ConsultColleague(Strict):
    consulted_on: date = Field(description="The day of the consultation")
    consulted_name: str = Field(min_length=1, max_length=200, description="Who was consulted")
    consulted_role: str = Field(min_length=1, max_length=200, description="e.g. jeugdverpleegkundige")
    organisation: str = Field(min_length=1, max_length=200, description="e.g. JGZ, school")
    advice: str = Field(min_length=1, max_length=10_000, description="What the colleague advised")
    signal_ids: list[uuid.UUID] = Field(default_factory=list, max_length=200, description="Signals discussed")


class RequestVeiligThuisAdvice(Strict):
    requested_on: date = Field(description="The day the advice was asked")
    veilig_thuis_region: str = Field(
        min_length=1, max_length=200, description="The Veilig Thuis region asked"
    )
    question: str = Field(
        min_length=1, max_length=10_000, description="Described without identifying the pupil"
    )
    advice: str = Field(min_length=1, max_length=10_000, description="What Veilig Thuis advised")


class RequestErasure(Strict):
    reason: ErasureReason = Field(
        description=(
            "verzoek_betrokkene (a lawful request, AVG art. 17) or rechterlijke_uitspraak (a court "
            "order or the like: not held back by the waiting period after a case was closed)"
        )
    )


@dataclass(frozen=True)
class ApproveErasure:
    request_id: uuid.UUID
    """The waiting request to approve (the second of the four eyes)."""


@dataclass(frozen=True)
class EraseForRetention:
    """Erase the personal data of every pupil whose retention term has passed (rule 16)."""

    today: date
    """The Dutch calendar day the terms are counted to."""
    dry_run: bool = False
    """Only list the pupils that are due; erase nothing."""
    trigger: str = "cli"
    """What started the run (`cli` or `schedule`), kept with the run's counts."""


@dataclass(frozen=True)
class AddAttachment:
    """Attach a file to a signal: a photo of a note, a document, a body map drawing (issue 17). The
    bytes come as a multipart upload; what they are is decided by their content."""

    kind: AttachmentKind
    content: bytes
    declared_type: str | None
