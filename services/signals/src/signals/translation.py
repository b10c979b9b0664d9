"""Domain events -> contract events. Only what is translated here ever leaves the service."""

from __future__ import annotations

from typing import Any

from meldcode_contracts import (
    Actor,
    Envelope,
    PupilRegistered,
    PupilRegisteredPayload,
    SignalCorrected,
    SignalCorrectedPayload,
    SignalRecorded,
    SignalRecordedPayload,
    SignalSource,
)
from meldcode_servicekit.outbox import contract_event_id

from .domain.pupil import Pupil
from .domain.signal import Signal


def _envelope(domain_event: Any) -> dict[str, Any]:
    return {
        "event_id": contract_event_id(domain_event.originator_id, domain_event.originator_version),
        "occurred_at": domain_event.timestamp,
        "recorded_at": domain_event.timestamp,
        "tenant": domain_event.tenant,
        "school": domain_event.school,
        "subject_id": getattr(domain_event, "pupil_id", domain_event.originator_id),
        "actor": Actor(user_id=domain_event.actor_id, role=domain_event.actor_role),
        "correlation_id": domain_event.correlation_id,
        "causation_id": domain_event.correlation_id,
        "sequence": domain_event.originator_version,
    }


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
