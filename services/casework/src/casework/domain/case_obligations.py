"""Where a case stands and what is still to be done (ADR 18): the open obligations the rules give,
and `ObligationsChanged`, recorded after every command that changed them, with due days."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from meldcode_vocabulary import ObligationKind

from . import events
from . import obligations as ob
from .case_base import CaseBase
from .decision import Outcome
from .obligations import Obligation
from .report import CHILD_INFORMED_FROM_AGE, age_on
from .steps import Step
from .terms import Terms

if TYPE_CHECKING:
    from eventsourcing.domain import CanMutateAggregate


class CaseObligations(CaseBase):
    """The obligations part of `Case`."""

    if TYPE_CHECKING:
        feedback_received: bool
        published_step: Step | None
        obligations: tuple[Obligation, ...] | None
        fresh_obligations: tuple[str, ...]

        @property
        def pending_events(self) -> list[CanMutateAggregate[Any]]: ...

    def missing_for_report(
        self, *, pupil_date_of_birth: date | None = None, on: date | None = None
    ) -> list[Obligation]:
        """Rule 8: what is still needed before the report to Veilig Thuis can be made.

        Without the date of birth and the reporting date, informing the pupil is listed as conditional
        (`kind_informeren_vanaf_12`); with them it is listed (`kind_informeren`) only for a pupil of 12+.
        """
        needed: list[Obligation] = []
        if not self.decision_round.parents_prepared:
            needed.append(ob.INFORM_PARENTS)
        if not self.decision_round.child_prepared:
            if pupil_date_of_birth is None or on is None:
                needed.append(ob.INFORM_CHILD_IF_12)
            elif age_on(pupil_date_of_birth, on) >= CHILD_INFORMED_FROM_AGE:
                needed.append(ob.INFORM_CHILD)
        return needed

    def obligations_depend_on_date_of_birth(self, on: date) -> bool:
        """Whether the pupil's date of birth changes the open obligations on day `on`: only when
        informing the pupil is among them and depends on the pupil's age (rule 8), which
        `open_obligations` lists, without the date of birth, as `kind_informeren_vanaf_12`."""
        return any(
            o.kind is ObligationKind.INFORM_CHILD_IF_12
            for o in self.open_obligations(pupil_date_of_birth=None, on=on)
        )

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
        if self.decision_round.decision is None:
            return [*needed, ob.DECISION_AFTER_FAILED_EVALUATION if self.must_report_again else ob.DECISION]
        outcome = self.decision_round.decision.outcome
        if outcome is Outcome.NO_SUSPICION_CLOSE:
            return [*needed, ob.CLOSE_NO_SUSPICION]
        if outcome.reports and not self.decision_round.reported:
            needed += [*self.missing_for_report(pupil_date_of_birth=pupil_date_of_birth, on=on), ob.REPORT]
        if outcome.helps and not self.decision_round.help_organised:
            needed.append(ob.ORGANISE_HELP)
        if self.reports and not self.feedback_received:
            needed.append(ob.FEEDBACK)
        if (outcome.reports and not self.decision_round.reported) or (
            outcome.helps and not self.decision_round.help_organised
        ):
            return needed
        if outcome.helps or self.care_coordinator_id is not None:
            if self.care_coordinator_id is None:
                return [*needed, ob.CARE_COORDINATOR]
            if self.decision_round.evaluation_on is None:
                return [*needed, ob.SCHEDULE_EVALUATION]
            if self.decision_round.lasting_safety is None:
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
        if not pending or isinstance(pending[-1], events.ObligationsChanged):
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
                    o.kind,
                    opened_on=self._opened_on(o.kind, on),
                    evaluation_on=self.decision_round.evaluation_on,
                )
            )
            for o in self.open_obligations(pupil_date_of_birth=pupil_date_of_birth, on=on)
        ]
        if self.obligations is not None and (self.published_step, list(self.obligations)) == (self.step, now):
            return False
        self.trigger_event(
            events.ObligationsChanged,
            **self._context(cause.by),  # type: ignore[attr-defined]
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
