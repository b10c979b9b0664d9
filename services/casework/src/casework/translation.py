"""Domain events <-> contract events for casework: what leaves the service, and what it takes in."""

from __future__ import annotations

from typing import Any

from meldcode_contracts import Actor, CaseOpened, CaseOpenedPayload, Envelope
from meldcode_servicekit.outbox import contract_event_id

from .domain.case import Case


def to_contract_event(domain_event: Any) -> Envelope | None:
    if isinstance(domain_event, Case.Opened):
        return CaseOpened(
            event_id=contract_event_id(domain_event.originator_id, domain_event.originator_version),
            occurred_at=domain_event.timestamp,
            recorded_at=domain_event.timestamp,
            tenant=domain_event.tenant,
            school=domain_event.school,
            subject_id=domain_event.originator_id,
            actor=Actor(user_id=domain_event.actor_id, role=domain_event.actor_role),
            correlation_id=domain_event.correlation_id,
            causation_id=domain_event.correlation_id,
            sequence=domain_event.originator_version,
            payload=CaseOpenedPayload(
                case_id=domain_event.originator_id,
                pupil_id=domain_event.pupil_id,
                signal_ids=domain_event.signal_ids,
                case_owner_id=domain_event.case_owner_id,
                opened_by=domain_event.actor_id,
            ),
        )
    return None
