"""Domain events <-> contract events for casework: what leaves the service, and what it takes in."""

from __future__ import annotations

from typing import Any

from meldcode_contracts import CaseOpened, CaseOpenedPayload, Envelope
from meldcode_servicekit.outbox import envelope_fields

from .domain.case import Case


def to_contract_event(domain_event: Any) -> Envelope | None:
    if isinstance(domain_event, Case.Opened):
        return CaseOpened(
            **envelope_fields(domain_event, subject_id=domain_event.originator_id),
            payload=CaseOpenedPayload(
                case_id=domain_event.originator_id,
                pupil_id=domain_event.pupil_id,
                signal_ids=domain_event.signal_ids,
                case_owner_id=domain_event.case_owner_id,
                opened_by=domain_event.actor_id,
            ),
        )
    return None
