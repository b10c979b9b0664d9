"""Contract events -> the facts the task rules decide on (`domain.decisions`).

Only ids, tenant, school and times cross over, plus (for `PupilRegistered`) the minimal name that
tasks show. Personal fields such as descriptions never enter this service's domain.
"""

from __future__ import annotations

from meldcode_contracts import CaseOpened, PupilRegistered, SignalRecorded

from .domain.decisions import CaseNoticed, SignalNoticed
from .domain.pupils import KnownPupil, PupilName


def pupil_known(event: PupilRegistered) -> KnownPupil:
    return KnownPupil(
        pupil_id=event.payload.pupil_id,
        tenant=event.tenant,
        school=event.school,
        name=PupilName.from_full_name(event.payload.given_name, event.payload.family_name),
        registered_at=event.occurred_at,
    )


def signal_noticed(event: SignalRecorded) -> SignalNoticed:
    return SignalNoticed(
        event_id=event.event_id,
        occurred_at=event.occurred_at,
        tenant=event.tenant,
        school=event.school,
        signal_id=event.payload.signal_id,
        pupil_id=event.payload.pupil_id,
    )


def case_noticed(event: CaseOpened) -> CaseNoticed:
    return CaseNoticed(
        event_id=event.event_id,
        occurred_at=event.occurred_at,
        tenant=event.tenant,
        school=event.school,
        case_id=event.payload.case_id,
        pupil_id=event.payload.pupil_id,
        signal_ids=tuple(event.payload.signal_ids),
        case_owner_id=event.payload.case_owner_id,
    )
