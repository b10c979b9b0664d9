"""A Meldcode case about one pupil, from opening (step 2) to follow-up (step 6).

State machine (`Case.step`; every command on a closed case is refused with `CaseClosedAlready`,
except `reopen`, `record_pupil_left_school` and `receive_jgz_consultation_result`):

    geopend ──conversation held / skipped──▶ gesprek_ouders ──RiskWeighed──▶ weging
    weging ──RiskWeighed (again)──▶ weging ──DecisionMade──▶ besluit
    besluit ──AmkNotified (decision says report; parents + child 12+ informed or excepted)──▶ melding
    besluit | melding ──CareCoordinatorAssigned (report made if decided, help organised if decided)──▶ volgen
    volgen ──FollowUpScheduled──▶ volgen ──FollowUpEvaluated(lasting safety: yes)──▶ volgen
    volgen ──FollowUpEvaluated(lasting safety: no)──▶ weging   (decision reopened; the next one must report)
    any open step ──CaseClosed (reason; see below)──▶ gesloten ──CaseReopened──▶ weging
                                                      (or the step before closing, if never weighed)

Recorded in any open step, without changing it: SignalsAdded (rule 9: signals recorded after opening),
ParentsConversationHeld (step 3 recurs at every step), ParentsConversationSkipped, CaseOwnerChanged, PupilLeftSchool, CaseTransferred (after PupilLeftSchool),
HelpOrganised (when the decision includes help), VeiligThuisFeedbackReceived (after a report),
JgzConsultationRequested and CaseHandedOverToJgz (the samenwerkingsverband has a JGZ partner; a
hand-over needs a legal basis). JgzConsultationResultReceived is recorded in any step, once per message.
In `besluit` before the report: ParentsInformed / ParentsInformingExceptionRecorded, ChildInformed /
ChildInformingExceptionRecorded, ReporterAnonymityAgreed. A new DecisionMade starts these afresh: every
report has its own preparation (rule 8).

Closing (rule 13) needs a reason; before any weighing it is allowed (e.g. worries taken away in the
parents conversation); after a weighing it needs a decision; with acute or structural unsafety, or a
decision to report, it needs the report; after a decision with help it needs an evaluation that found
lasting safety.

Commands validate and then trigger an event; each event's `apply` only mutates state, because it runs
again when the case is rebuilt from its events.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate, event
from eventsourcing.domain import Snapshot as LibrarySnapshot

from meldcode_contracts.vocabulary import ObligationKind

from . import obligations as ob
from .decision import Answers, Decision, Outcome
from .errors import (
    AddedSignalsOfAnotherPupil,
    AlreadyInvited,
    AnonymityNeedsLegalGround,
    CareCoordinatorNeeded,
    CaseClosedAlready,
    CaseNeedsSignals,
    CaseNotClosed,
    CaseOwnerUnchanged,
    ChildOver12MustBeInformed,
    CloseNeedsDecision,
    CloseNeedsReason,
    ConversationNeedsContent,
    DateInFuture,
    DateOfBirthInvalid,
    DecidedReportNotMade,
    DecisionAlreadyMade,
    DecisionContradictsWeighing,
    EvaluationBeforeClosingAfterHelp,
    EvaluationDateNotAfterToday,
    EvaluationNeedsFindings,
    EvaluationNotScheduled,
    ExceptionNeedsLegalGround,
    FeedbackBeforeReport,
    FeedbackBeforeReportDay,
    FeedbackNeedsContent,
    FollowUpBeforeHelp,
    FollowUpBeforeReport,
    FollowUpNeedsCareCoordinator,
    FollowUpNeedsDecision,
    HelpNeedsContent,
    HelpNotDecided,
    InformingNeedsContent,
    InvitationNeedsMember,
    JgzConsultationNeedsQuestion,
    JgzConsultationNotByIbOrCaseOwner,
    JgzHandoverNeedsLegalBasis,
    JgzHandoverNeedsSummary,
    JgzPartnerNotConfigured,
    JgzResultForUnknownRequest,
    JgzResultNeedsContent,
    NoDecisionBeforeWeighing,
    NoLastingSafetyRequiresReport,
    NotInvited,
    OnlyCareStaffOpensCases,
    ParentsConversationFirst,
    PupilAlreadyLeft,
    ReopenNeedsReason,
    ReportAlreadyMade,
    ReporterNotAsDecided,
    ReportNeedsContent,
    ReportNeedsParentsInformed,
    ReportNeedsSignals,
    ReportNotDecided,
    ReportSignalsOfAnotherCase,
    SignalsAlreadyInCase,
    SignalsOfAnotherPupil,
    SignalsToAddNeeded,
    SkipNeedsReason,
    TransferNeedsLegalBasis,
    TransferNeedsPupilLeft,
    TransferOutsideSamenwerkingsverband,
    TransferToSameSchool,
    TransferToUnknownSchool,
    UnknownSignals,
    UnknownSignalsToAdd,
    UnsafeCaseNeedsReport,
    WeighingAfterDecision,
)
from .help import AgreedHelp
from .jgz import JgzConsultation, JgzHandover, JgzLegalBasis, JgzResult
from .obligations import Obligation
from .parents import SafetyGround
from .report import CHILD_INFORMED_FROM_AGE, AnonymityGround, ChildExceptionGround, age_on
from .snapshot import from_plain, to_plain
from .steps import Step
from .terms import Terms
from .transfer import TransferLegalBasis
from .values import choose, text
from .weighing import Participant, RiskLevel, Severity, Weighing

CASE_OPENER_ROLES = frozenset({"intern_begeleider"})
MIN_EXPLANATION_LENGTH = 10


@dataclass(frozen=True)
class KnownSignal:
    """A signal as casework learned it from the signals service's events."""

    signal_id: uuid.UUID
    pupil_id: uuid.UUID
    tenant: str
    school: str


def _not_in_future(day: date, today: date, what: str) -> None:
    if day > today:
        raise DateInFuture(f"De datum van {what} ligt in de toekomst.")


def _explained(explanation: str, error: type[Exception], message: str) -> str:
    if len(text(explanation)) < MIN_EXPLANATION_LENGTH:
        raise error(f"{message} (minstens {MIN_EXPLANATION_LENGTH} tekens).")
    return text(explanation)


class CaseEvent(Aggregate.Event):
    """Base of a case's events after `Case.Opened`: each carries tenant, school, pupil_id, actor_id,
    actor_role and correlation_id, so that a contract envelope can be built from the event alone, and
    its `apply` only mutates state, because it runs again when the case is rebuilt from its events."""

    tenant: str
    school: str
    pupil_id: uuid.UUID
    actor_id: str
    actor_role: str
    correlation_id: str


class Case(Aggregate):
    class Opened(Aggregate.Created):
        tenant: str
        school: str
        pupil_id: uuid.UUID
        signal_ids: list[uuid.UUID]
        case_owner_id: str
        actor_id: str
        actor_role: str
        correlation_id: str

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
            aggregate._forget_decision()
            aggregate.decision = Decision(
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
            aggregate.help_organised = True
            aggregate.help = AgreedHelp(
                organised_on=self.organised_on,
                description=self.help_description,
                providers=tuple(self.providers),
                agreed_term_until=self.agreed_term_until,
            )

    class ParentsInformed(CaseEvent):
        personal_data = ("summary",)

        informed_on: date
        informed_by: str
        summary: str

        def apply(self, aggregate: Case) -> None:
            aggregate.parents_informed = True

    class ParentsInformingExceptionRecorded(CaseEvent):
        personal_data = ("explanation",)

        recorded_on: date
        ground: str
        explanation: str

        def apply(self, aggregate: Case) -> None:
            aggregate.parents_exception = SafetyGround(self.ground)

    class ChildInformed(CaseEvent):
        personal_data = ("summary",)

        informed_on: date
        informed_by: str
        summary: str

        def apply(self, aggregate: Case) -> None:
            aggregate.child_informed = True

    class ChildInformingExceptionRecorded(CaseEvent):
        personal_data = ("explanation",)

        recorded_on: date
        ground: str
        explanation: str

        def apply(self, aggregate: Case) -> None:
            aggregate.child_exception = ChildExceptionGround(self.ground)

    class ReporterAnonymityAgreed(CaseEvent):
        personal_data = ("reporter_id", "argument")

        agreed_on: date
        reporter_id: str
        ground: str
        argument: str

        def apply(self, aggregate: Case) -> None:
            aggregate.anonymity_ground = AnonymityGround(self.ground)

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
            aggregate.reported = True
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
            aggregate.evaluation_on = self.evaluation_on
            aggregate.lasting_safety = None
            aggregate.step = Step.FOLLOW_UP

    class FollowUpEvaluated(CaseEvent):
        personal_data = ("findings",)

        evaluated_on: date
        lasting_safety: bool
        findings: str
        decision_reopened: bool

        def apply(self, aggregate: Case) -> None:
            aggregate.lasting_safety = self.lasting_safety
            if self.decision_reopened:
                aggregate._forget_decision()
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
            aggregate._forget_decision()
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

    class JgzConsultationRequested(CaseEvent):
        personal_data = ("question",)

        request_id: uuid.UUID
        requested_on: date
        jgz_organisation: str
        question: str
        requested_by: str

        def apply(self, aggregate: Case) -> None:
            aggregate.jgz_consultations.append(
                JgzConsultation(
                    request_id=self.request_id,
                    requested_on=self.requested_on,
                    jgz_organisation=self.jgz_organisation,
                    question=self.question,
                    requested_by=self.requested_by,
                )
            )

    class JgzConsultationResultReceived(CaseEvent):
        personal_data = ("advice", "professional")

        message_id: str
        request_id: uuid.UUID | None
        jgz_organisation: str
        received_at: datetime
        advice: str
        professional: str

        def apply(self, aggregate: Case) -> None:
            aggregate.jgz_results.append(
                JgzResult(
                    message_id=self.message_id,
                    request_id=self.request_id,
                    jgz_organisation=self.jgz_organisation,
                    received_at=self.received_at,
                    advice=self.advice,
                    professional=self.professional,
                )
            )

    class CaseHandedOverToJgz(CaseEvent):
        personal_data = ("legal_basis_explanation", "summary")

        handover_id: uuid.UUID
        handed_over_on: date
        jgz_organisation: str
        legal_basis: str
        legal_basis_explanation: str
        summary: str

        def apply(self, aggregate: Case) -> None:
            aggregate.jgz_handovers.append(
                JgzHandover(
                    handover_id=self.handover_id,
                    handed_over_on=self.handed_over_on,
                    jgz_organisation=self.jgz_organisation,
                    legal_basis=JgzLegalBasis(self.legal_basis),
                    legal_basis_explanation=self.legal_basis_explanation,
                    summary=self.summary,
                )
            )

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

    class Snapshot(LibrarySnapshot):
        """A long case's state, stored as plain data and restored exactly (see snapshot.py)."""

        @classmethod
        def take(cls, aggregate: Any) -> Any:
            snapshot = super().take(aggregate)
            plain = to_plain(snapshot.state)
            snapshot.state.clear()
            snapshot.state.update(plain)
            return snapshot

        def mutate(self, _: None) -> Any:
            case = super().mutate(None)
            restored = from_plain(vars(case))
            vars(case).update(restored)
            return case

    @event(Opened)
    def __init__(
        self,
        *,
        tenant: str,
        school: str,
        pupil_id: uuid.UUID,
        signal_ids: list[uuid.UUID],
        case_owner_id: str,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.tenant = tenant
        self.school = school
        self.pupil_id = pupil_id
        self.signal_ids = list(signal_ids)
        self.case_owner_id = case_owner_id
        self.zorgteam_members: dict[str, str | None] = {}
        """The zorgteam members invited into the case (user id -> partner organisation or None)."""
        self.opened_by = actor_id
        self.step = Step.OPENED
        self.parents_conversations = 0
        self.parents_conversation_skip: SafetyGround | None = None
        self.weighing: Weighing | None = None
        self.decision: Decision | None = None
        self.decisions_made = 0
        self.must_report_again = False
        """A follow-up evaluation found no lasting safety: the next decision must report (rule 12)."""
        self.parents_informed = False
        self.parents_exception: SafetyGround | None = None
        self.child_informed = False
        self.child_exception: ChildExceptionGround | None = None
        self.anonymity_ground: AnonymityGround | None = None
        self.reported = False
        """A report was made under the current decision."""
        self.reports = 0
        self.reported_on: date | None = None
        """The day of the latest report (its feedback is due from then)."""
        self.feedback_received = False
        """Veilig Thuis gave feedback on the latest report."""
        self.help_organised = False
        self.help: AgreedHelp | None = None
        """The help agreed under the current decision (step 5), as organised."""
        self.care_coordinator_id: str | None = None
        self.evaluation_on: date | None = None
        self.lasting_safety: bool | None = None
        self.close_reason: str | None = None
        self.step_before_close = Step.OPENED
        self.left_school_on: date | None = None
        self.transfers = 0
        self.jgz_consultations: list[JgzConsultation] = []
        self.jgz_results: list[JgzResult] = []
        """Consultation results received; their message ids make the inbound endpoint idempotent."""
        self.jgz_handovers: list[JgzHandover] = []
        self.published_step: Step | None = None
        self.obligations: tuple[Obligation, ...] | None = None
        """The open obligations with their due days as last published (`ObligationsChanged`); None
        for a case stored before casework published them, until its next command."""
        self.fresh_obligations: tuple[str, ...] = ()
        """Kinds whose due day starts afresh at the next `settle_obligations` (a new report)."""

    @classmethod
    def open(
        cls,
        *,
        pupil_id: uuid.UUID,
        signal_ids: Sequence[uuid.UUID],
        known_signals: Sequence[KnownSignal],
        case_owner_id: str,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> Case:
        """Rule 4: an IB'er opens a case from one or more recorded signals of one pupil."""
        if actor_role not in CASE_OPENER_ROLES:
            raise OnlyCareStaffOpensCases(
                "Alleen de intern begeleider of aandachtsfunctionaris opent een zaak."
            )
        wanted = list(dict.fromkeys(signal_ids))
        if not wanted:
            raise CaseNeedsSignals("Open een zaak vanuit minstens één vastgelegd signaal.")
        by_id = {s.signal_id: s for s in known_signals}
        missing = [str(s) for s in wanted if s not in by_id]
        if missing:
            raise UnknownSignals(missing)
        found = [by_id[s] for s in wanted]
        if any(s.pupil_id != pupil_id for s in found) or len({(s.tenant, s.school) for s in found}) != 1:
            raise SignalsOfAnotherPupil("Alle signalen van een zaak gaan over dezelfde leerling en school.")
        return cls(
            tenant=found[0].tenant,
            school=found[0].school,
            pupil_id=pupil_id,
            signal_ids=wanted,
            case_owner_id=case_owner_id,
            actor_id=actor_id,
            actor_role=actor_role,
            correlation_id=correlation_id,
        )

    # --- queries -----------------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self.step is Step.CLOSED

    @property
    def unsafety(self) -> bool:
        """Afwegingskader question 2 answered "yes" in the current weighing."""
        return self.weighing is not None and self.weighing.unsafety

    def missing_for_report(
        self, *, pupil_date_of_birth: date | None = None, on: date | None = None
    ) -> list[Obligation]:
        """Rule 8: what is still needed before the report to Veilig Thuis can be made.

        Without the date of birth and the reporting date, informing the pupil is listed as conditional
        (`kind_informeren_vanaf_12`); with them it is listed (`kind_informeren`) only for a pupil of 12+.
        """
        needed: list[Obligation] = []
        if not (self.parents_informed or self.parents_exception):
            needed.append(ob.INFORM_PARENTS)
        if not (self.child_informed or self.child_exception):
            if pupil_date_of_birth is None or on is None:
                needed.append(ob.INFORM_CHILD_IF_12)
            elif age_on(pupil_date_of_birth, on) >= CHILD_INFORMED_FROM_AGE:
                needed.append(ob.INFORM_CHILD)
        return needed

    def open_obligations(
        self, *, pupil_date_of_birth: date | None = None, on: date | None = None
    ) -> list[Obligation]:
        """What must happen before the case can take its next step (empty when closed)."""
        if self.closed:
            return []
        needed: list[Obligation] = [ob.HAND_OVER] if self.left_school_on is not None else []
        if self.step is Step.OPENED:
            return [*needed, ob.PARENTS_CONVERSATION]
        if self.step is Step.PARENTS_CONVERSATION:
            return [*needed, ob.WEIGHING]
        if self.decision is None:
            return [*needed, ob.DECISION_AFTER_FAILED_EVALUATION if self.must_report_again else ob.DECISION]
        outcome = self.decision.outcome
        if outcome is Outcome.NO_SUSPICION_CLOSE:
            return [*needed, ob.CLOSE_NO_SUSPICION]
        if outcome.reports and not self.reported:
            needed += [*self.missing_for_report(pupil_date_of_birth=pupil_date_of_birth, on=on), ob.REPORT]
        if outcome.helps and not self.help_organised:
            needed.append(ob.ORGANISE_HELP)
        if self.reports and not self.feedback_received:
            needed.append(ob.FEEDBACK)
        if (outcome.reports and not self.reported) or (outcome.helps and not self.help_organised):
            return needed
        if outcome.helps or self.care_coordinator_id is not None:
            if self.care_coordinator_id is None:
                return [*needed, ob.CARE_COORDINATOR]
            if self.evaluation_on is None:
                return [*needed, ob.SCHEDULE_EVALUATION]
            if self.lasting_safety is None:
                return [*needed, ob.EVALUATE]
        return [*needed, ob.CLOSE]

    def published_obligations(
        self, *, pupil_date_of_birth: date | None = None, on: date | None = None
    ) -> list[Obligation]:
        """The open obligations with their due days as casework published them; for a case stored
        before it published any, those the rules give now, without due days."""
        if self.obligations is not None:
            return list(self.obligations)
        return self.open_obligations(pupil_date_of_birth=pupil_date_of_birth, on=on)

    # --- after every command: the published step and obligations (ADR 18) ----------------------------

    def settle_obligations(self, *, terms: Terms, on: date, pupil_date_of_birth: date | None = None) -> bool:
        """Record `ObligationsChanged` when the command just applied changed the step or the open
        obligations (a kind, or a due day); returns whether it did.

        `on` is the Dutch calendar day of the command and `terms` those of the case's
        samenwerkingsverband in force that day: an obligation that opens now gets its due day from
        them; one that stays open keeps the due day it was given, except the evaluation, which follows
        the scheduled day. Call it once after each command, before saving.
        """
        pending = self.pending_events
        if not pending or isinstance(pending[-1], Case.ObligationsChanged):
            return False
        cause = pending[-1]
        kept = {
            o.kind: o.due_on
            for o in self.obligations or ()
            if o.kind not in self.fresh_obligations and o.kind is not ObligationKind.EVALUATE
        }
        now = [
            o.due(
                kept[o.kind]
                if o.kind in kept
                else terms.due_on(
                    o.kind, opened_on=self._opened_on(o.kind, on), evaluation_on=self.evaluation_on
                )
            )
            for o in self.open_obligations(pupil_date_of_birth=pupil_date_of_birth, on=on)
        ]
        if self.obligations is not None and (self.published_step, list(self.obligations)) == (self.step, now):
            return False
        self.trigger_event(
            self.ObligationsChanged,
            **self._context(cause.actor_id, cause.actor_role, cause.correlation_id),  # type: ignore[attr-defined]
            step=self.step.value,
            obligations=[{"kind": o.kind.value, "due_on": o.due_on} for o in now],
        )
        return True

    def _opened_on(self, kind: ObligationKind, on: date) -> date:
        """The day an obligation opened: the report's day for its feedback (also when it shows again
        after the case was reopened), else the day of the command that opened it."""
        if kind is ObligationKind.FEEDBACK and self.reported_on is not None:
            return self.reported_on
        return on

    # --- guards --------------------------------------------------------------------------------------

    def _context(self, actor_id: str, actor_role: str, correlation_id: str) -> dict[str, Any]:
        return {
            "tenant": self.tenant,
            "school": self.school,
            "pupil_id": self.pupil_id,
            "actor_id": actor_id,
            "actor_role": actor_role,
            "correlation_id": correlation_id,
        }

    def _require_open(self) -> None:
        if self.closed:
            raise CaseClosedAlready("Deze zaak is gesloten. Heropen de zaak om verder te gaan.")

    def _require_report_preparation(self) -> Decision:
        self._require_open()
        if self.decision is None or not self.decision.outcome.reports:
            raise ReportNotDecided(
                "Het zorgteam heeft (nog) niet besloten tot een melding bij Veilig Thuis (afwegingskader)."
            )
        if self.reported:
            raise ReportAlreadyMade("De melding bij Veilig Thuis over dit besluit is al gedaan.")
        return self.decision

    def _require_follow_up(self) -> Decision:
        self._require_open()
        if self.decision is None or self.decision.outcome is Outcome.NO_SUSPICION_CLOSE:
            raise FollowUpNeedsDecision(
                "Volgen (stap 6) komt na een besluit van het zorgteam tot hulp of een melding."
            )
        if self.decision.outcome.reports and not self.reported:
            raise FollowUpBeforeReport("Doe eerst de besloten melding bij Veilig Thuis.")
        if self.decision.outcome.helps and not self.help_organised:
            raise FollowUpBeforeHelp("Organiseer eerst de besloten hulp.")
        return self.decision

    # --- rule 9: the facts of the case ----------------------------------------------------------------

    def add_signals(
        self,
        *,
        signal_ids: Sequence[uuid.UUID],
        known_signals: Sequence[KnownSignal],
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        """Rule 9: add signals of the pupil recorded after opening (at the case's school), so that a
        report can cite them; `known_signals` are those casework knows among `signal_ids`."""
        self._require_open()
        wanted = list(dict.fromkeys(signal_ids))
        if not wanted:
            raise SignalsToAddNeeded("Noem minstens één vastgelegd signaal om aan de zaak toe te voegen.")
        by_id = {s.signal_id: s for s in known_signals}
        missing = [str(s) for s in wanted if s not in by_id]
        if missing:
            raise UnknownSignalsToAdd(missing)
        if any(
            (s.pupil_id, s.tenant, s.school) != (self.pupil_id, self.tenant, self.school)
            for s in (by_id[w] for w in wanted)
        ):
            raise AddedSignalsOfAnotherPupil(
                "Alleen signalen over de leerling van deze zaak, vastgelegd op de school van de zaak, "
                "worden aan de zaak toegevoegd."
            )
        present = [str(s) for s in wanted if s in self.signal_ids]
        if present:
            raise SignalsAlreadyInCase(present)
        self.trigger_event(
            self.SignalsAdded,
            **self._context(actor_id, actor_role, correlation_id),
            signal_ids=wanted,
            added_on=today,
        )

    # --- rule 4: one case owner ------------------------------------------------------------------------

    def change_owner(self, *, new_owner_id: str, actor_id: str, actor_role: str, correlation_id: str) -> None:
        self._require_open()
        if not text(new_owner_id) or text(new_owner_id) == self.case_owner_id:
            raise CaseOwnerUnchanged("Een zaak heeft één eigenaar; noem een andere nieuwe eigenaar.")
        self.trigger_event(
            self.CaseOwnerChanged,
            **self._context(actor_id, actor_role, correlation_id),
            previous_owner_id=self.case_owner_id,
            new_owner_id=text(new_owner_id),
        )

    # --- the zorgteam: only the members invited into the case see it and work on it ----------------

    def invite_to_zorgteam(
        self,
        *,
        member_id: str,
        organisation: str | None,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self._require_open()
        member = text(member_id)
        if not member:
            raise InvitationNeedsMember("Noem wie u uitnodigt voor het zorgteam van deze zaak.")
        if member in self.zorgteam_members:
            raise AlreadyInvited("Deze persoon is al uitgenodigd voor het zorgteam van deze zaak.")
        self.trigger_event(
            self.ZorgteamMemberInvited,
            **self._context(actor_id, actor_role, correlation_id),
            member_id=member,
            organisation=text(organisation or "") or None,
            invited_on=today,
        )

    def withdraw_zorgteam_invitation(
        self, *, member_id: str, today: date, actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        if text(member_id) not in self.zorgteam_members:
            raise NotInvited("Deze persoon is niet uitgenodigd voor het zorgteam van deze zaak.")
        self.trigger_event(
            self.ZorgteamInvitationWithdrawn,
            **self._context(actor_id, actor_role, correlation_id),
            member_id=text(member_id),
            withdrawn_on=today,
        )

    def is_invited(self, user_id: str) -> bool:
        return user_id in self.zorgteam_members

    # --- step 3: parents conversation (rule 5) --------------------------------------------------------

    def hold_parents_conversation(
        self,
        *,
        held_on: date,
        participants: Sequence[str],
        summary: str,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        """Step 3; repeated at every step, so allowed in every open step."""
        self._require_open()
        _not_in_future(held_on, today, "het gesprek")
        names = [text(p) for p in participants if text(p)]
        if not names or not text(summary):
            raise ConversationNeedsContent(
                "Leg vast wie aan het gesprek met de ouders deelnamen en wat er is besproken."
            )
        self.trigger_event(
            self.ParentsConversationHeld,
            **self._context(actor_id, actor_role, correlation_id),
            held_on=held_on,
            participants=names,
            summary=text(summary),
        )

    def skip_parents_conversation(
        self,
        *,
        reason: SafetyGround | str,
        explanation: str,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        """Rule 5: no conversation (now), for the child's, others' or the reporter's safety, or for
        fear that the parents withdraw the child."""
        self._require_open()
        ground = choose(SafetyGround, reason, "reden om het gesprek met de ouders over te slaan")
        explained = _explained(
            explanation, SkipNeedsReason, "Licht toe waarom het gesprek met de ouders niet wordt gevoerd"
        )
        self.trigger_event(
            self.ParentsConversationSkipped,
            **self._context(actor_id, actor_role, correlation_id),
            skipped_on=today,
            reason=ground.value,
            explanation=explained,
        )

    # --- step 4: weighing (rules 5, 6) ----------------------------------------------------------------

    def weigh_risk(
        self,
        *,
        participants: Sequence[Participant],
        nature: str,
        severity: Severity | str,
        risk_level: RiskLevel | str,
        suspicion: bool,
        acute_unsafety: bool,
        structural_unsafety: bool,
        approach: str = "",
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self._require_open()
        if self.step is Step.OPENED:
            raise ParentsConversationFirst(
                "Voer eerst het gesprek met de ouders, of leg vast waarom dat niet kan, voordat het "
                "zorgteam weegt."
            )
        if self.step not in (Step.PARENTS_CONVERSATION, Step.WEIGHED):
            raise WeighingAfterDecision(
                "Het zorgteam heeft al besloten. Een nieuwe weging volgt na een evaluatie zonder "
                "blijvende veiligheid of na heropenen van de zaak."
            )
        weighing = Weighing.of(
            participants=list(participants),
            nature=nature,
            severity=severity,
            risk_level=risk_level,
            suspicion=suspicion,
            acute_unsafety=acute_unsafety,
            structural_unsafety=structural_unsafety,
            approach=approach,
        )
        self.trigger_event(
            self.RiskWeighed,
            **self._context(actor_id, actor_role, correlation_id),
            weighed_on=today,
            **weighing.as_event_fields(),
        )

    # --- step 5: decision (rule 7) ----------------------------------------------------------------------

    def make_decision(
        self,
        *,
        answers: Answers,
        outcome: Outcome | str,
        reasons: str,
        who_reports: str | None = None,
        who_informs_parents: str | None = None,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self._require_open()
        if self.step in (Step.OPENED, Step.PARENTS_CONVERSATION) or self.weighing is None:
            raise NoDecisionBeforeWeighing(
                "Het zorgteam besluit pas na de weging van de signalen en het risico (stap 4)."
            )
        if self.decision is not None:
            raise DecisionAlreadyMade(
                "Er is al een besluit. Het besluit wordt heropend door een evaluatie zonder blijvende "
                "veiligheid of door het heropenen van de zaak."
            )
        if answers.q1_suspicion != self.weighing.suspicion or (
            self.weighing.suspicion and answers.q2_acute_or_structural_unsafety != self.weighing.unsafety
        ):
            raise DecisionContradictsWeighing(
                "De antwoorden op vraag 1 en 2 van het afwegingskader wijken af van de weging. Weeg "
                "opnieuw als het beeld is veranderd."
            )
        decision = Decision.of(
            answers=answers,
            outcome=outcome,
            reasons=reasons,
            who_reports=who_reports,
            who_informs_parents=who_informs_parents,
        )
        if self.must_report_again and not decision.outcome.reports:
            raise NoLastingSafetyRequiresReport(
                "De evaluatie vond geen blijvende veiligheid: melden bij Veilig Thuis is nu verplicht "
                "(afwegingskader vraag 5)."
            )
        self.trigger_event(
            self.DecisionMade,
            **self._context(actor_id, actor_role, correlation_id),
            decided_on=today,
            **decision.as_event_fields(),
        )

    def _forget_decision(self) -> None:
        """Start a decision afresh: its preparations and follow-up belong to the previous decision."""
        self.decision = None
        self.parents_informed = False
        self.parents_exception = None
        self.child_informed = False
        self.child_exception = None
        self.anonymity_ground = None
        self.reported = False
        self.help_organised = False
        self.help = None
        self.evaluation_on = None
        self.lasting_safety = None

    def organise_help(
        self,
        *,
        help_description: str,
        providers: Sequence[str],
        teacher_advice: str = "",
        agreed_term_until: date | None = None,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self._require_open()
        if self.decision is None or not self.decision.outcome.helps:
            raise HelpNotDecided("Het zorgteam heeft (nog) niet besloten tot hulp.")
        names = [text(p) for p in providers if text(p)]
        if not text(help_description) or not names:
            raise HelpNeedsContent("Beschrijf de hulp en noem wie die biedt.")
        if agreed_term_until is not None and agreed_term_until <= today:
            raise HelpNeedsContent("De afgesproken termijn van de hulp ligt na vandaag.")
        self.trigger_event(
            self.HelpOrganised,
            **self._context(actor_id, actor_role, correlation_id),
            organised_on=today,
            help_description=text(help_description),
            providers=names,
            teacher_advice=text(teacher_advice),
            agreed_term_until=agreed_term_until,
        )

    # --- step 5: before the report (rules 8, 10) ---------------------------------------------------------

    def inform_parents(
        self,
        *,
        informed_on: date,
        informed_by: str,
        summary: str,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        """Rule 8: the parents are informed of the intended report (informed, not asked)."""
        self._require_report_preparation()
        _not_in_future(informed_on, today, "het informeren van de ouders")
        if not text(informed_by) or not text(summary):
            raise InformingNeedsContent("Leg vast wie de ouders informeerde en wat er is gezegd.")
        self.trigger_event(
            self.ParentsInformed,
            **self._context(actor_id, actor_role, correlation_id),
            informed_on=informed_on,
            informed_by=text(informed_by),
            summary=text(summary),
        )

    def record_parents_informing_exception(
        self,
        *,
        ground: SafetyGround | str,
        explanation: str,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        """Rule 8: the parents are not informed of the report, on one of the legal grounds."""
        self._require_report_preparation()
        chosen = choose(SafetyGround, ground, "grond om de ouders niet te informeren")
        explained = _explained(
            explanation, ExceptionNeedsLegalGround, "Licht toe waarom de ouders niet worden geïnformeerd"
        )
        self.trigger_event(
            self.ParentsInformingExceptionRecorded,
            **self._context(actor_id, actor_role, correlation_id),
            recorded_on=today,
            ground=chosen.value,
            explanation=explained,
        )

    def inform_child(
        self,
        *,
        informed_on: date,
        informed_by: str,
        summary: str,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        """Rule 8: the pupil is told about the report (required from 12 years on the reporting date)."""
        self._require_report_preparation()
        _not_in_future(informed_on, today, "het informeren van de leerling")
        if not text(informed_by) or not text(summary):
            raise InformingNeedsContent("Leg vast wie de leerling informeerde en wat er is gezegd.")
        self.trigger_event(
            self.ChildInformed,
            **self._context(actor_id, actor_role, correlation_id),
            informed_on=informed_on,
            informed_by=text(informed_by),
            summary=text(summary),
        )

    def record_child_informing_exception(
        self,
        *,
        ground: ChildExceptionGround | str,
        explanation: str,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self._require_report_preparation()
        chosen = choose(ChildExceptionGround, ground, "grond om de leerling niet te informeren")
        explained = _explained(
            explanation, ExceptionNeedsLegalGround, "Licht toe waarom de leerling niet wordt geïnformeerd"
        )
        self.trigger_event(
            self.ChildInformingExceptionRecorded,
            **self._context(actor_id, actor_role, correlation_id),
            recorded_on=today,
            ground=chosen.value,
            explanation=explained,
        )

    def agree_reporter_anonymity(
        self,
        *,
        ground: AnonymityGround | str,
        argument: str,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        """Rule 10: the report is on name; anonymity toward the family only on one of three grounds."""
        decision = self._require_report_preparation()
        chosen = choose(AnonymityGround, ground, "grond voor anonimiteit van de melder")
        explained = _explained(
            argument,
            AnonymityNeedsLegalGround,
            "Beargumenteer waarom de melder anoniem blijft tegenover het gezin",
        )
        self.trigger_event(
            self.ReporterAnonymityAgreed,
            **self._context(actor_id, actor_role, correlation_id),
            agreed_on=today,
            reporter_id=decision.who_reports or "",
            ground=chosen.value,
            argument=explained,
        )

    # --- step 5: the report (rules 8, 9, 10) ---------------------------------------------------------

    def notify_amk(
        self,
        *,
        veilig_thuis_region: str,
        veilig_thuis_organisation: str,
        signal_ids: Sequence[uuid.UUID],
        school_continues: str,
        pupil_date_of_birth: date,
        reporter_id: str | None = None,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        """Report to Veilig Thuis (contract event `AmkNotified`); `today` is the reporting date."""
        decision = self._require_report_preparation()
        if not (self.parents_informed or self.parents_exception):
            raise ReportNeedsParentsInformed(
                "Informeer eerst de ouders over de voorgenomen melding bij Veilig Thuis, of leg vast op "
                "welke grond dat niet gebeurt."
            )
        if pupil_date_of_birth > today:
            raise DateOfBirthInvalid("De geboortedatum van de leerling ligt na de meldingsdatum.")
        age = age_on(pupil_date_of_birth, today)
        if age >= CHILD_INFORMED_FROM_AGE and not (self.child_informed or self.child_exception):
            raise ChildOver12MustBeInformed(
                f"De leerling is {age} jaar: bespreek de melding eerst met de leerling, of leg vast op "
                "welke grond dat niet gebeurt."
            )
        wanted = list(dict.fromkeys(signal_ids))
        if not wanted:
            raise ReportNeedsSignals("Onderbouw de melding met minstens één vastgelegd signaal.")
        foreign = [str(s) for s in wanted if s not in self.signal_ids]
        if foreign:
            raise ReportSignalsOfAnotherCase(
                "De melding verwijst alleen naar signalen van deze zaak; onbekend: "
                + ", ".join(foreign)
                + "."
            )
        reporter = text(reporter_id) or (decision.who_reports or "")
        if reporter != decision.who_reports:
            raise ReporterNotAsDecided(
                f"Het zorgteam besloot dat {decision.who_reports} meldt; leg een ander besluit vast om "
                "dat te wijzigen."
            )
        if not text(veilig_thuis_region) or not text(veilig_thuis_organisation) or not text(school_continues):
            raise ReportNeedsContent(
                "Noem de Veilig Thuis-regio en -organisatie, en wat de school na de melding zelf blijft doen."
            )
        self.trigger_event(
            self.AmkNotified,
            **self._context(actor_id, actor_role, correlation_id),
            reported_on=today,
            veilig_thuis_region=text(veilig_thuis_region),
            veilig_thuis_organisation=text(veilig_thuis_organisation),
            reporter_id=reporter,
            reporter_anonymous_to_family=self.anonymity_ground is not None,
            signal_ids=wanted,
            school_continues=text(school_continues),
            parents_informed=self.parents_informed,
            pupil_age_on_report=age,
            child_informed=self.child_informed,
        )

    def receive_veilig_thuis_feedback(
        self,
        *,
        received_on: date,
        steps_taken: str,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        """Rule 11: Veilig Thuis tells the reporter which steps it took."""
        self._require_open()
        if not self.reports:
            raise FeedbackBeforeReport("Terugkoppeling van Veilig Thuis volgt pas na een melding.")
        _not_in_future(received_on, today, "de terugkoppeling")
        if self.reported_on is not None and received_on < self.reported_on:
            raise FeedbackBeforeReportDay(
                "De terugkoppeling van Veilig Thuis kan niet eerder zijn ontvangen dan de melding van "
                f"{self.reported_on:%d-%m-%Y}."
            )
        if not text(steps_taken):
            raise FeedbackNeedsContent("Leg vast welke stappen Veilig Thuis heeft gezet.")
        self.trigger_event(
            self.VeiligThuisFeedbackReceived,
            **self._context(actor_id, actor_role, correlation_id),
            received_on=received_on,
            steps_taken=text(steps_taken),
        )

    # --- step 6: follow-up (rule 12) ------------------------------------------------------------------

    def assign_care_coordinator(
        self,
        *,
        coordinator_id: str,
        organisation: str = "",
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self._require_follow_up()
        if not text(coordinator_id):
            raise CareCoordinatorNeeded("Noem de zorgcoördinator.")
        self.trigger_event(
            self.CareCoordinatorAssigned,
            **self._context(actor_id, actor_role, correlation_id),
            assigned_on=today,
            coordinator_id=text(coordinator_id),
            organisation=text(organisation),
        )

    def schedule_follow_up(
        self,
        *,
        evaluation_on: date,
        agreements: str = "",
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self._require_follow_up()
        if self.care_coordinator_id is None:
            raise FollowUpNeedsCareCoordinator("Wijs eerst een zorgcoördinator aan.")
        if evaluation_on <= today:
            raise EvaluationDateNotAfterToday("De evaluatiedatum ligt na vandaag.")
        self.trigger_event(
            self.FollowUpScheduled,
            **self._context(actor_id, actor_role, correlation_id),
            scheduled_on=today,
            evaluation_on=evaluation_on,
            agreements=text(agreements),
        )

    def evaluate_follow_up(
        self,
        *,
        lasting_safety: bool,
        findings: str,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        """Rule 12 / afwegingskader question 5: no lasting safety reopens the decision (report again)."""
        self._require_follow_up()
        if self.evaluation_on is None:
            raise EvaluationNotScheduled("Plan eerst de evaluatie (zorgcoördinator en evaluatiedatum).")
        if not text(findings):
            raise EvaluationNeedsFindings("Leg de bevindingen van de evaluatie vast.")
        self.trigger_event(
            self.FollowUpEvaluated,
            **self._context(actor_id, actor_role, correlation_id),
            evaluated_on=today,
            lasting_safety=lasting_safety,
            findings=text(findings),
            decision_reopened=not lasting_safety,
        )

    # --- closing and reopening (rule 13) ----------------------------------------------------------------

    def close(
        self,
        *,
        reason: str,
        aftercare: str | None = None,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self._require_open()
        if len(text(reason)) < MIN_EXPLANATION_LENGTH:
            raise CloseNeedsReason(
                f"Leg vast waarom de zaak wordt gesloten (minstens {MIN_EXPLANATION_LENGTH} tekens)."
            )
        if self.weighing is not None and self.decision is None:
            raise CloseNeedsDecision(
                "Na de weging sluit de zaak pas na een besluit volgens het afwegingskader."
            )
        if self.unsafety and not self.reported:
            raise UnsafeCaseNeedsReport(
                "Bij acute of structurele onveiligheid wordt de zaak niet gesloten zonder melding bij "
                "Veilig Thuis."
            )
        if self.decision is not None and self.decision.outcome.reports and not self.reported:
            raise DecidedReportNotMade("Het zorgteam besloot tot een melding; doe eerst de melding.")
        if self.decision is not None and self.decision.outcome.helps and self.lasting_safety is not True:
            raise EvaluationBeforeClosingAfterHelp(
                "Na hulp wordt de zaak pas gesloten na een evaluatie die blijvende veiligheid vaststelt."
            )
        self.trigger_event(
            self.CaseClosed,
            **self._context(actor_id, actor_role, correlation_id),
            closed_on=today,
            reason=text(reason),
            aftercare=text(aftercare) or None,
        )

    def reopen(
        self, *, reason: str, today: date, actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        """Rule 13: a closed case can be reopened; the decision is then taken afresh."""
        if not self.closed:
            raise CaseNotClosed("Alleen een gesloten zaak kan worden heropend.")
        if len(text(reason)) < MIN_EXPLANATION_LENGTH:
            raise ReopenNeedsReason(
                f"Leg vast waarom de zaak wordt heropend (minstens {MIN_EXPLANATION_LENGTH} tekens)."
            )
        self.trigger_event(
            self.CaseReopened,
            **self._context(actor_id, actor_role, correlation_id),
            reopened_on=today,
            reason=text(reason),
        )

    # --- moving school (rule 14) ---------------------------------------------------------------------

    def record_pupil_left_school(
        self,
        *,
        left_on: date,
        destination_school: str | None = None,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        """The pupil left the school; the zorgteam is alerted (obligation `overdracht`)."""
        if self.left_school_on is not None:
            raise PupilAlreadyLeft("Het vertrek van de leerling van deze school is al vastgelegd.")
        _not_in_future(left_on, today, "het vertrek")
        self.trigger_event(
            self.PupilLeftSchool,
            **self._context(actor_id, actor_role, correlation_id),
            left_on=left_on,
            destination_school=text(destination_school) or None,
        )

    def transfer(
        self,
        *,
        to_school_tenant: str | None,
        to_school: str,
        legal_basis: TransferLegalBasis | str | None,
        legal_basis_explanation: str,
        new_case_owner_id: str,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        """Rule 14: hand the case over to the pupil's new school in the same samenwerkingsverband.
        `to_school_tenant` is the samenwerkingsverband the school registry knows `to_school` under
        (None: a school it does not know), so a case is never handed to a school nobody here can
        reach."""
        self._require_open()
        if self.left_school_on is None:
            raise TransferNeedsPupilLeft("Leg eerst vast dat de leerling de school heeft verlaten.")
        if not text(to_school) or text(to_school) == self.school:
            raise TransferToSameSchool("Noem de nieuwe school (BRIN) van de leerling.")
        if to_school_tenant is None:
            raise TransferToUnknownSchool(
                f"School {text(to_school)} is geen bekende school van dit samenwerkingsverband. Een zaak "
                "gaat alleen over naar een school van hetzelfde samenwerkingsverband; draag anders over "
                "via Veilig Thuis of de JGZ."
            )
        if to_school_tenant != self.tenant:
            raise TransferOutsideSamenwerkingsverband(
                "Een zaak wordt alleen overgedragen aan een school van hetzelfde samenwerkingsverband."
            )
        if legal_basis is None or not text(legal_basis):
            raise TransferNeedsLegalBasis("Leg de wettelijke grondslag van de overdracht vast.")
        basis = choose(TransferLegalBasis, legal_basis, "wettelijke grondslag")
        explained = _explained(
            legal_basis_explanation,
            TransferNeedsLegalBasis,
            "Licht de wettelijke grondslag van de overdracht toe",
        )
        if not text(new_case_owner_id):
            raise TransferNeedsLegalBasis("Noem de eigenaar van de zaak op de nieuwe school.")
        self.trigger_event(
            self.CaseTransferred,
            **self._context(actor_id, actor_role, correlation_id),
            transferred_on=today,
            to_school=text(to_school),
            legal_basis=basis.value,
            legal_basis_explanation=explained,
            new_case_owner_id=text(new_case_owner_id),
        )

    # --- working with JGZ (rule 3: consultation; hand-over only on a recorded legal basis) -----------

    def request_jgz_consultation(
        self,
        *,
        question: str,
        jgz_organisation: str | None,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> uuid.UUID:
        """Ask the samenwerkingsverband's JGZ partner for a consultation; returns the request id that
        the JGZ system answers with. `jgz_organisation` is None when no partner is configured."""
        self._require_open()
        if actor_role not in CASE_OPENER_ROLES and actor_id != self.case_owner_id:
            raise JgzConsultationNotByIbOrCaseOwner(
                "Alleen de intern begeleider of de eigenaar van de zaak vraagt de JGZ om consultatie."
            )
        organisation = text(jgz_organisation)
        if not organisation:
            raise JgzPartnerNotConfigured(
                "Voor dit samenwerkingsverband is geen JGZ-organisatie ingesteld; vraag de beheerder dat "
                "te doen."
            )
        if not text(question):
            raise JgzConsultationNeedsQuestion("Leg vast wat u de jeugdverpleegkundige of jeugdarts vraagt.")
        request_id = uuid.uuid4()
        self.trigger_event(
            self.JgzConsultationRequested,
            **self._context(actor_id, actor_role, correlation_id),
            request_id=request_id,
            requested_on=today,
            jgz_organisation=organisation,
            question=text(question),
            requested_by=actor_id,
        )
        return request_id

    def receive_jgz_consultation_result(
        self,
        *,
        message_id: str,
        request_id: uuid.UUID | None,
        jgz_organisation: str,
        advice: str,
        professional: str,
        received_at: datetime,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> bool:
        """Record a JGZ system's consultation result, once per `message_id`: returns False (and records
        nothing) for a message already received. Also recorded on a closed case, so that no advice
        that arrives late is lost; it shows in the case's history."""
        if not text(message_id) or not text(advice) or not text(professional):
            raise JgzResultNeedsContent(
                "Een consultatieresultaat van de JGZ heeft een bericht-id, een advies en de professional."
            )
        if any(r.message_id == text(message_id) for r in self.jgz_results):
            return False
        if request_id is not None and all(c.request_id != request_id for c in self.jgz_consultations):
            raise JgzResultForUnknownRequest("Dit resultaat verwijst naar een onbekende consultatievraag.")
        self.trigger_event(
            self.JgzConsultationResultReceived,
            **self._context(actor_id, actor_role, correlation_id),
            message_id=text(message_id),
            request_id=request_id,
            jgz_organisation=text(jgz_organisation),
            received_at=received_at,
            advice=text(advice),
            professional=text(professional),
        )
        return True

    def hand_over_to_jgz(
        self,
        *,
        legal_basis: JgzLegalBasis | str | None,
        legal_basis_explanation: str,
        summary: str,
        jgz_organisation: str | None,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> uuid.UUID:
        """Hand the case over to the JGZ partner, on a recorded legal basis; returns the hand-over id."""
        self._require_open()
        organisation = text(jgz_organisation)
        if not organisation:
            raise JgzPartnerNotConfigured(
                "Voor dit samenwerkingsverband is geen JGZ-organisatie ingesteld; vraag de beheerder dat "
                "te doen."
            )
        allowed = [member.value for member in JgzLegalBasis]
        if legal_basis is None or text(legal_basis) not in allowed:
            raise JgzHandoverNeedsLegalBasis(
                f"Leg de wettelijke grondslag van de overdracht aan de JGZ vast; kies uit: {', '.join(allowed)}."
            )
        basis = JgzLegalBasis(text(legal_basis))
        explained = _explained(
            legal_basis_explanation,
            JgzHandoverNeedsLegalBasis,
            "Licht toe waarom deze grondslag van toepassing is",
        )
        if not text(summary):
            raise JgzHandoverNeedsSummary(
                "Leg vast wat er wordt overgedragen: de zorgen en de hulp tot nu toe."
            )
        handover_id = uuid.uuid4()
        self.trigger_event(
            self.CaseHandedOverToJgz,
            **self._context(actor_id, actor_role, correlation_id),
            handover_id=handover_id,
            handed_over_on=today,
            jgz_organisation=organisation,
            legal_basis=basis.value,
            legal_basis_explanation=explained,
            summary=text(summary),
        )
        return handover_id
