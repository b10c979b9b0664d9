"""The pupil's chronology (rule 2, accumulation): every signal and case event, over time.

One entry per event; every casework event (steps 2-6, JGZ consultation and hand-over, moving
school) is an entry with its `case_id` and the payload's facts, and so are the notifications events
that belong in a case's history (melding document, JGZ webhook delivered, reminder sent). A correction is an entry of its own that refers to the signal it corrects;
the corrected signal's entry is only *marked* as corrected, its facts are never overwritten
(rule 1).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Final, TypeAlias

from pydantic import BaseModel

from meldcode_contracts import (
    ColleagueConsulted,
    Envelope,
    ErasureApproved,
    ErasureApprovedPayload,
    ErasureRequested,
    ErasureRequestedPayload,
    PersonalDataErased,
    PersonalDataErasedPayload,
    PupilDeregistered,
    PupilDeregisteredPayload,
    SignalCorrected,
    SignalCorrectedPayload,
    SignalRecorded,
    SignalRecordedPayload,
)
from meldcode_contracts.cases import CasePayload
from meldcode_contracts.labels import EVENT_LABELS, FALLBACK_LABEL
from meldcode_contracts.notices import NoticePayload
from meldcode_contracts.signals import ColleagueConsultedPayload

JsonValue: TypeAlias = str | int | float | bool | list["JsonValue"] | dict[str, "JsonValue"] | None
Facts: TypeAlias = Mapping[str, JsonValue]


class EntryType(StrEnum):
    """The contract events that make up a chronology entry."""

    SIGNAL_RECORDED = "SignalRecorded"
    SIGNAL_CORRECTED = "SignalCorrected"
    COLLEAGUE_CONSULTED = "ColleagueConsulted"
    PUPIL_DEREGISTERED = "PupilDeregistered"
    ERASURE_REQUESTED = "ErasureRequested"
    ERASURE_APPROVED = "ErasureApproved"
    PERSONAL_DATA_ERASED = "PersonalDataErased"
    CASE_OPENED = "CaseOpened"
    CASE_SIGNALS_ADDED = "CaseSignalsAdded"
    """Signals recorded after opening that the case is now also built on (rule 9)."""
    CASE_OWNER_CHANGED = "CaseOwnerChanged"
    ZORGTEAM_MEMBER_INVITED = "ZorgteamMemberInvited"
    ZORGTEAM_INVITATION_WITHDRAWN = "ZorgteamInvitationWithdrawn"
    PARENTS_CONVERSATION_HELD = "ParentsConversationHeld"
    PARENTS_CONVERSATION_SKIPPED = "ParentsConversationSkipped"
    RISK_WEIGHED = "RiskWeighed"
    DECISION_MADE = "DecisionMade"
    HELP_ORGANISED = "HelpOrganised"
    PARENTS_INFORMED = "ParentsInformed"
    PARENTS_INFORMING_EXCEPTION_RECORDED = "ParentsInformingExceptionRecorded"
    CHILD_INFORMED = "ChildInformed"
    CHILD_INFORMING_EXCEPTION_RECORDED = "ChildInformingExceptionRecorded"
    REPORTER_ANONYMITY_AGREED = "ReporterAnonymityAgreed"
    AMK_NOTIFIED = "AmkNotified"
    VEILIG_THUIS_FEEDBACK_RECEIVED = "VeiligThuisFeedbackReceived"
    CARE_COORDINATOR_ASSIGNED = "CareCoordinatorAssigned"
    FOLLOW_UP_SCHEDULED = "FollowUpScheduled"
    FOLLOW_UP_EVALUATED = "FollowUpEvaluated"
    CASE_CLOSED = "CaseClosed"
    CASE_REOPENED = "CaseReopened"
    PUPIL_LEFT_SCHOOL = "PupilLeftSchool"
    CASE_TRANSFERRED = "CaseTransferred"
    JGZ_CONSULTATION_REQUESTED = "JgzConsultationRequested"
    JGZ_CONSULTATION_RESULT_RECEIVED = "JgzConsultationResultReceived"
    CASE_HANDED_OVER_TO_JGZ = "CaseHandedOverToJgz"
    # Notifications events that belong in a case's history:
    MELDING_DOCUMENT_ISSUED = "MeldingDocumentIssued"
    JGZ_WEBHOOK_DELIVERED = "JgzWebhookDelivered"
    REMINDER_SENT = "ReminderSent"


LABELS: Final[Mapping[str, str]] = {t: EVENT_LABELS[t] for t in EntryType}
ENTRY_TYPES: Final = frozenset(EntryType)


def label_for(event_type: str) -> str:
    """The short Dutch label a screen shows for an entry of this type."""
    return LABELS.get(event_type, FALLBACK_LABEL)


@dataclass(frozen=True)
class ChronologyEntry:
    """One event in a pupil's chronology. `facts` may hold personal data: it is kept out of `repr`."""

    event_id: uuid.UUID
    tenant: str
    school: str
    pupil_id: uuid.UUID | None
    """None only for a notifications event that names its case but not its pupil: the read model
    attaches it to the case's pupil once the case is known."""
    event_type: str
    occurred_at: datetime
    sequence: int
    actor_id: str
    actor_role: str
    facts: Facts = field(repr=False)
    observed_on: date | None = None
    signal_id: uuid.UUID | None = None
    """The signal this entry records or corrects."""
    case_id: uuid.UUID | None = None

    @property
    def label(self) -> str:
        return label_for(self.event_type)


def _facts(payload: BaseModel) -> dict[str, JsonValue]:
    """The payload as JSON, without the pupil id (the entry has its own column for it)."""
    facts: dict[str, JsonValue] = payload.model_dump(mode="json", exclude={"pupil_id"})
    return facts


def _entry(
    event: Envelope,
    payload: SignalRecordedPayload
    | SignalCorrectedPayload
    | PupilDeregisteredPayload
    | PersonalDataErasedPayload
    | ErasureRequestedPayload
    | ErasureApprovedPayload
    | ColleagueConsultedPayload
    | CasePayload
    | NoticePayload,
    *,
    observed_on: date | None = None,
    signal_id: uuid.UUID | None = None,
    case_id: uuid.UUID | None = None,
) -> ChronologyEntry:
    """The entry of `event`: its envelope, the pupil its payload names and the payload as facts."""
    return ChronologyEntry(
        event_id=event.event_id,
        tenant=event.tenant,
        school=event.school,
        pupil_id=payload.pupil_id,
        event_type=event.event_type,
        occurred_at=event.occurred_at,
        sequence=event.sequence,
        actor_id=event.actor.user_id,
        actor_role=event.actor.role.value,
        facts=_facts(payload),
        observed_on=observed_on,
        signal_id=signal_id,
        case_id=case_id,
    )


def chronology_entry(event: Envelope) -> ChronologyEntry | None:
    """The entry an event adds to its pupil's chronology, or None for events that add none."""
    if isinstance(event, SignalRecorded | SignalCorrected):
        p = event.payload
        return _entry(event, p, observed_on=p.observed_on, signal_id=p.signal_id)
    if isinstance(event, PupilDeregistered):
        return _entry(event, event.payload)
    if isinstance(event, ErasureRequested | ErasureApproved):
        # The four eyes of an erasure on request: who asked, who approved (ADR 10).
        return _entry(event, event.payload)
    if isinstance(event, PersonalDataErased):
        # Why and when the pupil's personal data was erased (ADR 10): the entries stay, their
        # personal facts read as "[gewist]" from then on.
        return _entry(event, event.payload)
    if isinstance(event, ColleagueConsulted):
        # Step 2 (rule 3): who was consulted and the advice; the signals discussed stay in the facts.
        # (An advice request to Veilig Thuis is anonymous and names no pupil: it enters no chronology.)
        return _entry(event, event.payload)
    payload = getattr(event, "payload", None)
    if isinstance(payload, CasePayload) and event.event_type in ENTRY_TYPES:
        # Every casework event; `school` is the case's school at the time of the event (for a
        # transfer: the school it was handed over from).
        return _entry(event, payload, case_id=payload.case_id)
    if isinstance(payload, NoticePayload) and event.event_type in ENTRY_TYPES:
        # What notifications sent about a case or pupil (document, JGZ webhook, reminder). Without
        # either it belongs in no chronology.
        if payload.pupil_id is None and payload.case_id is None:
            return None
        return _entry(event, payload, case_id=payload.case_id)
    return None
