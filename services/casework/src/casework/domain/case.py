"""A Meldcode case about one pupil, from opening (step 2) to follow-up (step 6)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from eventsourcing.domain import Aggregate, event

from .errors import CaseNeedsSignals, OnlyCareStaffOpensCases, SignalsOfAnotherPupil, UnknownSignals

CASE_OPENER_ROLES = frozenset({"intern_begeleider"})


class Step(StrEnum):
    """Where the case stands in the six steps of the Meldcode."""

    OPENED = "geopend"


@dataclass(frozen=True)
class KnownSignal:
    """A signal as casework learned it from the signals service's events."""

    signal_id: uuid.UUID
    pupil_id: uuid.UUID
    tenant: str
    school: str


class Case(Aggregate):
    class Opened(Aggregate.Created):
        tenant: str
        school: str
        pupil_id: uuid.UUID
        signal_ids: list[uuid.UUID]
        case_owner_id: str
        actor_id: str
        actor_role: str
        correlation_id: str

    @event(Opened)
    def __init__(
        self,
        *,
        tenant: str,
        school: str,
        pupil_id: uuid.UUID,
        signal_ids: list[uuid.UUID],
        case_owner_id: str,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.tenant = tenant
        self.school = school
        self.pupil_id = pupil_id
        self.signal_ids = list(signal_ids)
        self.case_owner_id = case_owner_id
        self.opened_by = actor_id
        self.step = Step.OPENED

    @classmethod
    def open(
        cls,
        *,
        pupil_id: uuid.UUID,
        signal_ids: Sequence[uuid.UUID],
        known_signals: Sequence[KnownSignal],
        case_owner_id: str,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> Case:
        """Rule 4: an IB'er opens a case from one or more recorded signals of one pupil."""
        if actor_role not in CASE_OPENER_ROLES:
            raise OnlyCareStaffOpensCases(
                "Alleen de intern begeleider of aandachtsfunctionaris opent een zaak."
            )
        wanted = list(dict.fromkeys(signal_ids))
        if not wanted:
            raise CaseNeedsSignals("Open een zaak vanuit minstens één vastgelegd signaal.")
        by_id = {s.signal_id: s for s in known_signals}
        missing = [str(s) for s in wanted if s not in by_id]
        if missing:
            raise UnknownSignals(missing)
        found = [by_id[s] for s in wanted]
        if any(s.pupil_id != pupil_id for s in found) or len({(s.tenant, s.school) for s in found}) != 1:
            raise SignalsOfAnotherPupil("Alle signalen van een zaak gaan over dezelfde leerling en school.")
        return cls(
            tenant=found[0].tenant,
            school=found[0].school,
            pupil_id=pupil_id,
            signal_ids=wanted,
            case_owner_id=case_owner_id,
            actor_id=actor_id,
            actor_role=actor_role,
            correlation_id=correlation_id,
        )
