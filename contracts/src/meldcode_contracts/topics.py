"""Kafka topic names: `meldcode.<service>.events.v<major>`, keyed by the aggregate id."""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

SIGNALS_EVENTS: Final = "meldcode.signals.events.v1"
CASEWORK_EVENTS: Final = "meldcode.casework.events.v1"

NOTIFICATIONS_EVENTS: Final = "meldcode.notifications.events.v1"
ACCESS_LOG_EVENTS: Final = "meldcode.access.events.v1"
"""The access log (NEN 7513): `DataAccessed`, published by every service that serves a read."""

EVENT_TOPICS: Final = (SIGNALS_EVENTS, CASEWORK_EVENTS)
"""The topics of the Meldcode's own steps: signals and casework."""

ALL_TOPICS: Final = (SIGNALS_EVENTS, CASEWORK_EVENTS, NOTIFICATIONS_EVENTS, ACCESS_LOG_EVENTS)
"""Every topic that holds contract events (all kept forever); reporting projects them all."""


def dead_letter_topic(service: str) -> str:
    """Where a service parks the messages it could not process, with the error in the headers."""
    return f"meldcode.{service}.deadletter.v1"


@dataclass(frozen=True)
class TopicRights:
    """What one service does on Kafka; the ACLs of its principal are generated from this."""

    service: str
    events: str | None
    """Its own event topic, if it has one (it publishes it and reads it back to reconcile)."""
    consumes: tuple[str, ...]
    """The topics its read model consumes."""

    @property
    def dead_letters(self) -> str:
        return dead_letter_topic(self.service)

    @property
    def writes(self) -> tuple[str, ...]:
        own = (self.events,) if self.events else ()
        return (*own, ACCESS_LOG_EVENTS, self.dead_letters)

    @property
    def reads(self) -> tuple[str, ...]:
        own = (self.events,) if self.events else ()
        return tuple(dict.fromkeys((*self.consumes, *own, self.dead_letters)))


SERVICE_TOPICS: Final[Mapping[str, TopicRights]] = MappingProxyType(
    {
        "signals": TopicRights("signals", events=SIGNALS_EVENTS, consumes=(CASEWORK_EVENTS,)),
        "casework": TopicRights("casework", events=CASEWORK_EVENTS, consumes=(SIGNALS_EVENTS,)),
        "notifications": TopicRights("notifications", events=NOTIFICATIONS_EVENTS, consumes=EVENT_TOPICS),
        "reporting": TopicRights("reporting", events=None, consumes=ALL_TOPICS),
    }
)
"""Every service that connects to Kafka: each publishes the access log (NEN 7513) and parks poison
messages on its own dead-letter topic. Replaying a dead letter onto another service's topic is an
operator's act, done with the operator's principal (docs/operations.md)."""
