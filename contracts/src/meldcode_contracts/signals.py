"""Events of steps 1-2 of the Meldcode (owner: signals)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from meldcode_vocabulary.signals import SignalCategory as SignalCategory
from meldcode_vocabulary.signals import SourceKind as SourceKind

from .envelope import Envelope
from .personal import Personal


class SignalSource(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: SourceKind
    name: Personal[str | None] = Field(
        default=None,
        description="Who said it, when the source is not the observer (required for third_party)",
    )


class SignalRecordedPayload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    signal_id: uuid.UUID
    pupil_id: uuid.UUID
    observer_id: str = Field(description="User id of the staff member who observed it")
    observed_on: date = Field(description="The day of the observation")
    description: Personal[str] = Field(description="Factual description of what was seen or heard")
    source: SignalSource
    categories: list[SignalCategory] = Field(default_factory=list)
    interpretation: Personal[str | None] = Field(
        default=None, description="The observer's interpretation, kept apart from the facts"
    )


class SignalRecorded(Envelope):
    """Step 1 (signaleren): a factual observation about a pupil was recorded."""

    event_type: Literal["SignalRecorded"] = "SignalRecorded"
    payload: SignalRecordedPayload


class SignalCorrectedPayload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    signal_id: uuid.UUID = Field(description="The signal this corrects; the original is never edited")
    pupil_id: uuid.UUID
    observer_id: str | None = Field(
        default=None,
        description=(
            "User id of who recorded the signal (absent from older events); who corrected it is "
            "the envelope's actor: the observer or the IB'er"
        ),
    )
    reason: Personal[str] = Field(description="Why the correction was made")
    observed_on: date
    description: Personal[str]
    source: SignalSource
    categories: list[SignalCategory] = Field(default_factory=list)
    interpretation: Personal[str | None] = None


class SignalCorrected(Envelope):
    """A recorded signal was corrected by a new event that refers to the original."""

    event_type: Literal["SignalCorrected"] = "SignalCorrected"
    payload: SignalCorrectedPayload


class ColleagueConsultedPayload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    consultation_id: uuid.UUID
    pupil_id: uuid.UUID
    consulted_on: date
    consulted_name: Personal[str] = Field(description="Who was consulted")
    consulted_role: str = Field(
        description="Their role, e.g. jeugdverpleegkundige, schoolmaatschappelijk werker"
    )
    organisation: str = Field(description="Their organisation, e.g. JGZ")
    advice: Personal[str] = Field(description="The advice given")
    signal_ids: list[uuid.UUID] = Field(default_factory=list, description="The signals discussed")


class ColleagueConsulted(Envelope):
    """Step 2 (collegiale consultatie): a colleague, the IB'er or a partner was consulted (rule 3)."""

    event_type: Literal["ColleagueConsulted"] = "ColleagueConsulted"
    payload: ColleagueConsultedPayload


class VeiligThuisAdviceRequestedPayload(BaseModel):
    """Deliberately without pupil id: the request is anonymous (rule 3). The texts are still about
    a pupil: sealed with a key of the request's own (its token names the request, not the pupil),
    destroyed when the pupil's data is erased."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    advice_request_id: uuid.UUID
    requested_on: date
    veilig_thuis_region: str
    question: Personal[str] = Field(
        description="The situation as described to Veilig Thuis, without identifying the pupil"
    )
    advice: Personal[str] = Field(description="What Veilig Thuis advised")


class VeiligThuisAdviceRequested(Envelope):
    """Step 2: Veilig Thuis was asked for advice anonymously; nothing on the wire identifies the pupil."""

    event_type: Literal["VeiligThuisAdviceRequested"] = "VeiligThuisAdviceRequested"
    payload: VeiligThuisAdviceRequestedPayload
