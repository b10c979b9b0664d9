"""The terms of a samenwerkingsverband: how long an open obligation may take before it is overdue.

The one place where casework turns an obligation into its due day (ADR 18). A due day is counted
from the Dutch calendar day on which the obligation opened, with the terms in force on that day;
the case stores it on `ObligationsChanged`, so a later change of terms never moves a due day
already published, and a replay never recomputes one.

| kind | due |
|---|---|
| `gesprek_ouders` | the day the case reached step `geopend` + `parents_conversation_working_days` |
| `weging_zorgteam` | the day it reached `gesprek_ouders` + `weighing_working_days` |
| `terugkoppeling_veilig_thuis` | the day of the (latest) report + `feedback_working_days` |
| `evaluatie_uitvoeren` | the evaluation day the care coordinator scheduled |
| any other kind | none: it blocks the next step, it has no term |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from meldcode_vocabulary import ObligationKind

from .calendar import add_working_days


@dataclass(frozen=True)
class Terms:
    """The terms in Dutch working days (weekends and public holidays skipped)."""

    parents_conversation_working_days: int = 5
    """A new case waits for the conversation with the parents (step 3)."""
    weighing_working_days: int = 10
    """After the conversation, the case waits for the weighing in the zorgteam (step 4)."""
    feedback_working_days: int = 5
    """Rule 11: after a report, Veilig Thuis tells the reporter which steps it took."""

    def __post_init__(self) -> None:
        for name in ("parents_conversation_working_days", "weighing_working_days", "feedback_working_days"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")

    def working_days(self, kind: ObligationKind) -> int | None:
        """The term of `kind` in working days, or None when it has none."""
        return {
            ObligationKind.PARENTS_CONVERSATION: self.parents_conversation_working_days,
            ObligationKind.WEIGHING: self.weighing_working_days,
            ObligationKind.FEEDBACK: self.feedback_working_days,
        }.get(kind)

    def due_on(self, kind: ObligationKind, *, opened_on: date, evaluation_on: date | None) -> date | None:
        """The due day of an obligation of `kind` that opened on `opened_on` (a Dutch calendar day)."""
        if kind is ObligationKind.EVALUATE:
            return evaluation_on
        days = self.working_days(kind)
        return None if days is None else add_working_days(opened_on, days)


DEFAULT_TERMS = Terms()


@dataclass(frozen=True)
class TermsBook:
    """The terms of every samenwerkingsverband (tenant): its own, or the default."""

    default: Terms = DEFAULT_TERMS
    by_tenant: Mapping[str, Terms] = field(default_factory=dict)

    def of(self, tenant: str) -> Terms:
        return self.by_tenant.get(tenant, self.default)
