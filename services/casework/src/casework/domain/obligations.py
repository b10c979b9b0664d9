"""What must happen before a case can take its next step: a kind from the shared vocabulary
(meldcode_vocabulary, with its Dutch text) and, when a term applies, the due day."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from meldcode_vocabulary import ObligationKind, obligation_text


@dataclass(frozen=True)
class Obligation:
    kind: ObligationKind
    due_on: date | None = None
    """The last day (Dutch calendar) on which it is on time; None when no term applies."""

    @property
    def code(self) -> str:
        return self.kind.value

    @property
    def text(self) -> str:
        return obligation_text(self.kind)

    def due(self, due_on: date | None) -> Obligation:
        return replace(self, due_on=due_on)


PARENTS_CONVERSATION = Obligation(ObligationKind.PARENTS_CONVERSATION)
WEIGHING = Obligation(ObligationKind.WEIGHING)
DECISION = Obligation(ObligationKind.DECISION)
DECISION_AFTER_FAILED_EVALUATION = Obligation(ObligationKind.DECISION_AFTER_FAILED_EVALUATION)
CLOSE_NO_SUSPICION = Obligation(ObligationKind.CLOSE_NO_SUSPICION)
INFORM_PARENTS = Obligation(ObligationKind.INFORM_PARENTS)
INFORM_CHILD = Obligation(ObligationKind.INFORM_CHILD)
INFORM_CHILD_IF_12 = Obligation(ObligationKind.INFORM_CHILD_IF_12)
REPORT = Obligation(ObligationKind.REPORT)
ORGANISE_HELP = Obligation(ObligationKind.ORGANISE_HELP)
FEEDBACK = Obligation(ObligationKind.FEEDBACK)
CARE_COORDINATOR = Obligation(ObligationKind.CARE_COORDINATOR)
SCHEDULE_EVALUATION = Obligation(ObligationKind.SCHEDULE_EVALUATION)
EVALUATE = Obligation(ObligationKind.EVALUATE)
CLOSE = Obligation(ObligationKind.CLOSE)
HAND_OVER = Obligation(ObligationKind.HAND_OVER)
