"""The events of a case (`Case.SignalsAdded`, ...), defined here and listed in `Case`'s body.

Each `apply` only mutates state, because it runs again when the case is rebuilt from its events.

New events are stored under topics of this module (`casework.domain.events:SignalsAdded`); those
stored before, when the classes were nested in `Case`, under `casework.domain.case:Case.<Name>`,
which still resolve because `Case` lists every event under its name. The JGZ events are in jgz.py.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate

from meldcode_vocabulary import ObligationKind

from .actor import Actor
from .decision import Answers, Decision, Outcome
from .decision_round import DecisionRound
from .help import AgreedHelp
from .obligations import Obligation
from .parents import SafetyGround
from .report import AnonymityGround, ChildExceptionGround
from .steps import Step
from .weighing import Weighing

if TYPE_CHECKING:
    from .case import Case


class CaseEvent(Aggregate.Event):
    """Base of a case's events (`Case.Event`): each carries tenant, school, pupil_id, actor_id,
    actor_role and correlation_id, so that a contract envelope can be built from the event alone, and
    its `apply` only mutates state, because it runs again when the case is rebuilt from its events."""

    tenant: str
    school: str
    pupil_id: uuid.UUID
    actor_id: str
    actor_role: str
    correlation_id: str

    @property
    def by(self) -> Actor:
        """Who gave the command that caused this event."""
        return Actor(self.actor_id, self.actor_role, self.correlation_id)


class Opened(CaseEvent, Aggregate.Created):
    """Rule 4: the case was opened from signals of one pupil (its `__init__` is `Case.__init__`)."""

    signal_ids: list[uuid.UUID]
    case_owner_id: str


class SignalsAdded(CaseEvent):
    """Rule 9: signals of the pupil recorded after the case was opened became part of it."""

    signal_ids: list[uuid.UUID]
    added_on: date

    def apply(self, aggregate: Case) -> None:
        aggregate.signal_ids = [*aggregate.signal_ids, *self.signal_ids]


class CaseOwnerChanged(CaseEvent):
    previous_owner_id: str
    new_owner_id: str

    def apply(self, aggregate: Case) -> None:
        aggregate.case_owner_id = self.new_owner_id


class ZorgteamMemberInvited(CaseEvent):
    member_id: str
    organisation: str | None
    invited_on: date

    def apply(self, aggregate: Case) -> None:
        aggregate.zorgteam_members[self.member_id] = self.organisation


class ZorgteamInvitationWithdrawn(CaseEvent):
    member_id: str
    withdrawn_on: date

    def apply(self, aggregate: Case) -> None:
        aggregate.zorgteam_members.pop(self.member_id, None)


class ParentsConversationHeld(CaseEvent):
    personal_data = ("participants", "summary")
    erased_as = {"participants": ["[gewist]"]}  # noqa: RUF012 - read by the sealing mapper

    held_on: date
    participants: list[str]
    summary: str

    def apply(self, aggregate: Case) -> None:
        aggregate.parents_conversations += 1
        if aggregate.step is Step.OPENED:
            aggregate.step = Step.PARENTS_CONVERSATION


class ParentsConversationSkipped(CaseEvent):
    personal_data = ("explanation",)

    skipped_on: date
    reason: str
    explanation: str

    def apply(self, aggregate: Case) -> None:
        aggregate.parents_conversation_skip = SafetyGround(self.reason)
        if aggregate.step is Step.OPENED:
            aggregate.step = Step.PARENTS_CONVERSATION


class RiskWeighed(CaseEvent):
    personal_data = ("participants", "nature", "approach")
    erased_as: ClassVar[dict[str, object]] = {"participants": []}  # read by the sealing mapper

    weighed_on: date
    participants: list[dict[str, str]]
    nature: str
    severity: str
    risk_level: str
    q1_suspicion: bool
    q2_acute_unsafety: bool
    q2_structural_unsafety: bool
    approach: str

    def apply(self, aggregate: Case) -> None:
        aggregate.weighing = Weighing.from_event_fields(
            participants=self.participants,
            nature=self.nature,
            severity=self.severity,
            risk_level=self.risk_level,
            q1_suspicion=self.q1_suspicion,
            q2_acute_unsafety=self.q2_acute_unsafety,
            q2_structural_unsafety=self.q2_structural_unsafety,
            approach=self.approach,
        )
        aggregate.step = Step.WEIGHED


class DecisionMade(CaseEvent):
    personal_data = ("reasons",)

    decided_on: date
    q1_suspicion: bool | None
    q2_acute_or_structural_unsafety: bool | None
    q3_sufficient_help_possible: bool | None
    q4_help_accepted: bool | None
    q5_lasting_safety: bool | None
    outcome: str
    reasons: str
    who_reports: str | None
    who_informs_parents: str | None

    def apply(self, aggregate: Case) -> None:
        aggregate.decision_round = DecisionRound(
            decision=Decision(
                answers=Answers(
                    self.q1_suspicion,
                    self.q2_acute_or_structural_unsafety,
                    self.q3_sufficient_help_possible,
                    self.q4_help_accepted,
                    self.q5_lasting_safety,
                ),
                outcome=Outcome(self.outcome),
                reasons=self.reasons,
                who_reports=self.who_reports,
                who_informs_parents=self.who_informs_parents,
            )
        )
        aggregate.decisions_made += 1
        aggregate.must_report_again = False
        aggregate.step = Step.DECIDED


class HelpOrganised(CaseEvent):
    personal_data = ("help_description", "teacher_advice")

    organised_on: date
    help_description: str
    providers: list[str]
    teacher_advice: str
    agreed_term_until: date | None

    def apply(self, aggregate: Case) -> None:
        aggregate.decision_round = replace(
            aggregate.decision_round,
            help_organised=True,
            help=AgreedHelp(
                organised_on=self.organised_on,
                description=self.help_description,
                providers=tuple(self.providers),
                agreed_term_until=self.agreed_term_until,
            ),
        )


class ParentsInformed(CaseEvent):
    personal_data = ("summary",)

    informed_on: date
    informed_by: str
    summary: str

    def apply(self, aggregate: Case) -> None:
        aggregate.decision_round = replace(aggregate.decision_round, parents_informed=True)


class ParentsInformingExceptionRecorded(CaseEvent):
    personal_data = ("explanation",)

    recorded_on: date
    ground: str
    explanation: str

    def apply(self, aggregate: Case) -> None:
        aggregate.decision_round = replace(
            aggregate.decision_round, parents_exception=SafetyGround(self.ground)
        )


class ChildInformed(CaseEvent):
    personal_data = ("summary",)

    informed_on: date
    informed_by: str
    summary: str

    def apply(self, aggregate: Case) -> None:
        aggregate.decision_round = replace(aggregate.decision_round, child_informed=True)


class ChildInformingExceptionRecorded(CaseEvent):
    personal_data = ("explanation",)

    recorded_on: date
    ground: str
    explanation: str

    def apply(self, aggregate: Case) -> None:
        aggregate.decision_round = replace(
            aggregate.decision_round, child_exception=ChildExceptionGround(self.ground)
        )


class ReporterAnonymityAgreed(CaseEvent):
    personal_data = ("reporter_id", "argument")

    agreed_on: date
    reporter_id: str
    ground: str
    argument: str

    def apply(self, aggregate: Case) -> None:
        aggregate.decision_round = replace(
            aggregate.decision_round, anonymity_ground=AnonymityGround(self.ground)
        )


class AmkNotified(CaseEvent):
    personal_data = ("reporter_id", "school_continues")

    reported_on: date
    veilig_thuis_region: str
    veilig_thuis_organisation: str
    reporter_id: str
    reporter_anonymous_to_family: bool
    signal_ids: list[uuid.UUID]
    school_continues: str
    parents_informed: bool
    pupil_age_on_report: int
    child_informed: bool

    def apply(self, aggregate: Case) -> None:
        aggregate.decision_round = replace(aggregate.decision_round, reported=True)
        aggregate.reports += 1
        aggregate.feedback_received = False
        aggregate.step = Step.REPORTED
        aggregate.reported_on = self.reported_on
        # Every report expects its own feedback: its due day counts from this report.
        aggregate.fresh_obligations = (ObligationKind.FEEDBACK.value,)


class VeiligThuisFeedbackReceived(CaseEvent):
    personal_data = ("steps_taken",)

    received_on: date
    steps_taken: str

    def apply(self, aggregate: Case) -> None:
        aggregate.feedback_received = True


class CareCoordinatorAssigned(CaseEvent):
    assigned_on: date
    coordinator_id: str
    organisation: str

    def apply(self, aggregate: Case) -> None:
        aggregate.care_coordinator_id = self.coordinator_id
        aggregate.step = Step.FOLLOW_UP


class FollowUpScheduled(CaseEvent):
    personal_data = ("agreements",)

    scheduled_on: date
    evaluation_on: date
    agreements: str

    def apply(self, aggregate: Case) -> None:
        aggregate.decision_round = replace(
            aggregate.decision_round, evaluation_on=self.evaluation_on, lasting_safety=None
        )
        aggregate.step = Step.FOLLOW_UP


class FollowUpEvaluated(CaseEvent):
    personal_data = ("findings",)

    evaluated_on: date
    lasting_safety: bool
    findings: str
    decision_reopened: bool

    def apply(self, aggregate: Case) -> None:
        aggregate.decision_round = replace(aggregate.decision_round, lasting_safety=self.lasting_safety)
        if self.decision_reopened:
            aggregate.decision_round = DecisionRound()
            aggregate.must_report_again = True
            aggregate.step = Step.WEIGHED


class CaseClosed(CaseEvent):
    """Version 2 added `aftercare` (rule 13: closing with aftercare agreements); version 1
    events, stored before that, are read with `aftercare` None."""

    personal_data = ("reason", "aftercare")

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["aftercare"] = None

    closed_on: date
    reason: str
    aftercare: str | None

    def apply(self, aggregate: Case) -> None:
        aggregate.step_before_close = aggregate.step
        aggregate.close_reason = self.reason
        aggregate.step = Step.CLOSED


class CaseReopened(CaseEvent):
    personal_data = ("reason",)

    reopened_on: date
    reason: str

    def apply(self, aggregate: Case) -> None:
        aggregate.decision_round = DecisionRound()
        aggregate.must_report_again = False
        aggregate.close_reason = None
        aggregate.step = Step.WEIGHED if aggregate.weighing is not None else aggregate.step_before_close


class PupilLeftSchool(CaseEvent):
    left_on: date
    destination_school: str | None

    def apply(self, aggregate: Case) -> None:
        aggregate.left_school_on = self.left_on


class CaseTransferred(CaseEvent):
    personal_data = ("legal_basis_explanation",)

    transferred_on: date
    to_school: str
    legal_basis: str
    legal_basis_explanation: str
    new_case_owner_id: str

    def apply(self, aggregate: Case) -> None:
        aggregate.school = self.to_school
        aggregate.case_owner_id = self.new_case_owner_id
        aggregate.left_school_on = None
        aggregate.transfers += 1


class ObligationsChanged(CaseEvent):
    """Casework's decision on where the case stands and what is still to be done, with due days
    (ADR 18). Recorded after the event of the command that changed them, in the same save; the due
    days are stored as decided, so a replay never recomputes them with other terms."""

    step: str
    obligations: list[dict[str, Any]]
    """Each {"kind": an ObligationKind code, "due_on": a date or None}, in the order listed."""

    def apply(self, aggregate: Case) -> None:
        aggregate.published_step = Step(self.step)
        aggregate.obligations = tuple(
            Obligation(ObligationKind(o["kind"]), o["due_on"]) for o in self.obligations
        )
        aggregate.fresh_obligations = ()
