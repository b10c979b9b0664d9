"""Kafka topic names: `meldcode.<service>.events.v<major>`, keyed by the aggregate id."""

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
