"""The casework application: the case state machine of steps 3-6 (an eventsourcing Application).

It is the repository. Commands load the case, let the aggregate check the Meldcode's rules, and
save; two people changing one case at once never lose an update: the second save fails on the
version (optimistic concurrency) and the caller gets the current version back.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from eventsourcing.persistence import IntegrityError

from meldcode_servicekit.auth import Acting
from meldcode_servicekit.eventstore import MeldcodeApplication

from .domain.case import Case, KnownSignal
from .domain.errors import CaseNotFound, StateConflict


class CaseChangedConcurrently(StateConflict):
    rule = "concurrency"

    def __init__(self, current_version: int) -> None:
        super().__init__(
            f"De zaak is intussen door iemand anders gewijzigd (nu versie {current_version}); "
            "laad de zaak opnieuw en probeer het nog eens."
        )
        self.details = {"current_version": current_version}


class CaseworkApplication(MeldcodeApplication):
    name = "casework"
    snapshotting_intervals = {Case: 50}  # noqa: RUF012 - the library's configuration attribute

    def open_case(
        self,
        *,
        pupil_id: uuid.UUID,
        signal_ids: Sequence[uuid.UUID],
        known_signals: Sequence[KnownSignal],
        case_owner_id: str | None,
        acting: Acting,
    ) -> uuid.UUID:
        case = Case.open(
            pupil_id=pupil_id,
            signal_ids=signal_ids,
            known_signals=[s for s in known_signals if s.tenant == acting.tenant],
            case_owner_id=case_owner_id or acting.user_id,
            actor_id=acting.user_id,
            actor_role=acting.role,
            correlation_id=acting.correlation_id,
        )
        self.save(case)
        return case.id

    def change_case(
        self, case_id: uuid.UUID, *, expected_version: int | None, change: Callable[[Case], None]
    ) -> Case:
        """Apply one command to the case. `expected_version` (the version the user saw) turns a
        stale screen into a 409 instead of a decision taken on outdated facts."""
        case = self.get_case(case_id)
        if expected_version is not None and expected_version != case.version:
            raise CaseChangedConcurrently(case.version)
        change(case)
        try:
            self.save(case)
        except IntegrityError:
            raise CaseChangedConcurrently(self.get_case(case_id).version) from None
        return case

    def get_case(self, case_id: uuid.UUID) -> Case:
        return self.get_or_raise(case_id, Case, CaseNotFound("Deze zaak is niet bekend."))

    def case_history(self, case_id: uuid.UUID) -> list[object]:
        """Every stored domain event of the case, in order (for the case page's history)."""
        self.get_case(case_id)
        return list(self.events.get(case_id))
