"""Kafka topic names: `meldcode.<service>.events.v<major>`, keyed by the aggregate id."""

from typing import Final

SIGNALS_EVENTS: Final = "meldcode.signals.events.v1"
CASEWORK_EVENTS: Final = "meldcode.casework.events.v1"

EVENT_TOPICS: Final = (SIGNALS_EVENTS, CASEWORK_EVENTS)


def dead_letter_topic(service: str) -> str:
    """Where a service parks the messages it could not process, with the error in the headers."""
    return f"meldcode.{service}.deadletter.v1"
