"""Contract events -> what the read models keep of them (`reporting.domain.projection.Projection`).

One table, `PROJECTIONS`, from the contract event type to a small function building its projection;
an event type that is not listed changes no read model. Every casework and notifications event
that belongs in a pupil's history is a chronology entry with the payload as its facts; the casework
events are also a change of their case's row; a few events add a pupil, an access-log row, an
erasure or a zorgteam invitation besides.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any, Final

from pydantic import BaseModel

from meldcode_contracts import (
    AmkNotified,
    CareCoordinatorAssigned,
    CaseClosed,
    CaseHandedOverToJgz,
    CaseObligationsChanged,
    CaseOpened,
    CaseOwnerChanged,
    CaseReopened,
    CaseSignalsAdded,
    CaseTransferred,
    ChildInformed,
    ChildInformingExceptionRecorded,
    ColleagueConsulted,
    DataAccessed,
    DecisionMade,
    Envelope,
    ErasureApproved,
    ErasureRequested,
    FollowUpEvaluated,
    FollowUpScheduled,
    HelpOrganised,
    JgzConsultationRequested,
    JgzConsultationResultReceived,
    JgzWebhookDelivered,
    MeldingDocumentIssued,
    ParentsConversationHeld,
    ParentsConversationSkipped,
    ParentsInformed,
    ParentsInformingExceptionRecorded,
    PersonalDataErased,
    PupilDeregistered,
    PupilLeftSchool,
    PupilRegistered,
    ReminderSent,
    ReporterAnonymityAgreed,
    RiskWeighed,
    SignalCorrected,
    SignalRecorded,
    StaffMemberDelisted,
    StaffMemberListed,
    VeiligThuisFeedbackReceived,
    ZorgteamInvitationWithdrawn,
    ZorgteamMemberInvited,
)
from meldcode_contracts.cases import CasePayload
from meldcode_contracts.notices import NoticePayload

from .domain.access import AccessEntry
from .domain.cases import CaseChange, Obligation
from .domain.chronology import ChronologyEntry, JsonValue
from .domain.projection import Projection, ZorgteamChange
from .domain.pupils import PupilRow
from .domain.staff import StaffListing

Translate = Callable[[Any], Projection]


def project(event: Envelope) -> Projection:
    """The read-model rows of `event`. Applying them twice must change nothing (upserts by id)."""
    translate = PROJECTIONS.get(type(event))
    return translate(event) if translate is not None else Projection()


# --- the pieces an event's projection is made of ------------------------------------------------


def _facts(payload: BaseModel) -> dict[str, JsonValue]:
    """The payload as JSON, without the pupil id (the entry has its own column for it)."""
    facts: dict[str, JsonValue] = payload.model_dump(mode="json", exclude={"pupil_id"})
    return facts


def _entry(
    event: Any,
    *,
    observed_on: date | None = None,
    signal_id: uuid.UUID | None = None,
    case_id: uuid.UUID | None = None,
) -> ChronologyEntry:
    """The chronology entry of `event`: its envelope, the pupil its payload names and the payload
    as facts."""
    return ChronologyEntry(
        event_id=event.event_id,
        tenant=event.tenant,
        school=event.school,
        pupil_id=event.payload.pupil_id,
        event_type=event.event_type,
        occurred_at=event.occurred_at,
        sequence=event.sequence,
        actor_id=event.actor.user_id,
        actor_role=event.actor.role.value,
        facts=_facts(event.payload),
        observed_on=observed_on,
        signal_id=signal_id,
        case_id=case_id,
    )


def _case_change(event: Any, **facts: Any) -> CaseChange:
    """What a casework event means for its case's row: the envelope's ids plus the given facts."""
    payload: CasePayload = event.payload
    return CaseChange(
        event_id=event.event_id,
        event_type=event.event_type,
        case_id=payload.case_id,
        tenant=event.tenant,
        school=event.school,
        pupil_id=payload.pupil_id,
        occurred_at=event.occurred_at,
        sequence=event.sequence,
        **facts,
    )


def _case_event(event: Any, **facts: Any) -> Projection:
    """Every casework event: an entry of the pupil's chronology (`school` is the case's school at the
    time of the event; for a transfer the school it was handed over from) and a change of its case."""
    return Projection(
        entry=_entry(event, case_id=event.payload.case_id), case_change=_case_change(event, **facts)
    )


# --- per event type -------------------------------------------------------------------------------


def _pupil_registered(event: PupilRegistered) -> Projection:
    p = event.payload
    return Projection(
        pupil=PupilRow(
            pupil_id=p.pupil_id,
            tenant=event.tenant,
            school=event.school,
            registered_at=event.occurred_at,
            pupil_number=p.pupil_number,
            given_name=p.given_name,
            family_name=p.family_name,
            date_of_birth=p.date_of_birth,
        )
    )


def _signal(event: SignalRecorded | SignalCorrected) -> Projection:
    p = event.payload
    return Projection(entry=_entry(event, observed_on=p.observed_on, signal_id=p.signal_id))


def _entry_only(event: Any) -> Projection:
    """An event that is an entry of the pupil's chronology and nothing more."""
    return Projection(entry=_entry(event))


def _personal_data_erased(event: PersonalDataErased) -> Projection:
    """Why and when the pupil's personal data was erased (ADR 10): the entries stay, their personal
    facts read as "[gewist]" from then on, and every read model drops the pupil's personal values."""
    return Projection(entry=_entry(event), erased_pupil=event.payload.pupil_id)


def _data_accessed(event: DataAccessed) -> Projection:
    p = event.payload
    return Projection(
        access=AccessEntry(
            access_id=p.access_id,
            event_id=event.event_id,
            occurred_at=event.occurred_at,
            tenant=event.tenant,
            school=event.school,
            user_id=event.actor.user_id,
            role=event.actor.role.value,
            on_behalf_of=p.on_behalf_of,
            service=p.service,
            action=p.action,
            resource=p.resource,
            pupil_id=p.pupil_id,
            case_id=p.case_id,
            client_address=p.client_address,
            client_application=p.client_application,
        )
    )


def _zorgteam(invited: bool) -> Translate:
    def translate(event: ZorgteamMemberInvited | ZorgteamInvitationWithdrawn) -> Projection:
        p = event.payload
        change = ZorgteamChange(p.case_id, p.member_id, invited=invited)
        return Projection(
            entry=_entry(event, case_id=p.case_id), case_change=_case_change(event), zorgteam=change
        )

    return translate


def _case_obligations_changed(event: CaseObligationsChanged) -> Projection:
    """Casework's step and open obligations of the case: a change of the case row, no chronology entry."""
    p = event.payload
    obligations = tuple(Obligation(o.kind, o.due_on) for o in p.obligations)
    return Projection(case_change=_case_change(event, step=p.step, obligations=obligations))


def _notice(event: MeldingDocumentIssued | JgzWebhookDelivered | ReminderSent) -> Projection:
    """What notifications sent about a case or pupil (document, JGZ webhook, reminder). Without
    either it belongs in no chronology."""
    p: NoticePayload = event.payload
    if p.pupil_id is None and p.case_id is None:
        return Projection()
    return Projection(entry=_entry(event, case_id=p.case_id))


def _staff_listed(event: StaffMemberListed) -> Projection:
    p = event.payload
    return Projection(
        staff=StaffListing(
            tenant=event.tenant,
            school=event.school,
            user_id=p.user_id,
            listed=True,
            changed_at=event.occurred_at,
            name=p.name,
            role=p.role.value,
        )
    )


def _staff_delisted(event: StaffMemberDelisted) -> Projection:
    return Projection(
        staff=StaffListing(
            tenant=event.tenant,
            school=event.school,
            user_id=event.payload.user_id,
            listed=False,
            changed_at=event.occurred_at,
        )
    )


_PLAIN_CASE_EVENTS: Final = (
    ParentsConversationHeld,
    ParentsConversationSkipped,
    RiskWeighed,
    HelpOrganised,
    ParentsInformed,
    ParentsInformingExceptionRecorded,
    ChildInformed,
    ChildInformingExceptionRecorded,
    ReporterAnonymityAgreed,
    VeiligThuisFeedbackReceived,
    CareCoordinatorAssigned,
    FollowUpScheduled,
    CaseClosed,
    CaseReopened,
    JgzConsultationRequested,
    JgzConsultationResultReceived,
    CaseHandedOverToJgz,
)
"""Casework events that change nothing of the case row but its last event."""

PROJECTIONS: Final[dict[type[Envelope], Translate]] = {
    PupilRegistered: _pupil_registered,
    PupilDeregistered: _entry_only,
    # the four eyes of an erasure on request: who asked, who approved (ADR 10)
    ErasureRequested: _entry_only,
    ErasureApproved: _entry_only,
    PersonalDataErased: _personal_data_erased,
    SignalRecorded: _signal,
    SignalCorrected: _signal,
    # step 2 (rule 3): who was consulted and the advice. (An advice request to Veilig Thuis is
    # anonymous and names no pupil: it is not listed, so it enters no chronology.)
    ColleagueConsulted: _entry_only,
    DataAccessed: _data_accessed,
    **{event_type: _case_event for event_type in _PLAIN_CASE_EVENTS},
    CaseOpened: lambda e: _case_event(
        e, owner_id=e.payload.case_owner_id, signal_ids=tuple(e.payload.signal_ids)
    ),
    # kept with the change (not folded into the row): which cases cite a signal, for its observer
    CaseSignalsAdded: lambda e: _case_event(e, signal_ids=tuple(e.payload.signal_ids)),
    CaseOwnerChanged: lambda e: _case_event(e, owner_id=e.payload.new_owner_id),
    DecisionMade: lambda e: _case_event(e, outcome=e.payload.outcome),
    AmkNotified: lambda e: _case_event(e, day=e.payload.reported_on),
    FollowUpEvaluated: lambda e: _case_event(e, decision_reopened=e.payload.decision_reopened),
    PupilLeftSchool: lambda e: _case_event(e, day=e.payload.left_on),
    CaseTransferred: lambda e: _case_event(
        e,
        owner_id=e.payload.new_case_owner_id,
        day=e.payload.transferred_on,
        to_school=e.payload.to_school,
    ),
    ZorgteamMemberInvited: _zorgteam(invited=True),
    ZorgteamInvitationWithdrawn: _zorgteam(invited=False),
    CaseObligationsChanged: _case_obligations_changed,
    MeldingDocumentIssued: _notice,
    JgzWebhookDelivered: _notice,
    ReminderSent: _notice,
    # who the staff user ids are, by name, for the documents (case file, parents' export)
    StaffMemberListed: _staff_listed,
    StaffMemberDelisted: _staff_delisted,
}
