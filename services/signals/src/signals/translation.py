"""Domain events -> contract events. Only what is translated here ever leaves the service."""

from __future__ import annotations

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
    SignalCorrected,
    SignalCorrectedPayload,
    SignalRecorded,
    SignalRecordedPayload,
    SignalSource,
    VeiligThuisAdviceRequested,
)
from meldcode_contracts.signals import ColleagueConsultedPayload, VeiligThuisAdviceRequestedPayload
from meldcode_servicekit.outbox import envelope_fields

from .domain.consultation import AdviceRequest, Consultation
from .domain.pupil import Pupil
from .domain.signal import Signal


def _envelope(domain_event: Any) -> dict[str, Any]:
    # Signal events are keyed by their pupil, so one pupil's events stay in order.
    return envelope_fields(
        domain_event, subject_id=getattr(domain_event, "pupil_id", domain_event.originator_id)
    )


def _observation(domain_event: Any) -> dict[str, Any]:
    return {
        "observed_on": domain_event.observed_on,
        "description": domain_event.description,
        "source": SignalSource(kind=domain_event.source_kind, name=domain_event.source_name),
        "categories": domain_event.categories,
        "interpretation": domain_event.interpretation,
    }


def to_contract_event(domain_event: Any) -> Envelope | None:
    if isinstance(domain_event, Consultation.Recorded):
        return ColleagueConsulted(
            **_envelope(domain_event),
            payload=ColleagueConsultedPayload(
                consultation_id=domain_event.originator_id,
                pupil_id=domain_event.pupil_id,
                consulted_on=domain_event.consulted_on,
                consulted_name=domain_event.consulted_name,
                consulted_role=domain_event.consulted_role,
                organisation=domain_event.organisation,
                advice=domain_event.advice,
                signal_ids=domain_event.signal_ids,
            ),
        )
    if isinstance(domain_event, AdviceRequest.Requested):
        # Anonymous (rule 3): keyed by the request itself, and no pupil id or pupil data on the wire.
        return VeiligThuisAdviceRequested(
            **envelope_fields(domain_event, subject_id=domain_event.originator_id),
            payload=VeiligThuisAdviceRequestedPayload(
                advice_request_id=domain_event.originator_id,
                requested_on=domain_event.requested_on,
                veilig_thuis_region=domain_event.veilig_thuis_region,
                question=domain_event.question,
                advice=domain_event.advice,
            ),
        )
    if isinstance(domain_event, Pupil.Registered):
        return PupilRegistered(
            **_envelope(domain_event),
            payload=PupilRegisteredPayload(
                pupil_id=domain_event.originator_id,
                pupil_number=domain_event.pupil_number,
                given_name=domain_event.given_name,
                family_name=domain_event.family_name,
                date_of_birth=domain_event.date_of_birth,
            ),
        )
    if isinstance(domain_event, Pupil.ErasureRequested):
        return ErasureRequested(
            **_envelope(domain_event),
            payload=ErasureRequestedPayload(
                pupil_id=domain_event.originator_id,
                request_id=domain_event.request_id,
                reason=ErasureReason(domain_event.reason),
                requested_on=domain_event.requested_on,
            ),
        )
    if isinstance(domain_event, Pupil.ErasureApproved):
        return ErasureApproved(
            **_envelope(domain_event),
            payload=ErasureApprovedPayload(
                pupil_id=domain_event.originator_id,
                request_id=domain_event.request_id,
                reason=ErasureReason(domain_event.reason),
                approved_on=domain_event.approved_on,
                requested_by=domain_event.requested_by,
                requested_by_role=Role(domain_event.requested_by_role),
            ),
        )
    if isinstance(domain_event, Pupil.PersonalDataErased):
        return PersonalDataErased(
            **_envelope(domain_event),
            payload=PersonalDataErasedPayload(
                pupil_id=domain_event.originator_id,
                reason=ErasureReason(domain_event.reason),
                erased_on=domain_event.erased_on,
            ),
        )
    if isinstance(domain_event, Pupil.Deregistered):
        return PupilDeregistered(
            **_envelope(domain_event),
            payload=PupilDeregisteredPayload(
                pupil_id=domain_event.originator_id,
                left_on=domain_event.left_on,
                destination_school=domain_event.destination_school,
            ),
        )
    if isinstance(domain_event, Signal.Recorded):
        return SignalRecorded(
            **_envelope(domain_event),
            payload=SignalRecordedPayload(
                signal_id=domain_event.originator_id,
                pupil_id=domain_event.pupil_id,
                observer_id=domain_event.actor_id,
                **_observation(domain_event),
            ),
        )
    if isinstance(domain_event, Signal.Corrected):
        # The corrector is the envelope's actor; the observer (author of the recorded text) is
        # named too, so a consumer shows who wrote what without joining the original.
        return SignalCorrected(
            **_envelope(domain_event),
            payload=SignalCorrectedPayload(
                signal_id=domain_event.originator_id,
                pupil_id=domain_event.pupil_id,
                observer_id=getattr(domain_event, "observer_id", None),
                reason=domain_event.reason,
                **_observation(domain_event),
            ),
        )
    return None
