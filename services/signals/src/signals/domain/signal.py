"""Step 1, signaleren: a factual observation about a pupil. Never edited; corrected by a new event."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from eventsourcing.domain import Aggregate, event

from meldcode_vocabulary import Role
from meldcode_vocabulary import SignalCategory as SignalCategory  # signals speaks the shared words
from meldcode_vocabulary import SourceKind as SourceKind

from .attachment import Attachment, AttachmentFile, AttachmentKind
from .errors import (
    AttachmentOnlyByObserver,
    SignalCorrectedOnlyByObserver,
    SignalNeedsFacts,
    SignalNotYetObserved,
    ThirdPartySourceMustBeNamed,
)

MIN_DESCRIPTION_LENGTH = 10


@dataclass(frozen=True)
class Observation:
    """What a signal says: the facts, their source, and the observer's interpretation kept apart."""

    observed_on: date
    description: str
    source_kind: SourceKind
    source_name: str | None
    categories: tuple[SignalCategory, ...]
    interpretation: str | None

    def check(self, today: date) -> None:
        if len(self.description.strip()) < MIN_DESCRIPTION_LENGTH:
            raise SignalNeedsFacts(
                "Beschrijf feitelijk wat je hebt gezien of gehoord (minstens "
                f"{MIN_DESCRIPTION_LENGTH} tekens); je interpretatie hoort in het aparte veld."
            )
        if self.observed_on > today:
            raise SignalNotYetObserved("De datum van de waarneming ligt in de toekomst.")
        if self.source_kind in (SourceKind.THIRD_PARTY,) and not (self.source_name or "").strip():
            raise ThirdPartySourceMustBeNamed("Noem de derde van wie de informatie komt.")

    def as_event_fields(self) -> dict[str, object]:
        return {
            "observed_on": self.observed_on,
            "description": self.description.strip(),
            "source_kind": self.source_kind.value,
            "source_name": (self.source_name or "").strip() or None,
            "categories": [c.value for c in self.categories],
            "interpretation": (self.interpretation or "").strip() or None,
        }


@dataclass(frozen=True)
class Authorship:
    """Who wrote a version of a signal's text: the observer (version 1) or a corrector."""

    version: int
    actor_id: str
    actor_role: str
    written_at: datetime


class Signal(Aggregate):
    class Recorded(Aggregate.Created):
        sealed_by_pupil_id = True  # every event of a signal names its pupil: no key_subjects row
        personal_data = ("description", "source_name", "interpretation")

        tenant: str
        school: str
        pupil_id: uuid.UUID
        observed_on: date
        description: str
        source_kind: str
        source_name: str | None
        categories: list[str]
        interpretation: str | None
        actor_id: str
        actor_role: str
        correlation_id: str

    class Corrected(Aggregate.Event):
        sealed_by_pupil_id = True  # every event of a signal names its pupil: no key_subjects row
        personal_data = ("reason", "description", "source_name", "interpretation")

        reason: str
        pupil_id: uuid.UUID
        tenant: str
        school: str
        observed_on: date
        description: str
        source_kind: str
        source_name: str | None
        categories: list[str]
        interpretation: str | None
        actor_id: str
        actor_role: str
        correlation_id: str
        observer_id: str
        """Who recorded the signal; absent from corrections stored before it was added."""

        def apply(self, aggregate: Signal) -> None:
            aggregate.observed_on = self.observed_on
            aggregate.description = self.description
            aggregate.source_kind = self.source_kind
            aggregate.source_name = self.source_name
            aggregate.categories = self.categories
            aggregate.interpretation = self.interpretation
            aggregate.correctors.append(
                Authorship(self.originator_version, self.actor_id, self.actor_role, self.timestamp)
            )

    class AttachmentAdded(Aggregate.Event):
        """A file was attached; its bytes are stored apart, sealed with the pupil's key."""

        sealed_by_pupil_id = True

        attachment_id: uuid.UUID
        pupil_id: uuid.UUID
        kind: str
        content_type: str
        size: int
        sha256: str
        actor_id: str
        actor_role: str
        correlation_id: str

        def apply(self, aggregate: Signal) -> None:
            aggregate.attachments.append(
                Attachment(
                    attachment_id=self.attachment_id,
                    kind=AttachmentKind(self.kind),
                    content_type=self.content_type,
                    size=self.size,
                    sha256=self.sha256,
                    added_at=self.timestamp,
                    added_by=self.actor_id,
                    added_by_role=self.actor_role,
                )
            )

    @event(Recorded)
    def __init__(
        self,
        *,
        tenant: str,
        school: str,
        pupil_id: uuid.UUID,
        observed_on: date,
        description: str,
        source_kind: str,
        source_name: str | None,
        categories: list[str],
        interpretation: str | None,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.tenant = tenant
        self.school = school
        self.pupil_id = pupil_id
        self.observer_id = actor_id
        self.observer_role = actor_role
        self.correctors: list[Authorship] = []
        self.attachments: list[Attachment] = []
        self.observed_on = observed_on
        self.description = description
        self.source_kind = source_kind
        self.source_name = source_name
        self.categories = categories
        self.interpretation = interpretation

    @classmethod
    def record(
        cls,
        *,
        tenant: str,
        school: str,
        pupil_id: uuid.UUID,
        observation: Observation,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> Signal:
        observation.check(today)
        return cls(
            tenant=tenant,
            school=school,
            pupil_id=pupil_id,
            actor_id=actor_id,
            actor_role=actor_role,
            correlation_id=correlation_id,
            **observation.as_event_fields(),  # type: ignore[arg-type]
        )

    @property
    def corrections(self) -> int:
        return len(self.correctors)

    @property
    def authors(self) -> list[Authorship]:
        """Who wrote what: the observer the recorded text, then each corrector their correction."""
        recorded = Authorship(1, self.observer_id, self.observer_role, self.created_on)
        return [recorded, *self.correctors]

    @property
    def written_by(self) -> Authorship:
        """The author of the text as it reads now."""
        return self.authors[-1]

    def may_be_added_to_by(self, actor_id: str, actor_role: str) -> bool:
        """Rule 1: who recorded the signal, or the IB'er, corrects it or adds to it."""
        return actor_id == self.observer_id or actor_role == Role.INTERN_BEGELEIDER

    def attachment(self, attachment_id: uuid.UUID) -> Attachment | None:
        return next((a for a in self.attachments if a.attachment_id == attachment_id), None)

    def add_attachment(
        self,
        *,
        attachment_id: uuid.UUID,
        kind: AttachmentKind,
        file: AttachmentFile,
        sha256: str,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> Attachment:
        if not self.may_be_added_to_by(actor_id, actor_role):
            raise AttachmentOnlyByObserver(
                "Alleen wie dit signaal heeft vastgelegd, of de intern begeleider, kan er een bijlage aan toevoegen."
            )
        self.trigger_event(
            self.AttachmentAdded,
            attachment_id=attachment_id,
            pupil_id=self.pupil_id,
            kind=kind.value,
            content_type=file.content_type,
            size=file.size,
            sha256=sha256,
            actor_id=actor_id,
            actor_role=actor_role,
            correlation_id=correlation_id,
        )
        attachment = self.attachment(attachment_id)
        assert attachment is not None
        return attachment

    def correct(
        self,
        *,
        observation: Observation,
        reason: str,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        if not self.may_be_added_to_by(actor_id, actor_role):
            raise SignalCorrectedOnlyByObserver(
                "Alleen wie dit signaal heeft vastgelegd, of de intern begeleider, kan het corrigeren. "
                "Leg je eigen waarneming vast als een nieuw signaal."
            )
        observation.check(today)
        if len(reason.strip()) < 3:
            raise SignalNeedsFacts("Geef aan waarom het signaal wordt gecorrigeerd.")
        self.trigger_event(
            self.Corrected,
            reason=reason.strip(),
            pupil_id=self.pupil_id,
            tenant=self.tenant,
            school=self.school,
            actor_id=actor_id,
            actor_role=actor_role,
            correlation_id=correlation_id,
            observer_id=self.observer_id,
            **observation.as_event_fields(),
        )
