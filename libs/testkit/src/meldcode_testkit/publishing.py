"""Contract events onto the suite's topics, keyed as their owners key them (by subject)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from meldcode_contracts import CASE_EVENTS, CASEWORK_EVENTS, SIGNALS_EVENTS, Envelope, serialize_event

if TYPE_CHECKING:
    from . import Suite


async def publish(suite: Suite, topic: str, *events: Envelope) -> None:
    """`events` onto the suite's `topic`, in order."""
    from . import publish_raw

    for event in events:
        await publish_raw(
            suite.infra.kafka, suite.topic(topic), serialize_event(event), str(event.subject_id).encode()
        )


async def publish_as_owners(suite: Suite, *events: Envelope) -> None:
    """Publish as the owners do: casework's events on its topic, the signals service's on its own."""
    for event in events:
        await publish(suite, CASEWORK_EVENTS if isinstance(event, CASE_EVENTS) else SIGNALS_EVENTS, event)
