"""Builders of real contract events for the reporting tests (unit and integration)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from meldcode_contracts import (
    Actor,
    CaseOpened,
    CaseOpenedPayload,
    PupilRegistered,
    PupilRegisteredPayload,
    Role,
    SignalCorrected,
    SignalCorrectedPayload,
    SignalRecorded,
    SignalRecordedPayload,
    SignalSource,
    SourceKind,
)

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


class Events:
    """Contract events of one school, with per-aggregate sequences like the real services give."""

    def __init__(self, tenant: str = "swv-zuid", school: str = "12AB") -> None:
        self.tenant = tenant
        self.school = school
        self._sequences: dict[uuid.UUID, int] = defaultdict(int)

    def _envelope(self, aggregate_id: uuid.UUID, subject_id: uuid.UUID, when: datetime, actor: Actor) -> dict:
        self._sequences[aggregate_id] += 1
        return {
            "event_id": uuid.uuid4(),
            "occurred_at": when,
            "recorded_at": when,
            "tenant": self.tenant,
            "school": self.school,
            "subject_id": subject_id,
            "actor": actor,
            "correlation_id": f"corr-{uuid.uuid4().hex[:8]}",
            "sequence": self._sequences[aggregate_id],
        }

    def pupil(
        self, *, when: datetime = T0, given_name: str = "Sanne", family_name: str = "Jansen"
    ) -> PupilRegistered:
        pupil_id = uuid.uuid4()
        return PupilRegistered(
            **self._envelope(pupil_id, pupil_id, when, Actor(user_id="ib-1", role=Role.INTERN_BEGELEIDER)),
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
            **self._envelope(signal_id, pupil_id, when, Actor(user_id="lk-1", role=Role.TEACHER)),
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
    ) -> SignalCorrected:
        original = signal.payload
        return SignalCorrected(
            **self._envelope(
                original.signal_id, original.pupil_id, when, Actor(user_id="lk-1", role=Role.TEACHER)
            ),
            payload=SignalCorrectedPayload(
                signal_id=original.signal_id,
                pupil_id=original.pupil_id,
                reason=reason,
                observed_on=observed_on,
                description=original.description,
                source=original.source,
                categories=original.categories,
                interpretation=original.interpretation,
            ),
        )

    def case(self, pupil_id: uuid.UUID, signal_ids: list[uuid.UUID], *, when: datetime) -> CaseOpened:
        case_id = uuid.uuid4()
        return CaseOpened(
            **self._envelope(case_id, case_id, when, Actor(user_id="ib-1", role=Role.INTERN_BEGELEIDER)),
            payload=CaseOpenedPayload(
                case_id=case_id,
                pupil_id=pupil_id,
                signal_ids=signal_ids,
                case_owner_id="ib-1",
                opened_by="ib-1",
            ),
        )


@pytest.fixture
def events() -> Events:
    return Events()
