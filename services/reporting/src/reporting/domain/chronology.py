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
from typing import Any, Final, TypeAlias

from meldcode_vocabulary import EVENT_LABELS, FALLBACK_LABEL, SignalStatus

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

    @property
    def waits_for_case(self) -> uuid.UUID | None:
        """The case whose pupil this entry waits for: it names its case but not its pupil."""
        return self.case_id if self.pupil_id is None else None


@dataclass(frozen=True)
class StoredEntry:
    """A chronology entry with the mark the corrections referring to it left on it."""

    entry: ChronologyEntry
    corrections: int
    latest_correction_id: uuid.UUID | None

    @property
    def corrected(self) -> bool:
        return self.corrections > 0


@dataclass(frozen=True)
class RecordedSignal:
    """A signal as its observer sees it in their own list; `facts` may hold personal data."""

    signal_id: uuid.UUID
    pupil_id: uuid.UUID
    pupil_display_name: str | None
    observed_on: date | None
    occurred_at: datetime
    corrections: int
    facts: dict[str, Any] = field(repr=False)
    pupil_number: str | None = field(default=None, repr=False)
    pupil_birth_year: int | None = field(default=None, repr=False)
    """With the number, what tells two pupils of the same name apart (the read model has no group)."""
    cases_citing: int = 0
    """How many cases cite the signal (opened from it, or it was added to them)."""
    teacher_advice: tuple[str, ...] = field(default=(), repr=False)
    """The handelingsgerichte adviezen for the teacher those cases recorded (`HelpOrganised`),
    oldest first: the only thing of a case its observer is told besides that there is one."""

    @property
    def status(self) -> SignalStatus:
        return SignalStatus.IN_CASE if self.cases_citing > 0 else SignalStatus.RECEIVED
