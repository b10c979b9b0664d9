"""Contract events of one school's signals service (pupils, signals, corrections, consultations,
advice) and the cases opened from them, with per-aggregate sequences like the real services give."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from meldcode_contracts import (
    Actor,
    CaseOpened,
    CaseOpenedPayload,
    ColleagueConsulted,
    PupilRegistered,
    PupilRegisteredPayload,
    Role,
    SignalCorrected,
    SignalCorrectedPayload,
    SignalRecorded,
    SignalRecordedPayload,
    SignalSource,
    SourceKind,
    VeiligThuisAdviceRequested,
)

from .envelopes import IB_ACTOR, SCHOOL, T0, TEACHER_ACTOR, TENANT, envelope


class Events:
    """Contract events of one school, with per-aggregate sequences like the real services give."""

    def __init__(self, tenant: str = TENANT, school: str = SCHOOL) -> None:
        self.tenant = tenant
        self.school = school
        self._sequences: dict[uuid.UUID, int] = defaultdict(int)

    def _envelope(
        self,
        aggregate_id: uuid.UUID,
        subject_id: uuid.UUID,
        when: datetime,
        actor: Actor,
        school: str | None = None,
    ) -> dict[str, Any]:
        self._sequences[aggregate_id] += 1
        return envelope(
            subject_id,
            at=when,
            tenant=self.tenant,
            school=school or self.school,
            actor=actor,
            sequence=self._sequences[aggregate_id],
        )

    def pupil(
        self, *, when: datetime = T0, given_name: str = "Sanne", family_name: str = "Jansen"
    ) -> PupilRegistered:
        pupil_id = uuid.uuid4()
        return PupilRegistered(
            **self._envelope(pupil_id, pupil_id, when, IB_ACTOR),
            payload=PupilRegisteredPayload(
                pupil_id=pupil_id,
                pupil_number=f"L-{uuid.uuid4().hex[:6]}",
                given_name=given_name,
                family_name=family_name,
                date_of_birth=date(2014, 3, 2),
            ),
        )

    def signal(
        self,
        pupil_id: uuid.UUID,
        *,
        when: datetime,
        observed_on: date = date(2026, 11, 1),
        description: str = "Komt al een week zonder jas naar school.",
    ) -> SignalRecorded:
        signal_id = uuid.uuid4()
        return SignalRecorded(
            **self._envelope(signal_id, pupil_id, when, TEACHER_ACTOR),
            payload=SignalRecordedPayload(
                signal_id=signal_id,
                pupil_id=pupil_id,
                observer_id="lk-1",
                observed_on=observed_on,
                description=description,
                source=SignalSource(kind=SourceKind.OWN_OBSERVATION),
                interpretation="Mogelijk verwaarlozing",
            ),
        )

    def correction(
        self,
        signal: SignalRecorded,
        *,
        when: datetime,
        observed_on: date = date(2026, 10, 31),
        reason: str = "Verkeerde dag ingevuld",
        by: Actor | None = None,
    ) -> SignalCorrected:
        original = signal.payload
        return SignalCorrected(
            **self._envelope(
                original.signal_id,
                original.pupil_id,
                when,
                by or Actor(user_id=original.observer_id, role=Role.TEACHER),
            ),
            payload=SignalCorrectedPayload(
                signal_id=original.signal_id,
                pupil_id=original.pupil_id,
                observer_id=original.observer_id,
                reason=reason,
                observed_on=observed_on,
                description=original.description,
                source=original.source,
                categories=original.categories,
                interpretation=original.interpretation,
            ),
        )

    def consultation(
        self, pupil_id: uuid.UUID, signal_ids: list[uuid.UUID], *, when: datetime
    ) -> ColleagueConsulted:
        consultation_id = uuid.uuid4()
        return ColleagueConsulted(
            **self._envelope(consultation_id, pupil_id, when, IB_ACTOR),
            payload={
                "consultation_id": consultation_id,
                "pupil_id": pupil_id,
                "consulted_on": when.date(),
                "consulted_name": "Joke de Wit",
                "consulted_role": "jeugdverpleegkundige",
                "organisation": "JGZ",
                "advice": "Bespreek de signalen met moeder.",
                "signal_ids": signal_ids,
            },
        )

    def advice_request(self, *, when: datetime) -> VeiligThuisAdviceRequested:
        request_id = uuid.uuid4()
        return VeiligThuisAdviceRequested(
            **self._envelope(request_id, request_id, when, IB_ACTOR),
            payload={
                "advice_request_id": request_id,
                "requested_on": when.date(),
                "veilig_thuis_region": "Zuid-Holland Zuid",
                "question": "Een leerling van groep 6 komt vaak met blauwe plekken.",
                "advice": "Ga het gesprek met de ouders aan.",
            },
        )

    def case(self, pupil_id: uuid.UUID, signal_ids: list[uuid.UUID], *, when: datetime) -> CaseOpened:
        case_id = uuid.uuid4()
        return CaseOpened(
            **self._envelope(case_id, case_id, when, IB_ACTOR),
            payload=CaseOpenedPayload(
                case_id=case_id,
                pupil_id=pupil_id,
                signal_ids=signal_ids,
                case_owner_id="ib-1",
                opened_by="ib-1",
            ),
        )
