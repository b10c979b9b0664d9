"""What notifications knows of a case, and the casework events as facts for the task rules.

A case's events all carry the case id as Kafka key, so they arrive in order; the small per-case
state (`CaseState`) is therefore the same on every replay. It holds only ids: who owns the case,
who informs the parents, who reported, who coordinates the care, and at which school it is. How
far the case got, and what is due when, is casework's: it publishes the step and the open
obligations with their due days (`CaseObligationsChanged`, ADR 18).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from meldcode_vocabulary import REPORTING_OUTCOMES

from .tasks import must_be_utc


class CaseEventType(StrEnum):
    """The casework events notifications reacts to (values are the contract event names)."""

    OWNER_CHANGED = "CaseOwnerChanged"
    CONVERSATION_HELD = "ParentsConversationHeld"
    CONVERSATION_SKIPPED = "ParentsConversationSkipped"
    RISK_WEIGHED = "RiskWeighed"
    DECISION_MADE = "DecisionMade"
    HELP_ORGANISED = "HelpOrganised"
    PARENTS_INFORMED = "ParentsInformed"
    PARENTS_INFORMING_EXCEPTION = "ParentsInformingExceptionRecorded"
    CHILD_INFORMED = "ChildInformed"
    CHILD_INFORMING_EXCEPTION = "ChildInformingExceptionRecorded"
    REPORTER_ANONYMITY_AGREED = "ReporterAnonymityAgreed"
    REPORTED = "AmkNotified"
    FEEDBACK_RECEIVED = "VeiligThuisFeedbackReceived"
    CARE_COORDINATOR_ASSIGNED = "CareCoordinatorAssigned"
    FOLLOW_UP_SCHEDULED = "FollowUpScheduled"
    FOLLOW_UP_EVALUATED = "FollowUpEvaluated"
    CLOSED = "CaseClosed"
    REOPENED = "CaseReopened"
    PUPIL_LEFT_SCHOOL = "PupilLeftSchool"
    TRANSFERRED = "CaseTransferred"
    OBLIGATIONS_CHANGED = "CaseObligationsChanged"
    ZORGTEAM_MEMBER_INVITED = "ZorgteamMemberInvited"
    ZORGTEAM_INVITATION_WITHDRAWN = "ZorgteamInvitationWithdrawn"


@dataclass(frozen=True)
class OwnerChange:
    previous_owner_id: str
    new_owner_id: str


@dataclass(frozen=True)
class DecisionTaken:
    outcome: str
    who_informs_parents: str | None

    @property
    def reports(self) -> bool:
        return self.outcome in REPORTING_OUTCOMES


@dataclass(frozen=True)
class Report:
    reporter_id: str


@dataclass(frozen=True)
class CoordinatorNamed:
    coordinator_id: str


@dataclass(frozen=True)
class Invitation:
    """Who was invited into the case's zorgteam, or whose invitation was withdrawn."""

    member_id: str


@dataclass(frozen=True)
class Transfer:
    to_school: str
    new_owner_id: str


@dataclass(frozen=True)
class PublishedObligation:
    """An open obligation as casework published it: an `ObligationKind` code (one this version
    does not know is kept as it is) and its due day, if it has a term."""

    kind: str
    due_on: date | None = None


@dataclass(frozen=True)
class ObligationsPublished:
    """Casework's step and open obligations of the case, after the command that changed them."""

    step: str
    obligations: tuple[PublishedObligation, ...]


Detail = (
    OwnerChange | DecisionTaken | Report | CoordinatorNamed | Transfer | ObligationsPublished | Invitation
)

DETAIL_OF: dict[CaseEventType, type[Detail]] = {
    CaseEventType.OWNER_CHANGED: OwnerChange,
    CaseEventType.DECISION_MADE: DecisionTaken,
    CaseEventType.REPORTED: Report,
    CaseEventType.CARE_COORDINATOR_ASSIGNED: CoordinatorNamed,
    CaseEventType.TRANSFERRED: Transfer,
    CaseEventType.OBLIGATIONS_CHANGED: ObligationsPublished,
    CaseEventType.ZORGTEAM_MEMBER_INVITED: Invitation,
    CaseEventType.ZORGTEAM_INVITATION_WITHDRAWN: Invitation,
}
"""The events whose facts carry more than ids; every other event carries no detail."""


@dataclass(frozen=True)
class CaseEvent:
    """A casework event after `CaseOpened` (see `translation`): ids, times and, per type, the few
    fields the task rules need (`detail`). Never a description, a reason or a name."""

    type: CaseEventType
    event_id: uuid.UUID
    occurred_at: datetime
    tenant: str
    school: str
    case_id: uuid.UUID
    pupil_id: uuid.UUID
    detail: Detail | None = None

    def __post_init__(self) -> None:
        must_be_utc(self.occurred_at, "occurred_at")
        wanted = DETAIL_OF.get(self.type)
        if wanted is None and self.detail is not None:
            raise ValueError(f"{self.type.value} carries no detail")
        if wanted is not None and not isinstance(self.detail, wanted):
            raise ValueError(f"{self.type.value} needs a {wanted.__name__}")


@dataclass(frozen=True)
class CaseState:
    """What the task rules remember of a case between its events."""

    tenant: str
    case_id: uuid.UUID
    pupil_id: uuid.UUID
    school: str
    """The school the case is at now (changes with `CaseTransferred`)."""
    owner_id: str | None
    """The responsible case owner now; unknown when the case was opened before this was kept."""
    care_coordinator_id: str | None = None
    parents_informer_id: str | None = None
    """Who the current decision says informs the parents before the report (else the owner)."""
    reporter_id: str | None = None
    """Who made the latest report to Veilig Thuis: they expect its feedback."""
    closed: bool = False
    """Closed (`CaseClosed`, until a `CaseReopened`): its pupil leaving alerts nobody about it."""
    weighed: bool = False
    """The weighing was recorded (`RiskWeighed`): a zorgteam member invited later has no weighing
    to take part in."""

    @classmethod
    def first_seen(cls, event: CaseEvent) -> CaseState:
        """A case whose opening notifications did not see: only what the event itself says."""
        return cls(
            tenant=event.tenant,
            case_id=event.case_id,
            pupil_id=event.pupil_id,
            school=event.school,
            owner_id=None,
        )
