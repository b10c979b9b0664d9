"""One decision of the zorgteam and what hangs on it (rules 7, 8, 10, 12).

A new decision (after an evaluation without lasting safety, or after reopening) starts a new round:
every report has its own preparation (rule 8), and help and its evaluation belong to the decision
that chose them. So forgetting a decision is one assignment: `DecisionRound()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .decision import Decision
from .help import AgreedHelp
from .parents import SafetyGround
from .report import AnonymityGround, ChildExceptionGround


@dataclass(frozen=True)
class DecisionRound:
    decision: Decision | None = None
    parents_informed: bool = False
    parents_exception: SafetyGround | None = None
    child_informed: bool = False
    child_exception: ChildExceptionGround | None = None
    anonymity_ground: AnonymityGround | None = None
    reported: bool = False
    """A report was made under this decision."""
    help_organised: bool = False
    help: AgreedHelp | None = None
    """The help agreed under this decision (step 5), as organised."""
    evaluation_on: date | None = None
    lasting_safety: bool | None = None

    @property
    def parents_prepared(self) -> bool:
        """The parents were informed of the report, or an exception was recorded (rule 8)."""
        return self.parents_informed or self.parents_exception is not None

    @property
    def child_prepared(self) -> bool:
        """The pupil was informed of the report, or an exception was recorded (rule 8)."""
        return self.child_informed or self.child_exception is not None
