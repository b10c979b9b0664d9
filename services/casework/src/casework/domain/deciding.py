"""Steps 3 to 5 of a case: the parents conversation, the weighing and the decision, and the help
it chooses (rules 5, 6, 7)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import product

from . import events
from .actor import Actor
from .case_base import CaseBase, not_in_future, require_explanation
from .decision import Answers, Decision, Outcome
from .errors import (
    ConversationNeedsContent,
    DecisionAlreadyMade,
    DecisionContradictsWeighing,
    DomainError,
    HelpNeedsContent,
    HelpNotDecided,
    NoDecisionBeforeWeighing,
    NoLastingSafetyRequiresReport,
    ParentsConversationFirst,
    SkipNeedsReason,
    WeighingAfterDecision,
)
from .parents import SafetyGround
from .steps import Step
from .values import choose, text
from .weighing import Participant, RiskLevel, Severity, Weighing


class Deciding(CaseBase):
    """The commands of `Case` from the parents conversation to the decision and its help."""

    # --- step 3: parents conversation (rule 5) --------------------------------------------------------

    def hold_parents_conversation(
        self,
        *,
        held_on: date,
        participants: Sequence[str],
        summary: str,
        today: date,
        by: Actor,
    ) -> None:
        """Step 3; repeated at every step, so allowed in every open step."""
        self._require_open()
        not_in_future(held_on, today, "het gesprek")
        names = [text(p) for p in participants if text(p)]
        if not names or not text(summary):
            raise ConversationNeedsContent(
                "Leg vast wie aan het gesprek met de ouders deelnamen en wat er is besproken."
            )
        self.trigger_event(
            events.ParentsConversationHeld,
            **self._context(by),
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
        by: Actor,
    ) -> None:
        """Rule 5: no conversation (now), for the child's, others' or the reporter's safety, or for
        fear that the parents withdraw the child."""
        self._require_open()
        ground = choose(SafetyGround, reason, "reden om het gesprek met de ouders over te slaan")
        explained = require_explanation(
            explanation, SkipNeedsReason, "Licht toe waarom het gesprek met de ouders niet wordt gevoerd"
        )
        self.trigger_event(
            events.ParentsConversationSkipped,
            **self._context(by),
            skipped_on=today,
            reason=ground.value,
            explanation=explained,
        )

    # --- step 4: weighing (rules 5, 6) ----------------------------------------------------------------

    def _require_weighing_step(self) -> None:
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
        by: Actor,
    ) -> None:
        self._require_weighing_step()
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
            events.RiskWeighed,
            **self._context(by),
            weighed_on=today,
            **weighing.as_event_fields(),
        )

    # --- step 5: decision (rule 7) ----------------------------------------------------------------------

    def _require_decision_step(self) -> Weighing:
        self._require_open()
        if self.step in (Step.OPENED, Step.PARENTS_CONVERSATION) or self.weighing is None:
            raise NoDecisionBeforeWeighing(
                "Het zorgteam besluit pas na de weging van de signalen en het risico (stap 4)."
            )
        if self.decision_round.decision is not None:
            raise DecisionAlreadyMade(
                "Er is al een besluit. Het besluit wordt heropend door een evaluatie zonder blijvende "
                "veiligheid of door het heropenen van de zaak."
            )
        return self.weighing

    def make_decision(
        self,
        *,
        answers: Answers,
        outcome: Outcome | str,
        reasons: str,
        who_reports: str | None = None,
        who_informs_parents: str | None = None,
        today: date,
        by: Actor,
    ) -> None:
        weighing = self._require_decision_step()
        if answers.q1_suspicion != weighing.suspicion or (
            weighing.suspicion and answers.q2_acute_or_structural_unsafety != weighing.unsafety
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
        self._check_report_again(decision.outcome)
        self.trigger_event(
            events.DecisionMade,
            **self._context(by),
            decided_on=today,
            **decision.as_event_fields(),
        )

    def _require_help_decided(self) -> None:
        self._require_open()
        if self.decision_round.decision is None or not self.decision_round.decision.outcome.helps:
            raise HelpNotDecided("Het zorgteam heeft (nog) niet besloten tot hulp.")

    def _check_report_again(self, outcome: Outcome) -> None:
        if self.must_report_again and not outcome.reports:
            raise NoLastingSafetyRequiresReport(
                "De evaluatie vond geen blijvende veiligheid: melden bij Veilig Thuis is nu verplicht "
                "(afwegingskader vraag 5)."
            )

    def possible_outcomes(self) -> tuple[Outcome, ...]:
        """Rules 7 and 12: the outcomes a decision may have after the current weighing, whatever the
        answers to questions 3-5 will be (questions 1-2 are the weighing's); none before a weighing.
        The same checks as `make_decision`, so that a screen offers only what it would accept."""
        if self.weighing is None:
            return ()
        suspicion, unsafety = self.weighing.suspicion, self.weighing.unsafety
        possible = []
        for outcome in Outcome:
            for later in product((True, False, None), repeat=3):
                answers = Answers(suspicion, unsafety, *later) if suspicion else Answers(False)
                try:
                    answers.check_outcome(outcome)
                    self._check_report_again(outcome)
                except DomainError:
                    continue
                possible.append(outcome)
                break
        return tuple(possible)

    def organise_help(
        self,
        *,
        help_description: str,
        providers: Sequence[str],
        teacher_advice: str = "",
        agreed_term_until: date | None = None,
        today: date,
        by: Actor,
    ) -> None:
        self._require_help_decided()
        names = [text(p) for p in providers if text(p)]
        if not text(help_description) or not names:
            raise HelpNeedsContent("Beschrijf de hulp en noem wie die biedt.")
        if agreed_term_until is not None and agreed_term_until <= today:
            raise HelpNeedsContent("De afgesproken termijn van de hulp ligt na vandaag.")
        self.trigger_event(
            events.HelpOrganised,
            **self._context(by),
            organised_on=today,
            help_description=text(help_description),
            providers=names,
            teacher_advice=text(teacher_advice),
            agreed_term_until=agreed_term_until,
        )
