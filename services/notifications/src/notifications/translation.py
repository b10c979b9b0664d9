"""Contract events -> the facts the task rules decide on (`domain.decisions`).

Only ids, tenant, school and times cross over, plus (for `PupilRegistered`) the minimal name that
tasks show, and for a few casework events the user ids tasks are for, a decision's outcome and an
evaluation date. Personal fields such as descriptions, reasons and names never enter this
service's domain.
"""

from __future__ import annotations

import uuid
from typing import Any

from meldcode_contracts import (
    AmkNotified,
    CareCoordinatorAssigned,
    CaseHandedOverToJgz,
    CaseObligationsChanged,
    CaseOpened,
    CaseOwnerChanged,
    CaseSignalsAdded,
    CaseTransferred,
    ChildInformed,
    ChildInformingExceptionRecorded,
    ColleagueConsulted,
    DecisionMade,
    Envelope,
    HelpOrganised,
    JgzConsultationRequested,
    ParentsInformed,
    ParentsInformingExceptionRecorded,
    PupilDeregistered,
    PupilRegistered,
    ReporterAnonymityAgreed,
    SignalCorrected,
    SignalRecorded,
)
from meldcode_contracts.cases import CasePayload
from meldcode_contracts.jgz import CaseHandoverV1, ConsultationRequestV1, PupilReference

from .domain.added_signals import SignalsAddedNoticed
from .domain.cases import (
    CaseEvent,
    CaseEventType,
    CoordinatorNamed,
    DecisionTaken,
    Detail,
    ObligationsPublished,
    OwnerChange,
    PublishedObligation,
    Report,
    Transfer,
)
from .domain.decisions import CaseNoticed, PupilLeft, SignalNoticed
from .domain.dutch_days import dutch_date
from .domain.melding import ConsultationFact, PupilIdentity, SignalFact
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


def pupil_left(event: PupilDeregistered) -> PupilLeft:
    return PupilLeft(
        event_id=event.event_id,
        occurred_at=event.occurred_at,
        tenant=event.tenant,
        school=event.school,
        pupil_id=event.payload.pupil_id,
        left_on=event.payload.left_on,
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


def signals_added(event: CaseSignalsAdded) -> SignalsAddedNoticed:
    return SignalsAddedNoticed(
        event_id=event.event_id,
        occurred_at=event.occurred_at,
        tenant=event.tenant,
        case_id=event.payload.case_id,
        signal_ids=tuple(event.payload.signal_ids),
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
    if isinstance(event, CaseTransferred):
        return Transfer(event.payload.to_school, event.payload.new_case_owner_id)
    if isinstance(event, CaseObligationsChanged):
        return ObligationsPublished(
            event.payload.step,
            tuple(PublishedObligation(o.kind, o.due_on) for o in event.payload.obligations),
        )
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


# --- Facts for the melding document and the JGZ messages --------------------------------------
# These do carry personal data (descriptions, names, advice): the melding document is the report
# as the school keeps it, and the JGZ partner needs to find the child. They are stored only in the
# tables that build those (see adapters/facts.py), never logged and never shown in tasks or e-mail.


def pupil_identity(event: PupilRegistered) -> PupilIdentity:
    p = event.payload
    return PupilIdentity(
        given_name=p.given_name,
        family_name=p.family_name,
        date_of_birth=p.date_of_birth,
        pupil_number=p.pupil_number,
    )


def signal_fact(event: SignalRecorded | SignalCorrected) -> SignalFact:
    p = event.payload
    return SignalFact(
        signal_id=p.signal_id,
        observed_on=p.observed_on,
        source_kind=p.source.kind.value,
        source_name=p.source.name,
        description=p.description,
        categories=tuple(c.value for c in p.categories),
        interpretation=p.interpretation,
        corrected_on=dutch_date(event.occurred_at) if isinstance(event, SignalCorrected) else None,
    )


def consultation_fact(event: ColleagueConsulted) -> ConsultationFact:
    p = event.payload
    return ConsultationFact(
        consulted_on=p.consulted_on,
        consulted_name=p.consulted_name,
        consulted_role=p.consulted_role,
        organisation=p.organisation,
        advice=p.advice,
    )


def case_fact(event: Envelope) -> tuple[str, dict[str, Any]] | None:
    """(kind, data) of the casework events the melding document shows; None for the others."""
    if isinstance(event, ParentsInformed | ChildInformed):
        who = "parents" if isinstance(event, ParentsInformed) else "child"
        p = event.payload
        return who, {"on": p.informed_on.isoformat(), "informed": True, "by": p.informed_by}
    if isinstance(event, ParentsInformingExceptionRecorded | ChildInformingExceptionRecorded):
        who = "parents" if isinstance(event, ParentsInformingExceptionRecorded) else "child"
        q = event.payload
        return who, {
            "on": q.recorded_on.isoformat(),
            "informed": False,
            "ground": q.ground,
            "explanation": q.explanation,
        }
    if isinstance(event, ReporterAnonymityAgreed):
        return "anonymity", {"ground": event.payload.ground}
    if isinstance(event, HelpOrganised):
        h = event.payload
        return "help", {
            "organised_on": h.organised_on.isoformat(),
            "description": h.help_description,
            "providers": list(h.providers),
        }
    if isinstance(event, DecisionMade):
        return "decision", {
            "decided_on": event.payload.decided_on.isoformat(),
            "outcome": event.payload.outcome,
        }
    return None


def report_facts(event: AmkNotified) -> dict[str, Any]:
    """What the melding document needs of the report itself."""
    p = event.payload
    return {
        "veilig_thuis_region": p.veilig_thuis_region,
        "veilig_thuis_organisation": p.veilig_thuis_organisation,
        "reporter_id": p.reporter_id,
        "reporter_anonymous_to_family": p.reporter_anonymous_to_family,
        "signal_ids": [str(s) for s in p.signal_ids],
        "school_continues": p.school_continues,
        "pupil_age_on_report": p.pupil_age_on_report,
    }


def consultation_request(
    event: JgzConsultationRequested, pupil: PupilReference, delivery_id: uuid.UUID
) -> ConsultationRequestV1:
    p = event.payload
    return ConsultationRequestV1(
        message_id=delivery_id,
        samenwerkingsverband=event.tenant,
        case_reference=p.case_id,
        pupil=pupil,
        created_at=event.occurred_at,
        request_id=p.request_id,
        requested_on=p.requested_on,
        requested_by=p.requested_by,
        jgz_organisation=p.jgz_organisation,
        question=p.question,
    )


def case_handover(
    event: CaseHandedOverToJgz, pupil: PupilReference, delivery_id: uuid.UUID
) -> CaseHandoverV1:
    p = event.payload
    return CaseHandoverV1(
        message_id=delivery_id,
        samenwerkingsverband=event.tenant,
        case_reference=p.case_id,
        pupil=pupil,
        created_at=event.occurred_at,
        handover_id=p.handover_id,
        handed_over_on=p.handed_over_on,
        jgz_organisation=p.jgz_organisation,
        legal_basis=p.legal_basis,
        legal_basis_explanation=p.legal_basis_explanation,
        summary=p.summary,
    )
