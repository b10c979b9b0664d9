"""The casework application: the case state machine of steps 3-6 (eventsourcing Application)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from eventsourcing.application import AggregateNotFoundError
from meldcode_servicekit.eventstore import MeldcodeApplication

from .domain.case import Case, KnownSignal
from .domain.errors import CaseNotFound


@dataclass(frozen=True)
class Acting:
    """Who gives a command, from the verified token, and the request's correlation id."""

    user_id: str
    role: str
    tenant: str
    correlation_id: str


class CaseworkApplication(MeldcodeApplication):
    name = "casework"

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

    def get_case(self, case_id: uuid.UUID) -> Case:
        try:
            case: Case = self.repository.get(case_id)
        except AggregateNotFoundError:
            raise CaseNotFound("Deze zaak is niet bekend.") from None
        if not isinstance(case, Case):
            raise CaseNotFound("Deze zaak is niet bekend.")
        return case
