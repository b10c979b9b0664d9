"""Domain events -> contract events for casework. Only what is listed here leaves the service.

The contract payload model decides which fields go on the wire: each is read by name from the
domain event, so a domain change that a contract does not follow fails in the tests, not in
production.
"""

from __future__ import annotations

from typing import Any

from meldcode_contracts import cases as contract
from meldcode_contracts.envelope import Envelope
from meldcode_servicekit.outbox import envelope_fields

from .domain.case import Case

CONTRACT_EVENTS: dict[type[Any], type[Envelope]] = {
    Case.Opened: contract.CaseOpened,
    Case.SignalsAdded: contract.CaseSignalsAdded,
    Case.CaseOwnerChanged: contract.CaseOwnerChanged,
    Case.ZorgteamMemberInvited: contract.ZorgteamMemberInvited,
    Case.ZorgteamInvitationWithdrawn: contract.ZorgteamInvitationWithdrawn,
    Case.ParentsConversationHeld: contract.ParentsConversationHeld,
    Case.ParentsConversationSkipped: contract.ParentsConversationSkipped,
    Case.RiskWeighed: contract.RiskWeighed,
    Case.DecisionMade: contract.DecisionMade,
    Case.HelpOrganised: contract.HelpOrganised,
    Case.ParentsInformed: contract.ParentsInformed,
    Case.ParentsInformingExceptionRecorded: contract.ParentsInformingExceptionRecorded,
    Case.ChildInformed: contract.ChildInformed,
    Case.ChildInformingExceptionRecorded: contract.ChildInformingExceptionRecorded,
    Case.ReporterAnonymityAgreed: contract.ReporterAnonymityAgreed,
    Case.AmkNotified: contract.AmkNotified,
    Case.VeiligThuisFeedbackReceived: contract.VeiligThuisFeedbackReceived,
    Case.CareCoordinatorAssigned: contract.CareCoordinatorAssigned,
    Case.FollowUpScheduled: contract.FollowUpScheduled,
    Case.FollowUpEvaluated: contract.FollowUpEvaluated,
    Case.CaseClosed: contract.CaseClosed,
    Case.CaseReopened: contract.CaseReopened,
    Case.PupilLeftSchool: contract.PupilLeftSchool,
    Case.CaseTransferred: contract.CaseTransferred,
    Case.JgzConsultationRequested: contract.JgzConsultationRequested,
    Case.JgzConsultationResultReceived: contract.JgzConsultationResultReceived,
    Case.CaseHandedOverToJgz: contract.CaseHandedOverToJgz,
    Case.ObligationsChanged: contract.CaseObligationsChanged,
}

DERIVED_FIELDS = {"case_id", "opened_by"}


def to_contract_event(domain_event: Any) -> Envelope | None:
    contract_type = CONTRACT_EVENTS.get(type(domain_event))
    if contract_type is None:
        return None
    payload_type = contract_type.model_fields["payload"].annotation
    assert isinstance(payload_type, type)
    fields = {
        name: getattr(domain_event, name) for name in payload_type.model_fields if name not in DERIVED_FIELDS
    }
    fields["case_id"] = domain_event.originator_id
    if isinstance(domain_event, Case.Opened):
        fields["opened_by"] = domain_event.actor_id
    envelope = envelope_fields(domain_event, subject_id=domain_event.originator_id)
    return contract_type.model_validate({**envelope, "payload": payload_type(**fields)})
