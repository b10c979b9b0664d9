"""Single contract events with sensible defaults, for tests that need one or two of them rather
than a whole history (see `school` and `cases` for those). Keyword arguments override the
defaults; `changes` replace envelope fields (also with invalid values, to test their refusal)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from meldcode_contracts import (
    CaseObligationsChanged,
    CaseOpened,
    CaseOpenedPayload,
    PupilRegistered,
    PupilRegisteredPayload,
    SignalRecorded,
    SignalRecordedPayload,
    SignalSource,
    SourceKind,
)

from .envelopes import IB_ACTOR, NOW, SCHOOL, envelope, obligations


def pupil_registered(
    pupil_id: uuid.UUID | None = None,
    school: str = SCHOOL,
    *,
    at: datetime = NOW,
    given_name: str = "Sanne",
    family_name: str = "de Vries",
    date_of_birth: date = date(2015, 3, 2),
    **changes: Any,
) -> PupilRegistered:
    pupil_id = pupil_id or uuid.uuid4()
    return PupilRegistered(
        **envelope(pupil_id, at=at, school=school) | changes,
        payload=PupilRegisteredPayload(
            pupil_id=pupil_id,
            pupil_number="L-1",
            given_name=given_name,
            family_name=family_name,
            date_of_birth=date_of_birth,
        ),
    )


def signal_recorded(
    pupil_id: uuid.UUID | None = None,
    school: str = SCHOOL,
    *,
    at: datetime = NOW,
    observed_on: date = date(2026, 11, 2),
    description: str = "Komt al een week zonder jas naar school.",
    **changes: Any,
) -> SignalRecorded:
    """A teacher (lk-1) recorded an own observation about the pupil."""
    pupil_id = pupil_id or uuid.uuid4()
    return SignalRecorded(
        **envelope(pupil_id, at=at, school=school) | changes,
        payload=SignalRecordedPayload(
            signal_id=uuid.uuid4(),
            pupil_id=pupil_id,
            observer_id="lk-1",
            observed_on=observed_on,
            description=description,
            source=SignalSource(kind=SourceKind.OWN_OBSERVATION),
        ),
    )


def case_opened(
    pupil_id: uuid.UUID | None = None,
    *signals: SignalRecorded,
    case_id: uuid.UUID | None = None,
    owner: str = "ib-1",
    at: datetime = NOW,
    **changes: Any,
) -> CaseOpened:
    """The IB'er (ib-1) of 12AB opened a case from `signals` (one new signal id when none given),
    owned by `owner`."""
    case_id = case_id or uuid.uuid4()
    signal_ids = [s.payload.signal_id for s in signals] or [uuid.uuid4()]
    return CaseOpened(
        **envelope(case_id, at=at, actor=IB_ACTOR) | changes,
        payload=CaseOpenedPayload(
            case_id=case_id,
            pupil_id=pupil_id or uuid.uuid4(),
            signal_ids=signal_ids,
            case_owner_id=owner,
            opened_by="ib-1",
        ),
    )


def obligations_published(
    opened: CaseOpened, step: str = "geopend", *listed: str | tuple[str, date | None], sequence: int = 2
) -> CaseObligationsChanged:
    """Casework's step and open obligations of the case (each a kind or a (kind, due day) pair), as
    it publishes them right after `opened`; by default the parents conversation is due."""
    return CaseObligationsChanged(
        **envelope(
            opened.subject_id,
            at=opened.occurred_at,
            school=opened.school,
            actor=opened.actor,
            correlation_id=opened.correlation_id,
            sequence=sequence,
        ),
        payload={
            "case_id": opened.payload.case_id,
            "pupil_id": opened.payload.pupil_id,
            "step": step,
            "obligations": obligations(*listed) or [{"kind": "gesprek_ouders", "due_on": date(2026, 11, 9)}],
        },
    )
