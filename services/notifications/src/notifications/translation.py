"""Contract events -> the facts the task rules decide on (`domain.decisions`).

Only ids, tenant, school and times cross over, plus (for `PupilRegistered`) the minimal name that
tasks show, and for a few casework events the user ids tasks are for, a decision's outcome and an
evaluation date. Personal fields such as descriptions, reasons and names never enter this
service's domain.
"""

from __future__ import annotations

from meldcode_contracts import (
    AmkNotified,
    CareCoordinatorAssigned,
    CaseOpened,
    CaseOwnerChanged,
    CaseTransferred,
    DecisionMade,
    Envelope,
    FollowUpScheduled,
    PupilRegistered,
    SignalRecorded,
)
from meldcode_contracts.cases import CasePayload

from .domain.cases import (
    CaseEvent,
    CaseEventType,
    CoordinatorNamed,
    DecisionTaken,
    Detail,
    EvaluationPlanned,
    OwnerChange,
    Report,
    Transfer,
)
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


def detail_of(event: Envelope) -> Detail | None:
    """The few fields of a casework event the task rules need; never free text.

    The reporter's user id (marked personal in the contract) becomes the assignee of the feedback
    task, and is never logged.
    """
    if isinstance(event, CaseOwnerChanged):
        return OwnerChange(event.payload.previous_owner_id, event.payload.new_owner_id)
    if isinstance(event, DecisionMade):
        return DecisionTaken(event.payload.outcome, event.payload.who_informs_parents)
    if isinstance(event, AmkNotified):
        return Report(event.payload.reporter_id)
    if isinstance(event, CareCoordinatorAssigned):
        return CoordinatorNamed(event.payload.coordinator_id)
    if isinstance(event, FollowUpScheduled):
        return EvaluationPlanned(event.payload.evaluation_on)
    if isinstance(event, CaseTransferred):
        return Transfer(event.payload.to_school, event.payload.new_case_owner_id)
    return None


def case_event(event: Envelope) -> CaseEvent | None:
    """A casework event after `CaseOpened` as a task-rule fact; None for any other event."""
    try:
        kind = CaseEventType(event.event_type)
    except ValueError:
        return None
    payload = getattr(event, "payload", None)
    if not isinstance(payload, CasePayload):
        return None
    return CaseEvent(
        type=kind,
        event_id=event.event_id,
        occurred_at=event.occurred_at,
        tenant=event.tenant,
        school=event.school,
        case_id=payload.case_id,
        pupil_id=payload.pupil_id,
        detail=detail_of(event),
    )
