"""Every contract event, by topic, and parsing of raw messages into them."""

from __future__ import annotations

from typing import Annotated, Any, Final

from pydantic import BaseModel, Field

from . import access, cases, notices, staff, topics
from .envelope import Envelope
from .evolution import EventReader, Upcaster
from .pupils import (
    ErasureApproved,
    ErasureRequested,
    PersonalDataErased,
    PupilDeregistered,
    PupilRegistered,
)
from .signals import ColleagueConsulted, SignalCorrected, SignalRecorded, VeiligThuisAdviceRequested

AnyEvent = Annotated[
    PupilRegistered
    | PupilDeregistered
    | ErasureRequested
    | ErasureApproved
    | PersonalDataErased
    | SignalRecorded
    | SignalCorrected
    | ColleagueConsulted
    | VeiligThuisAdviceRequested
    | staff.StaffMemberListed
    | staff.StaffMemberDelisted
    | cases.CaseOpened
    | cases.CaseSignalsAdded
    | cases.CaseOwnerChanged
    | cases.ZorgteamMemberInvited
    | cases.ZorgteamInvitationWithdrawn
    | cases.ParentsConversationHeld
    | cases.ParentsConversationSkipped
    | cases.RiskWeighed
    | cases.DecisionMade
    | cases.HelpOrganised
    | cases.ParentsInformed
    | cases.ParentsInformingExceptionRecorded
    | cases.ChildInformed
    | cases.ChildInformingExceptionRecorded
    | cases.ReporterAnonymityAgreed
    | cases.AmkNotified
    | cases.VeiligThuisFeedbackReceived
    | cases.CareCoordinatorAssigned
    | cases.FollowUpScheduled
    | cases.FollowUpEvaluated
    | cases.CaseClosed
    | cases.CaseReopened
    | cases.PupilLeftSchool
    | cases.CaseTransferred
    | cases.JgzConsultationRequested
    | cases.JgzConsultationResultReceived
    | cases.CaseHandedOverToJgz
    | cases.CaseObligationsChanged
    | notices.ReminderSent
    | notices.MeldingDocumentIssued
    | notices.JgzWebhookDelivered
    | access.DataAccessed,
    Field(discriminator="event_type"),
]

EVENTS_BY_TOPIC: Final[dict[str, tuple[type[Envelope], ...]]] = {
    topics.SIGNALS_EVENTS: (
        PupilRegistered,
        PupilDeregistered,
        ErasureRequested,
        ErasureApproved,
        PersonalDataErased,
        SignalRecorded,
        SignalCorrected,
        ColleagueConsulted,
        VeiligThuisAdviceRequested,
        *staff.STAFF_EVENTS,
    ),
    topics.CASEWORK_EVENTS: cases.CASE_EVENTS,
    topics.NOTIFICATIONS_EVENTS: notices.NOTICE_EVENTS,
    topics.ACCESS_LOG_EVENTS: access.ACCESS_EVENTS,
}

ALL_EVENTS: Final[tuple[type[Envelope], ...]] = tuple(e for es in EVENTS_BY_TOPIC.values() for e in es)

EVENT_TYPES: Final[dict[str, type[Envelope]]] = {
    cls.model_fields["event_type"].default: cls for cls in ALL_EVENTS
}

UPCASTERS: Final[dict[tuple[str, int], Upcaster]] = {}
"""(event type, major N) -> the function that turns its document at N into one at N + 1. Register one
whenever an event's major version goes up (docs/adr/0015-contracts-that-evolve.md); none yet."""

_reader = EventReader(EVENT_TYPES, UPCASTERS)


def parse_event(raw: bytes | str) -> Envelope:
    """Read a message value as its contract event, tolerantly (see `evolution`): unknown fields are
    ignored; raises pydantic.ValidationError when invalid, `UnknownEventType` for a type this
    version does not know, `UnsupportedSchemaVersion` for a major it cannot read."""
    return _reader.parse(raw)


def parse_event_document(document: dict[str, Any]) -> Envelope:
    """`parse_event` for a message value already decoded from JSON into a dict."""
    return _reader.parse_document(document)


def has_upcasters(event_type: str, from_major: int, to_major: int) -> bool:
    """Whether every step from `from_major` up to `to_major` of `event_type` has its upcaster."""
    return _reader.has_upcasters(event_type, from_major, to_major)


def serialize_event(event: Envelope) -> bytes:
    return event.model_dump_json().encode()


def payload_model_of(event: type[Envelope]) -> type[BaseModel] | None:
    """The payload model of a contract event class."""
    field = event.model_fields.get("payload")
    annotation = field.annotation if field is not None else None
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
