"""The casework application: the case state machine of steps 3-6 (eventsourcing Application)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from meldcode_servicekit.auth import Acting
from meldcode_servicekit.eventstore import MeldcodeApplication

from .domain.case import Case, KnownSignal
from .domain.errors import CaseNotFound


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
        return self.get_or_raise(case_id, Case, CaseNotFound("Deze zaak is niet bekend."))
