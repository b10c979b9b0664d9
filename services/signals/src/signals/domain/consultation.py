"""Step 2, collegiale consultatie: consulting colleagues and partners, and asking Veilig Thuis for
advice anonymously (rule 3)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date

from eventsourcing.domain import Aggregate, event

from .anonymity import RegisteredPupil, identifies_pupil
from .errors import AdviceRequestIdentifiesPupil, ConsultationNeedsContent, SignalNotYetObserved


def _required(value: str, what: str) -> str:
    if not value.strip():
        raise ConsultationNeedsContent(f"Leg vast: {what}.")
    return value.strip()


class Consultation(Aggregate):
    """Who was consulted about a pupil, in which role and organisation, when, and their advice."""

    class Recorded(Aggregate.Created):
        personal_data = ("consulted_name", "advice")

        tenant: str
        school: str
        pupil_id: uuid.UUID
        consulted_on: date
        consulted_name: str
        consulted_role: str
        organisation: str
        advice: str
        signal_ids: list[uuid.UUID]
        actor_id: str
        actor_role: str
        correlation_id: str

    @event(Recorded)
    def __init__(
        self,
        *,
        tenant: str,
        school: str,
        pupil_id: uuid.UUID,
        consulted_on: date,
        consulted_name: str,
        consulted_role: str,
        organisation: str,
        advice: str,
        signal_ids: list[uuid.UUID],
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.tenant = tenant
        self.school = school
        self.pupil_id = pupil_id
        self.consulted_on = consulted_on
        self.consulted_name = consulted_name
        self.consulted_role = consulted_role
        self.organisation = organisation
        self.advice = advice
        self.signal_ids = signal_ids

    @classmethod
    def record(
        cls,
        *,
        tenant: str,
        school: str,
        pupil_id: uuid.UUID,
        consulted_on: date,
        consulted_name: str,
        consulted_role: str,
        organisation: str,
        advice: str,
        signal_ids: Iterable[uuid.UUID],
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> Consultation:
        if consulted_on > today:
            raise SignalNotYetObserved("De datum van de consultatie ligt in de toekomst.")
        return cls(
            tenant=tenant,
            school=school,
            pupil_id=pupil_id,
            consulted_on=consulted_on,
            consulted_name=_required(consulted_name, "wie is geraadpleegd"),
            consulted_role=_required(consulted_role, "de rol van wie is geraadpleegd"),
            organisation=_required(organisation, "de organisatie van wie is geraadpleegd"),
            advice=_required(advice, "het advies"),
            signal_ids=list(dict.fromkeys(signal_ids)),
            actor_id=actor_id,
            actor_role=actor_role,
            correlation_id=correlation_id,
        )


class AdviceRequest(Aggregate):
    """An anonymous request for advice to Veilig Thuis. The pupil is known here, inside the school's
    own store, but never leaves it: the contract event has no pupil id, the texts are refused when
    they name the pupil (`anonymity.identifies_pupil`), and they are sealed with a key of the
    request's own that is destroyed with the pupil's."""

    class Requested(Aggregate.Created):
        personal_data = ("question", "advice")
        # Anonymous (rule 3): its own key, so nothing on the wire links it to the pupil's key; the
        # key store links that key to the pupil, so erasing the pupil shreds it too.
        sealed_with_own_key = True

        tenant: str
        school: str
        pupil_id: uuid.UUID
        requested_on: date
        veilig_thuis_region: str
        question: str
        advice: str
        actor_id: str
        actor_role: str
        correlation_id: str

    @event(Requested)
    def __init__(
        self,
        *,
        tenant: str,
        school: str,
        pupil_id: uuid.UUID,
        requested_on: date,
        veilig_thuis_region: str,
        question: str,
        advice: str,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.tenant = tenant
        self.school = school
        self.pupil_id = pupil_id
        self.requested_on = requested_on
        self.veilig_thuis_region = veilig_thuis_region
        self.question = question
        self.advice = advice

    @classmethod
    def request(
        cls,
        *,
        tenant: str,
        school: str,
        pupil_id: uuid.UUID,
        pupil: RegisteredPupil,
        requested_on: date,
        veilig_thuis_region: str,
        question: str,
        advice: str,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> AdviceRequest:
        if requested_on > today:
            raise SignalNotYetObserved("De datum van de adviesvraag ligt in de toekomst.")
        texts = (_required(question, "de adviesvraag"), _required(advice, "het advies van Veilig Thuis"))
        if any(identifies_pupil(text, pupil) for text in texts):
            raise AdviceRequestIdentifiesPupil(
                "Een anonieme adviesvraag aan Veilig Thuis mag de leerling niet herkenbaar maken: "
                "haal naam, leerlingnummer en geboortedatum (in welke schrijfwijze ook) uit de tekst."
            )
        return cls(
            tenant=tenant,
            school=school,
            pupil_id=pupil_id,
            requested_on=requested_on,
            veilig_thuis_region=_required(veilig_thuis_region, "de regio van Veilig Thuis"),
            question=texts[0],
            advice=texts[1],
            actor_id=actor_id,
            actor_role=actor_role,
            correlation_id=correlation_id,
        )
