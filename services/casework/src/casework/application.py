"""The casework application: the case state machine of steps 3-6 (an eventsourcing Application).

It is the repository. Commands load the case, let the aggregate check the Meldcode's rules, and
save; two people changing one case at once never lose an update: the second save fails on the
version (optimistic concurrency) and the caller gets the current version back.

After every command the case settles its published step and open obligations, with the due days
of its samenwerkingsverband's terms (ADR 18): an `ObligationsChanged` saved with the command's own
event, after it, or nothing when they did not change.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from eventsourcing.persistence import IntegrityError

from meldcode_edge.acting import Acting
from meldcode_servicekit.eventstore import MeldcodeApplication
from meldcode_servicekit.keystore import KeyStore

from .domain.actor import Actor
from .domain.case import Case, KnownSignal
from .domain.errors import CaseNotFound, StateConflict
from .domain.terms import TermsBook


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

    def __init__(
        self,
        database_url: str | None = None,
        env: dict[str, str] | None = None,
        *,
        keystore: KeyStore | None = None,
        terms: TermsBook | None = None,
    ) -> None:
        self.terms = terms or TermsBook()
        super().__init__(database_url, env, keystore=keystore)

    def open_case(
        self,
        *,
        pupil_id: uuid.UUID,
        signal_ids: Sequence[uuid.UUID],
        known_signals: Sequence[KnownSignal],
        case_owner_id: str | None,
        acting: Acting,
        today: date,
    ) -> Case:
        case = Case.open(
            pupil_id=pupil_id,
            signal_ids=signal_ids,
            known_signals=[s for s in known_signals if s.tenant == acting.tenant],
            case_owner_id=case_owner_id or acting.user_id,
            by=Actor(acting.user_id, acting.role, acting.correlation_id),
        )
        case.settle_obligations(terms=self.terms.of(case.tenant), on=today)
        self.save(case)
        return case

    def change_case(
        self,
        case_id: uuid.UUID,
        *,
        expected_version: int | None,
        change: Callable[[Case], Any],
        today: date,
        pupil_date_of_birth: date | None,
    ) -> Case:
        """Apply one command to the case. `expected_version` (the version the user saw) turns a
        stale screen into a 409 instead of a decision taken on outdated facts. `today` (the Dutch
        day of the command) and the pupil's date of birth (None when unknown) settle the published
        obligations: due days count from `today`, informing the pupil depends on being 12."""
        case = self.get_case(case_id)
        if expected_version is not None and expected_version != case.version:
            raise CaseChangedConcurrently(case.version)
        change(case)
        case.settle_obligations(
            terms=self.terms.of(case.tenant), on=today, pupil_date_of_birth=pupil_date_of_birth
        )
        try:
            self.save(case)
        except IntegrityError:
            raise CaseChangedConcurrently(self.get_case(case_id).version) from None
        return case

    def get_case(self, case_id: uuid.UUID) -> Case:
        return self.get_or_raise(case_id, Case, CaseNotFound("Deze zaak is niet bekend."))

    def case_history(self, case_id: uuid.UUID) -> list[object]:
        """What happened in the case, in order (for the case page's history): every stored domain
        event but the bookkeeping of its published obligations, which the case view shows (the
        auditor's event list has every event)."""
        self.get_case(case_id)
        return [e for e in self.events.get(case_id) if not isinstance(e, Case.ObligationsChanged)]
