"""Contract events of the Meldcode platform: the only thing services share on the wire."""

from .cases import CaseOpened, CaseOpenedPayload
from .envelope import SCHEMA_VERSION, Actor, Envelope, Role
from .personal import Personal, personal_field_names, without_personal_data
from .pupils import PupilRegistered, PupilRegisteredPayload
from .registry import ALL_EVENTS, EVENTS_BY_TOPIC, parse_event, serialize_event
from .signals import (
    SignalCategory,
    SignalCorrected,
    SignalCorrectedPayload,
    SignalRecorded,
    SignalRecordedPayload,
    SignalSource,
    SourceKind,
)
from .topics import CASEWORK_EVENTS, EVENT_TOPICS, SIGNALS_EVENTS, dead_letter_topic

__all__ = [
    "ALL_EVENTS",
    "CASEWORK_EVENTS",
    "EVENTS_BY_TOPIC",
    "EVENT_TOPICS",
    "SCHEMA_VERSION",
    "SIGNALS_EVENTS",
    "Actor",
    "CaseOpened",
    "CaseOpenedPayload",
    "Envelope",
    "Personal",
    "PupilRegistered",
    "PupilRegisteredPayload",
    "Role",
    "SignalCategory",
    "SignalCorrected",
    "SignalCorrectedPayload",
    "SignalRecorded",
    "SignalRecordedPayload",
    "SignalSource",
    "SourceKind",
    "dead_letter_topic",
    "parse_event",
    "personal_field_names",
    "serialize_event",
    "without_personal_data",
]
