"""What the parts of `Case` share: the state they read (declared for type checkers; `Case.__init__`
and the events' `apply` set it), the guards every command starts with, and the context every event
carries.

`Case` is one aggregate written in parts: its obligations (`case_obligations`) and one per stretch
of the Meldcode (`deciding`, `reporting`, `following_up`, `moving_school`, `jgz`); each part is a
base class of `Case` derived from `CaseBase`.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from .actor import Actor
from .decision_round import DecisionRound
from .errors import CaseClosedAlready, DateInFuture
from .steps import Step
from .values import text

if TYPE_CHECKING:
    from .jgz import JgzConsultation, JgzHandover, JgzResult
    from .parents import SafetyGround
    from .weighing import Weighing

CASE_OPENER_ROLES = frozenset({"intern_begeleider"})
MIN_EXPLANATION_LENGTH = 10


def not_in_future(day: date, today: date, what: str) -> None:
    if day > today:
        raise DateInFuture(f"De datum van {what} ligt in de toekomst.")


def require_explanation(explanation: str, error: type[Exception], message: str) -> str:
    if len(text(explanation)) < MIN_EXPLANATION_LENGTH:
        raise error(f"{message} (minstens {MIN_EXPLANATION_LENGTH} tekens).")
    return text(explanation)


class CaseBase:
    if TYPE_CHECKING:
        tenant: str
        school: str
        pupil_id: uuid.UUID
        signal_ids: list[uuid.UUID]
        case_owner_id: str
        step: Step
        parents_conversation_skip: SafetyGround | None
        weighing: Weighing | None
        decision_round: DecisionRound
        must_report_again: bool
        reports: int
        reported_on: date | None
        care_coordinator_id: str | None
        left_school_on: date | None
        jgz_consultations: list[JgzConsultation]
        jgz_results: list[JgzResult]
        jgz_handovers: list[JgzHandover]

        def trigger_event(self, event_class: type[Any], **kwargs: Any) -> None: ...

    @property
    def closed(self) -> bool:
        return self.step is Step.CLOSED

    @property
    def unsafety(self) -> bool:
        """Afwegingskader question 2 answered "yes" in the current weighing."""
        return self.weighing is not None and self.weighing.unsafety

    def _context(self, by: Actor) -> dict[str, Any]:
        """What every event of the case carries besides its own facts."""
        return {"tenant": self.tenant, "school": self.school, "pupil_id": self.pupil_id, **by.event_fields()}

    def _require_open(self) -> None:
        if self.closed:
            raise CaseClosedAlready("Deze zaak is gesloten. Heropen de zaak om verder te gaan.")
