"""Step 6 of a case and its end: follow-up, closing and reopening (rules 12, 13)."""

from __future__ import annotations

from datetime import date

from . import events
from .actor import Actor
from .case_base import MIN_EXPLANATION_LENGTH, CaseBase
from .decision import Decision, Outcome
from .errors import (
    CareCoordinatorNeeded,
    CaseNotClosed,
    CloseNeedsDecision,
    CloseNeedsReason,
    DecidedReportNotMade,
    EvaluationBeforeClosingAfterHelp,
    EvaluationDateNotAfterToday,
    EvaluationNeedsFindings,
    EvaluationNotScheduled,
    FollowUpBeforeHelp,
    FollowUpBeforeReport,
    FollowUpNeedsCareCoordinator,
    FollowUpNeedsDecision,
    ReopenNeedsReason,
    UnsafeCaseNeedsReport,
)
from .values import text


class FollowingUp(CaseBase):
    """The commands of `Case` after the decision: follow-up, closing and reopening."""

    def _require_follow_up(self) -> Decision:
        self._require_open()
        if (
            self.decision_round.decision is None
            or self.decision_round.decision.outcome is Outcome.NO_SUSPICION_CLOSE
        ):
            raise FollowUpNeedsDecision(
                "Volgen (stap 6) komt na een besluit van het zorgteam tot hulp of een melding."
            )
        if self.decision_round.decision.outcome.reports and not self.decision_round.reported:
            raise FollowUpBeforeReport("Doe eerst de besloten melding bij Veilig Thuis.")
        if self.decision_round.decision.outcome.helps and not self.decision_round.help_organised:
            raise FollowUpBeforeHelp("Organiseer eerst de besloten hulp.")
        return self.decision_round.decision

    # --- step 6: follow-up (rule 12) ------------------------------------------------------------------

    def assign_care_coordinator(
        self,
        *,
        coordinator_id: str,
        organisation: str = "",
        today: date,
        by: Actor,
    ) -> None:
        self._require_follow_up()
        if not text(coordinator_id):
            raise CareCoordinatorNeeded("Noem de zorgcoördinator.")
        self.trigger_event(
            events.CareCoordinatorAssigned,
            **self._context(by),
            assigned_on=today,
            coordinator_id=text(coordinator_id),
            organisation=text(organisation),
        )

    def _require_care_coordinator(self) -> None:
        self._require_follow_up()
        if self.care_coordinator_id is None:
            raise FollowUpNeedsCareCoordinator("Wijs eerst een zorgcoördinator aan.")

    def schedule_follow_up(
        self,
        *,
        evaluation_on: date,
        agreements: str = "",
        today: date,
        by: Actor,
    ) -> None:
        self._require_care_coordinator()
        if evaluation_on <= today:
            raise EvaluationDateNotAfterToday("De evaluatiedatum ligt na vandaag.")
        self.trigger_event(
            events.FollowUpScheduled,
            **self._context(by),
            scheduled_on=today,
            evaluation_on=evaluation_on,
            agreements=text(agreements),
        )

    def _require_evaluation_scheduled(self) -> None:
        self._require_follow_up()
        if self.decision_round.evaluation_on is None:
            raise EvaluationNotScheduled("Plan eerst de evaluatie (zorgcoördinator en evaluatiedatum).")

    def evaluate_follow_up(
        self,
        *,
        lasting_safety: bool,
        findings: str,
        today: date,
        by: Actor,
    ) -> None:
        """Rule 12 / afwegingskader question 5: no lasting safety reopens the decision (report again)."""
        self._require_evaluation_scheduled()
        if not text(findings):
            raise EvaluationNeedsFindings("Leg de bevindingen van de evaluatie vast.")
        self.trigger_event(
            events.FollowUpEvaluated,
            **self._context(by),
            evaluated_on=today,
            lasting_safety=lasting_safety,
            findings=text(findings),
            decision_reopened=not lasting_safety,
        )

    # --- closing and reopening (rule 13) ----------------------------------------------------------------

    def _require_closable(self) -> None:
        """Rule 13: what must have happened before a case is closed (its reason aside)."""
        self._require_open()
        if self.weighing is not None and self.decision_round.decision is None:
            raise CloseNeedsDecision(
                "Na de weging sluit de zaak pas na een besluit volgens het afwegingskader."
            )
        if self.unsafety and not self.decision_round.reported:
            raise UnsafeCaseNeedsReport(
                "Bij acute of structurele onveiligheid wordt de zaak niet gesloten zonder melding bij "
                "Veilig Thuis."
            )
        if (
            self.decision_round.decision is not None
            and self.decision_round.decision.outcome.reports
            and not self.decision_round.reported
        ):
            raise DecidedReportNotMade("Het zorgteam besloot tot een melding; doe eerst de melding.")
        if (
            self.decision_round.decision is not None
            and self.decision_round.decision.outcome.helps
            and self.decision_round.lasting_safety is not True
        ):
            raise EvaluationBeforeClosingAfterHelp(
                "Na hulp wordt de zaak pas gesloten na een evaluatie die blijvende veiligheid vaststelt."
            )

    def close(
        self,
        *,
        reason: str,
        aftercare: str | None = None,
        today: date,
        by: Actor,
    ) -> None:
        self._require_open()
        if len(text(reason)) < MIN_EXPLANATION_LENGTH:
            raise CloseNeedsReason(
                f"Leg vast waarom de zaak wordt gesloten (minstens {MIN_EXPLANATION_LENGTH} tekens)."
            )
        self._require_closable()
        self.trigger_event(
            events.CaseClosed,
            **self._context(by),
            closed_on=today,
            reason=text(reason),
            aftercare=text(aftercare) or None,
        )

    def _require_closed(self) -> None:
        if not self.closed:
            raise CaseNotClosed("Alleen een gesloten zaak kan worden heropend.")

    def reopen(self, *, reason: str, today: date, by: Actor) -> None:
        """Rule 13: a closed case can be reopened; the decision is then taken afresh."""
        self._require_closed()
        if len(text(reason)) < MIN_EXPLANATION_LENGTH:
            raise ReopenNeedsReason(
                f"Leg vast waarom de zaak wordt heropend (minstens {MIN_EXPLANATION_LENGTH} tekens)."
            )
        self.trigger_event(
            events.CaseReopened,
            **self._context(by),
            reopened_on=today,
            reason=text(reason),
        )
