"""Domain events -> contract events. Only what is translated here ever leaves the service."""

from __future__ import annotations

from typing import Any

from meldcode_contracts import (
    Envelope,
    PupilRegistered,
    PupilRegisteredPayload,
    SignalCorrected,
    SignalCorrectedPayload,
    SignalRecorded,
    SignalRecordedPayload,
    SignalSource,
)
from meldcode_servicekit.outbox import envelope_fields

from .domain.pupil import Pupil
from .domain.signal import Signal


def _envelope(domain_event: Any) -> dict[str, Any]:
    # Signal events are keyed by their pupil, so one pupil's events stay in order.
    return envelope_fields(
        domain_event, subject_id=getattr(domain_event, "pupil_id", domain_event.originator_id)
    )


def _observation(domain_event: Any) -> dict[str, Any]:
    return {
        "observed_on": domain_event.observed_on,
        "description": domain_event.description,
        "source": SignalSource(kind=domain_event.source_kind, name=domain_event.source_name),
        "categories": domain_event.categories,
        "interpretation": domain_event.interpretation,
    }


def to_contract_event(domain_event: Any) -> Envelope | None:
    if isinstance(domain_event, Pupil.Registered):
        return PupilRegistered(
            **_envelope(domain_event),
            payload=PupilRegisteredPayload(
                pupil_id=domain_event.originator_id,
                pupil_number=domain_event.pupil_number,
                given_name=domain_event.given_name,
                family_name=domain_event.family_name,
                date_of_birth=domain_event.date_of_birth,
            ),
        )
    if isinstance(domain_event, Signal.Recorded):
        return SignalRecorded(
            **_envelope(domain_event),
            payload=SignalRecordedPayload(
                signal_id=domain_event.originator_id,
                pupil_id=domain_event.pupil_id,
                observer_id=domain_event.actor_id,
                **_observation(domain_event),
            ),
        )
    if isinstance(domain_event, Signal.Corrected):
        return SignalCorrected(
            **_envelope(domain_event),
            payload=SignalCorrectedPayload(
                signal_id=domain_event.originator_id,
                pupil_id=domain_event.pupil_id,
                reason=domain_event.reason,
                **_observation(domain_event),
            ),
        )
    return None
