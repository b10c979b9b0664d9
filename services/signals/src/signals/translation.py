"""Domain events -> contract events. Only what is listed in `CONTRACT_EVENTS` leaves the service.

The domain keeps its own vocabulary (source kinds, categories, erasure reasons, as strings in its
events); here it becomes the contracts' enums, which share the values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from meldcode_contracts import (
    ColleagueConsulted,
    Envelope,
    ErasureApproved,
    ErasureApprovedPayload,
    ErasureReason,
    ErasureRequested,
    ErasureRequestedPayload,
    PersonalDataErased,
    PersonalDataErasedPayload,
    PupilDeregistered,
    PupilDeregisteredPayload,
    PupilRegistered,
    PupilRegisteredPayload,
    Role,
    SignalCategory,
    SignalCorrected,
    SignalCorrectedPayload,
    SignalRecorded,
    SignalRecordedPayload,
    SignalSource,
    SourceKind,
    VeiligThuisAdviceRequested,
)
from meldcode_contracts.signals import ColleagueConsultedPayload, VeiligThuisAdviceRequestedPayload
from meldcode_contracts.staff import (
    StaffMemberDelisted,
    StaffMemberDelistedPayload,
    StaffMemberListed,
    StaffMemberListedPayload,
)
from meldcode_servicekit.outbox import envelope_fields

from .domain.consultation import AdviceRequest, Consultation
from .domain.pupil import Pupil
from .domain.signal import Signal
from .domain.staff import StaffMember


def _envelope(domain_event: Any) -> dict[str, Any]:
    # Signal events are keyed by their pupil, so one pupil's events stay in order.
    return envelope_fields(
        domain_event, subject_id=getattr(domain_event, "pupil_id", domain_event.originator_id)
    )


def _observation(domain_event: Any) -> dict[str, Any]:
    return {
        "observed_on": domain_event.observed_on,
        "description": domain_event.description,
        "source": SignalSource(kind=SourceKind(domain_event.source_kind), name=domain_event.source_name),
        "categories": [SignalCategory(c) for c in domain_event.categories],
        "interpretation": domain_event.interpretation,
    }


def _colleague_consulted(e: Consultation.Recorded) -> Envelope:
    return ColleagueConsulted(
        **_envelope(e),
        payload=ColleagueConsultedPayload(
            consultation_id=e.originator_id,
            pupil_id=e.pupil_id,
            consulted_on=e.consulted_on,
            consulted_name=e.consulted_name,
            consulted_role=e.consulted_role,
            organisation=e.organisation,
            advice=e.advice,
            signal_ids=e.signal_ids,
        ),
    )


def _veilig_thuis_advice_requested(e: AdviceRequest.Requested) -> Envelope:
    # Anonymous (rule 3): keyed by the request itself, and no pupil id or pupil data on the wire.
    return VeiligThuisAdviceRequested(
        **envelope_fields(e, subject_id=e.originator_id),
        payload=VeiligThuisAdviceRequestedPayload(
            advice_request_id=e.originator_id,
            requested_on=e.requested_on,
            veilig_thuis_region=e.veilig_thuis_region,
            question=e.question,
            advice=e.advice,
        ),
    )


def _pupil_registered(e: Pupil.Registered) -> Envelope:
    return PupilRegistered(
        **_envelope(e),
        payload=PupilRegisteredPayload(
            pupil_id=e.originator_id,
            pupil_number=e.pupil_number,
            given_name=e.given_name,
            family_name=e.family_name,
            date_of_birth=e.date_of_birth,
        ),
    )


def _erasure_requested(e: Pupil.ErasureRequested) -> Envelope:
    return ErasureRequested(
        **_envelope(e),
        payload=ErasureRequestedPayload(
            pupil_id=e.originator_id,
            request_id=e.request_id,
            reason=ErasureReason(e.reason),
            requested_on=e.requested_on,
        ),
    )


def _erasure_approved(e: Pupil.ErasureApproved) -> Envelope:
    return ErasureApproved(
        **_envelope(e),
        payload=ErasureApprovedPayload(
            pupil_id=e.originator_id,
            request_id=e.request_id,
            reason=ErasureReason(e.reason),
            approved_on=e.approved_on,
            requested_by=e.requested_by,
            requested_by_role=Role(e.requested_by_role),
        ),
    )


def _personal_data_erased(e: Pupil.PersonalDataErased) -> Envelope:
    return PersonalDataErased(
        **_envelope(e),
        payload=PersonalDataErasedPayload(
            pupil_id=e.originator_id, reason=ErasureReason(e.reason), erased_on=e.erased_on
        ),
    )


def _pupil_deregistered(e: Pupil.Deregistered) -> Envelope:
    return PupilDeregistered(
        **_envelope(e),
        payload=PupilDeregisteredPayload(
            pupil_id=e.originator_id, left_on=e.left_on, destination_school=e.destination_school
        ),
    )


def _signal_recorded(e: Signal.Recorded) -> Envelope:
    return SignalRecorded(
        **_envelope(e),
        payload=SignalRecordedPayload(
            signal_id=e.originator_id, pupil_id=e.pupil_id, observer_id=e.actor_id, **_observation(e)
        ),
    )


def _signal_corrected(e: Signal.Corrected) -> Envelope:
    # The corrector is the envelope's actor; the observer (author of the recorded text) is
    # named too, so a consumer shows who wrote what without joining the original.
    return SignalCorrected(
        **_envelope(e),
        payload=SignalCorrectedPayload(
            signal_id=e.originator_id,
            pupil_id=e.pupil_id,
            observer_id=getattr(e, "observer_id", None),
            reason=e.reason,
            **_observation(e),
        ),
    )


def _staff_member_listed(e: StaffMember.FirstListed | StaffMember.Listed) -> Envelope:
    # Keyed by the listing (school and user id), so the latest listing of a person wins.
    return StaffMemberListed(
        **envelope_fields(e, subject_id=e.originator_id),
        payload=StaffMemberListedPayload(user_id=e.user_id, name=e.name, role=Role(e.role), email=e.email),
    )


def _staff_member_delisted(e: StaffMember.Delisted) -> Envelope:
    return StaffMemberDelisted(
        **envelope_fields(e, subject_id=e.originator_id),
        payload=StaffMemberDelistedPayload(user_id=e.user_id),
    )


CONTRACT_EVENTS: dict[type[Any], Callable[[Any], Envelope]] = {
    Consultation.Recorded: _colleague_consulted,
    AdviceRequest.Requested: _veilig_thuis_advice_requested,
    Pupil.Registered: _pupil_registered,
    Pupil.Deregistered: _pupil_deregistered,
    Pupil.ErasureRequested: _erasure_requested,
    Pupil.ErasureApproved: _erasure_approved,
    Pupil.PersonalDataErased: _personal_data_erased,
    Signal.Recorded: _signal_recorded,
    Signal.Corrected: _signal_corrected,
    StaffMember.FirstListed: _staff_member_listed,
    StaffMember.Listed: _staff_member_listed,
    StaffMember.Delisted: _staff_member_delisted,
}
"""Each domain event that leaves the service, and how its contract event is made."""


def to_contract_event(domain_event: Any) -> Envelope | None:
    translate = CONTRACT_EVENTS.get(type(domain_event))
    return None if translate is None else translate(domain_event)
