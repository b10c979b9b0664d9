"""Step 5, beslissen: the zorgteam's decision along the afwegingskader (rule 7).

The five questions are answered in order. Once an answer decides, later questions are not required:

1. suspicion?                     no  -> outcome `no_suspicion_close` (and no later answers)
2. acute or structural unsafety?  yes -> a report is mandatory (`report` or `report_and_help`);
                                         questions 3-5 are then answered with Veilig Thuis (optional)
3. sufficient help possible?      no  -> report
4. help accepted, cooperation?    no  -> report
5. lasting safety within term?    no  -> report (again); yes or not yet known -> help may suffice

With a suspicion a report is always allowed; `no_suspicion_close` only after question 1 "no".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from meldcode_vocabulary import Outcome as Outcome  # re-exported: the outcome of a Decision

from .errors import (
    AcuteUnsafetyRequiresReport,
    AfwegingskaderRequiresReport,
    DecisionContradictsAnswers,
    DecisionNeedsAnswers,
    DecisionNeedsReasons,
    DecisionNeedsWhoInformsParents,
    DecisionNeedsWhoReports,
)
from .values import choose, text

MIN_REASONS_LENGTH = 10


@dataclass(frozen=True)
class Answers:
    """The answers to afwegingskader questions 1-5 (None: not answered)."""

    q1_suspicion: bool | None
    q2_acute_or_structural_unsafety: bool | None = None
    q3_sufficient_help_possible: bool | None = None
    q4_help_accepted: bool | None = None
    q5_lasting_safety: bool | None = None

    def as_list(self) -> list[bool | None]:
        return [
            self.q1_suspicion,
            self.q2_acute_or_structural_unsafety,
            self.q3_sufficient_help_possible,
            self.q4_help_accepted,
            self.q5_lasting_safety,
        ]

    def as_event_fields(self) -> dict[str, bool | None]:
        return {
            "q1_suspicion": self.q1_suspicion,
            "q2_acute_or_structural_unsafety": self.q2_acute_or_structural_unsafety,
            "q3_sufficient_help_possible": self.q3_sufficient_help_possible,
            "q4_help_accepted": self.q4_help_accepted,
            "q5_lasting_safety": self.q5_lasting_safety,
        }

    def check_outcome(self, outcome: Outcome) -> None:
        """Rule 7: the outcome follows from the answers, read in order."""
        answers = self.as_list()
        first_open = next((i for i, a in enumerate(answers) if a is None), len(answers))
        if any(a is not None for a in answers[first_open:]):
            raise DecisionNeedsAnswers(
                f"Beantwoord de vragen van het afwegingskader op volgorde: vraag {first_open + 1} "
                "is nog open terwijl een latere vraag is beantwoord."
            )
        if self.q1_suspicion is None:
            raise DecisionNeedsAnswers("Beantwoord vraag 1 van het afwegingskader: is er een vermoeden?")
        if not self.q1_suspicion:
            if first_open > 1:
                raise DecisionNeedsAnswers(
                    "Afwegingskader: zonder vermoeden (vraag 1: nee) worden de vragen 2-5 niet beantwoord."
                )
            if outcome is not Outcome.NO_SUSPICION_CLOSE:
                raise DecisionContradictsAnswers(
                    "Afwegingskader vraag 1 is 'nee' (geen vermoeden): sluit de zaak en leg vast waarom."
                )
            return
        if outcome is Outcome.NO_SUSPICION_CLOSE:
            raise DecisionContradictsAnswers(
                "Afwegingskader vraag 1 is 'ja' (er is een vermoeden): de zaak kan niet zonder meer "
                "worden gesloten; kies hulp en/of een melding bij Veilig Thuis."
            )
        if self.q2_acute_or_structural_unsafety is None:
            raise DecisionNeedsAnswers(
                "Beantwoord vraag 2 van het afwegingskader: is er acute of structurele onveiligheid?"
            )
        if self.q2_acute_or_structural_unsafety:
            if not outcome.reports:
                raise AcuteUnsafetyRequiresReport(
                    "Bij acute of structurele onveiligheid is melden bij Veilig Thuis verplicht, ook als "
                    "er daarnaast hulp wordt geboden. Alleen hulp is niet toegestaan."
                )
            return
        for number, answer, question in (
            (3, self.q3_sufficient_help_possible, "kan de school (met partners) voldoende hulp bieden"),
            (4, self.q4_help_accepted, "aanvaarden de betrokkenen de hulp en werken zij mee"),
        ):
            if answer is None:
                raise DecisionNeedsAnswers(f"Beantwoord vraag {number} van het afwegingskader: {question}?")
            if not answer:
                self._report_required(outcome, number)
                return
        if self.q5_lasting_safety is False:
            self._report_required(outcome, 5)

    @staticmethod
    def _report_required(outcome: Outcome, number: int) -> None:
        if not outcome.reports:
            raise AfwegingskaderRequiresReport(
                f"Afwegingskader vraag {number} is 'nee': melden bij Veilig Thuis is dan verplicht."
            )


@dataclass(frozen=True)
class Decision:
    """Rule 7: the decision, with its reasons, who reports and who informs the parents."""

    answers: Answers
    outcome: Outcome
    reasons: str
    who_reports: str | None
    who_informs_parents: str | None

    @classmethod
    def of(
        cls,
        *,
        answers: Answers,
        outcome: Outcome | str,
        reasons: str,
        who_reports: str | None,
        who_informs_parents: str | None,
    ) -> Decision:
        chosen = choose(Outcome, outcome, "uitkomst van het besluit")
        answers.check_outcome(chosen)
        if len(text(reasons)) < MIN_REASONS_LENGTH:
            raise DecisionNeedsReasons(
                "Leg de redenen van het besluit vast, ook (juist) als er niet wordt gemeld "
                f"(minstens {MIN_REASONS_LENGTH} tekens)."
            )
        if chosen.reports and not text(who_reports):
            raise DecisionNeedsWhoReports("Het zorgteam spreekt af wie de melding bij Veilig Thuis doet.")
        if chosen is not Outcome.NO_SUSPICION_CLOSE and not text(who_informs_parents):
            raise DecisionNeedsWhoInformsParents(
                "Het zorgteam spreekt af wie de ouders informeert over de uitkomst en een eventuele melding."
            )
        return cls(
            answers=answers,
            outcome=chosen,
            reasons=text(reasons),
            who_reports=text(who_reports) if chosen.reports else None,
            who_informs_parents=text(who_informs_parents) or None,
        )

    def as_event_fields(self) -> dict[str, Any]:
        return {
            **self.answers.as_event_fields(),
            "outcome": self.outcome.value,
            "reasons": self.reasons,
            "who_reports": self.who_reports,
            "who_informs_parents": self.who_informs_parents,
        }
