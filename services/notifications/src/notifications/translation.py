"""Contract events -> what the application handles: the facts the task rules decide on
(`domain.decisions`) and the commands of `commands.py`. One table, `TRANSLATIONS`, from the
contract event type to the small functions that build them; `messages_of` reads it.

For the task rules only ids, tenant, school and times cross over, plus (for `PupilRegistered`) the minimal name that
tasks show, and for a few casework events the user ids tasks are for, a decision's outcome and an
evaluation date. Personal fields such as descriptions, reasons and names never enter this
service's domain.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial
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
    PersonalDataErased,
    PupilDeregistered,
    PupilRegistered,
    ReporterAnonymityAgreed,
    SignalCorrected,
    SignalRecorded,
    StaffMemberDelisted,
    StaffMemberListed,
    ZorgteamInvitationWithdrawn,
    ZorgteamMemberInvited,
)
from meldcode_contracts.cases import CasePayload
from meldcode_contracts.jgz import CaseHandoverV1, ConsultationRequestV1, PupilReference
from meldcode_vocabulary.dutch_days import dutch_date

from .commands import (
    DelistStaffMember,
    DeliverToJgz,
    ErasePersonalData,
    InviteZorgteamMember,
    JgzMessage,
    ListStaffMember,
    RememberCaseFact,
    RememberConsultation,
    RememberPupilIdentity,
    RememberSignal,
    RequestMeldingDocument,
    WithdrawZorgteamInvitation,
)
from .domain.added_signals import SignalsAddedNoticed
from .domain.cases import (
    CaseEvent,
    CaseEventType,
    CoordinatorNamed,
    DecisionTaken,
    Detail,
    Invitation,
    ObligationsPublished,
    OwnerChange,
    PublishedObligation,
    Report,
    Transfer,
)
from .domain.decisions import CaseNoticed, PupilLeft, SignalNoticed
from .domain.melding import ConsultationFact, PupilIdentity, SignalFact, document_id_for
from .domain.pupils import KnownPupil, PupilName


def pupil_known(event: PupilRegistered) -> KnownPupil:
    return KnownPupil(
        pupil_id=event.payload.pupil_id,
        tenant=event.tenant,
        school=event.school,
        name=PupilName.from_full_name(event.payload.given_name, event.payload.family_name),
        registered_at=event.occurred_at,
    )


def staff_member_listed(event: StaffMemberListed) -> ListStaffMember:
    """The one place a staff member's name and e-mail address cross over (for task e-mails)."""
    return ListStaffMember(
        tenant=event.tenant,
        school=event.school,
        user_id=event.payload.user_id,
        name=event.payload.name,
        email=event.payload.email,
        role=event.payload.role.value,
        at=event.occurred_at,
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


DETAILS: dict[type[Envelope], Callable[[Any], Detail]] = {
    CaseOwnerChanged: lambda e: OwnerChange(e.payload.previous_owner_id, e.payload.new_owner_id),
    DecisionMade: lambda e: DecisionTaken(e.payload.outcome, e.payload.who_informs_parents),
    AmkNotified: lambda e: Report(e.payload.reporter_id),
    CareCoordinatorAssigned: lambda e: CoordinatorNamed(e.payload.coordinator_id),
    CaseTransferred: lambda e: Transfer(e.payload.to_school, e.payload.new_case_owner_id),
    ZorgteamMemberInvited: lambda e: Invitation(e.payload.member_id),
    ZorgteamInvitationWithdrawn: lambda e: Invitation(e.payload.member_id),
    CaseObligationsChanged: lambda e: ObligationsPublished(
        e.payload.step, tuple(PublishedObligation(o.kind, o.due_on) for o in e.payload.obligations)
    ),
}
"""The few fields of a casework event the task rules need; never free text. The reporter's user id
(marked personal in the contract) becomes the assignee of the feedback task, and is never logged."""


def detail_of(event: Envelope) -> Detail | None:
    detail = DETAILS.get(type(event))
    return detail(event) if detail is not None else None


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


def signal_fact(event: SignalRecorded | SignalCorrected, corrected: bool) -> SignalFact:
    p = event.payload
    return SignalFact(
        signal_id=p.signal_id,
        observed_on=p.observed_on,
        source_kind=p.source.kind.value,
        source_name=p.source.name,
        description=p.description,
        categories=tuple(c.value for c in p.categories),
        interpretation=p.interpretation,
        corrected_on=dutch_date(event.occurred_at) if corrected else None,
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


def informed(event: ParentsInformed | ChildInformed) -> dict[str, Any]:
    p = event.payload
    return {"on": p.informed_on.isoformat(), "informed": True, "by": p.informed_by}


def not_informed(
    event: ParentsInformingExceptionRecorded | ChildInformingExceptionRecorded,
) -> dict[str, Any]:
    q = event.payload
    return {
        "on": q.recorded_on.isoformat(),
        "informed": False,
        "ground": q.ground,
        "explanation": q.explanation,
    }


def help_organised(event: HelpOrganised) -> dict[str, Any]:
    h = event.payload
    return {
        "organised_on": h.organised_on.isoformat(),
        "description": h.help_description,
        "providers": list(h.providers),
    }


CASE_FACTS: dict[type[Envelope], tuple[str, Callable[[Any], dict[str, Any]]]] = {
    ParentsInformed: ("parents", informed),
    ChildInformed: ("child", informed),
    ParentsInformingExceptionRecorded: ("parents", not_informed),
    ChildInformingExceptionRecorded: ("child", not_informed),
    ReporterAnonymityAgreed: ("anonymity", lambda e: {"ground": e.payload.ground}),
    HelpOrganised: ("help", help_organised),
    DecisionMade: (
        "decision",
        lambda e: {"decided_on": e.payload.decided_on.isoformat(), "outcome": e.payload.outcome},
    ),
}
"""(kind, data) of the casework events the melding document shows."""


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


# --- The table: each contract event -> what the application is given -------------------------


def remember_case_fact(event: Any) -> RememberCaseFact:
    kind, data = CASE_FACTS[type(event)]
    p = event.payload
    return RememberCaseFact(event.event_id, event.tenant, p.case_id, kind, event.occurred_at, data(event))


def request_document(event: AmkNotified) -> RequestMeldingDocument:
    return RequestMeldingDocument(
        document_id=document_id_for(event.event_id),
        report_event_id=event.event_id,
        tenant=event.tenant,
        school=event.school,
        case_id=event.payload.case_id,
        pupil_id=event.payload.pupil_id,
        reported_on=event.payload.reported_on,
        reported_at=event.occurred_at,
        report=report_facts(event),
    )


def jgz_delivery(
    event: JgzConsultationRequested | CaseHandedOverToJgz,
    compose: Callable[[PupilReference, uuid.UUID], JgzMessage],
    legal_basis: str | None = None,
) -> DeliverToJgz:
    p = event.payload
    return DeliverToJgz(
        source_event_id=event.event_id,
        tenant=event.tenant,
        school=event.school,
        case_id=p.case_id,
        pupil_id=p.pupil_id,
        organisation=p.jgz_organisation,
        compose=compose,
        legal_basis=legal_basis,
        needs_legal_basis=isinstance(event, CaseHandedOverToJgz),
    )


Translate = Callable[[Any], object]

TRANSLATIONS: dict[type[Envelope], tuple[Translate, ...]] = {
    PersonalDataErased: (lambda e: ErasePersonalData(e.payload.pupil_id),),
    PupilRegistered: (
        lambda e: RememberPupilIdentity(e.tenant, e.school, e.payload.pupil_id, pupil_identity(e)),
        pupil_known,
    ),
    SignalRecorded: (
        lambda e: RememberSignal(
            e.tenant, e.payload.pupil_id, signal_fact(e, corrected=False), e.occurred_at
        ),
        signal_noticed,
    ),
    SignalCorrected: (
        lambda e: RememberSignal(e.tenant, e.payload.pupil_id, signal_fact(e, corrected=True), e.occurred_at),
    ),
    ColleagueConsulted: (
        lambda e: RememberConsultation(
            e.tenant, e.payload.consultation_id, e.payload.pupil_id, consultation_fact(e)
        ),
    ),
    AmkNotified: (request_document,),
    **{event_type: (remember_case_fact,) for event_type in CASE_FACTS},
    ZorgteamMemberInvited: (lambda e: InviteZorgteamMember(e.payload.case_id, e.payload.member_id),),
    ZorgteamInvitationWithdrawn: (
        lambda e: WithdrawZorgteamInvitation(e.payload.case_id, e.payload.member_id),
    ),
    JgzConsultationRequested: (lambda e: jgz_delivery(e, partial(consultation_request, e)),),
    CaseHandedOverToJgz: (lambda e: jgz_delivery(e, partial(case_handover, e), e.payload.legal_basis),),
    PupilDeregistered: (pupil_left,),
    CaseOpened: (case_noticed,),
    CaseSignalsAdded: (signals_added,),
    StaffMemberListed: (staff_member_listed,),
    StaffMemberDelisted: (lambda e: DelistStaffMember(e.tenant, e.school, e.payload.user_id, e.occurred_at),),
}
"""In the order they are handled: the facts first, then the task rules (`case_event` after them)."""


def messages_of(event: Envelope) -> list[object]:
    """What the application is given for one incoming event, in the order it handles them."""
    messages = [translate(event) for translate in TRANSLATIONS.get(type(event), ())]
    if (fact := case_event(event)) is not None:
        messages.append(fact)
    return messages
