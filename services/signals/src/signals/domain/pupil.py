"""A pupil of a school, known to the Meldcode under a pseudonymous id."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

from eventsourcing.domain import Aggregate, event

from .erasure import (
    ErasureReason,
    ErasureRequest,
    require_reason_on_request,
    require_second_person,
    require_waiting_period_passed,
)
from .errors import (
    DateOfBirthInvalid,
    DestinationIsOwnSchool,
    ErasureRequestNotFound,
    PersonalDataAlreadyErased,
    PersonalDataErasedForGood,
    PupilAlreadyDeregistered,
    PupilLeftOnInFuture,
    PupilNoLongerAtSchool,
)
from .retention import Term

PUPIL_INDEX_NAMESPACE = uuid.UUID("0b8c5c7e-9a3e-4f43-9d53-8f1f0f6e4b21")


class Pupil(Aggregate):
    """Personal fields live only here (and in the PupilRegistered contract event, marked personal)."""

    class Registered(Aggregate.Created):
        personal_data = ("pupil_number", "given_name", "family_name", "date_of_birth")
        erased_as = {"date_of_birth": None}  # noqa: RUF012 - read by the sealing mapper

        tenant: str
        school: str
        pupil_number: str
        given_name: str
        family_name: str
        date_of_birth: date
        actor_id: str
        actor_role: str
        correlation_id: str

    @event(Registered)
    def __init__(
        self,
        *,
        tenant: str,
        school: str,
        pupil_number: str,
        given_name: str,
        family_name: str,
        date_of_birth: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.tenant = tenant
        self.school = school
        self.pupil_number = pupil_number
        self.given_name = given_name
        self.family_name = family_name
        self.date_of_birth = date_of_birth
        self.left_on: date | None = None
        self.destination_school: str | None = None
        self.erased_on: date | None = None
        self.erasure_reason: str | None = None
        self.erasure_requests: dict[uuid.UUID, ErasureRequest] = {}

    @classmethod
    def register(
        cls,
        *,
        tenant: str,
        school: str,
        pupil_number: str,
        given_name: str,
        family_name: str,
        date_of_birth: date,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> Pupil:
        if date_of_birth >= today or date_of_birth.year < today.year - 30:
            raise DateOfBirthInvalid("De geboortedatum kan niet kloppen voor een leerling.")
        return cls(
            tenant=tenant,
            school=school,
            pupil_number=pupil_number.strip(),
            given_name=given_name.strip(),
            family_name=family_name.strip(),
            date_of_birth=date_of_birth,
            actor_id=actor_id,
            actor_role=actor_role,
            correlation_id=correlation_id,
        )

    class Deregistered(Aggregate.Event):
        tenant: str
        school: str
        left_on: date
        destination_school: str | None
        actor_id: str
        actor_role: str
        correlation_id: str

        def apply(self, aggregate: Pupil) -> None:
            aggregate.left_on = self.left_on
            aggregate.destination_school = self.destination_school

    def deregister(
        self,
        *,
        left_on: date,
        destination_school: str | None,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        """The pupil left the school (rule 14); the zorgteam is alerted elsewhere when it matters."""
        if self.left_on is not None:
            raise PupilAlreadyDeregistered(
                f"Deze leerling is al uitgeschreven per {self.left_on.isoformat()}."
            )
        if left_on > today:
            raise PupilLeftOnInFuture("Schrijf een leerling uit op of na de dag dat hij of zij vertrok.")
        if destination_school == self.school:
            raise DestinationIsOwnSchool("De nieuwe school moet een andere school zijn dan deze.")
        self.trigger_event(
            self.Deregistered,
            tenant=self.tenant,
            school=self.school,
            left_on=left_on,
            destination_school=destination_school,
            actor_id=actor_id,
            actor_role=actor_role,
            correlation_id=correlation_id,
        )

    class PersonalDataErased(Aggregate.Event):
        """The pupil's data key was destroyed: the personal fields of every event now read as
        "[gewist]"; the events themselves stay, so everything still replays."""

        tenant: str
        school: str
        reason: str
        erased_on: date
        actor_id: str
        actor_role: str
        correlation_id: str

        def apply(self, aggregate: Pupil) -> None:
            aggregate.erased_on = self.erased_on
            aggregate.erasure_reason = self.reason

    def erase_personal_data(
        self, *, reason: str, today: date, actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        """The erasure itself: by the retention job, or as the approval of a request."""
        self._refuse_if_erased()
        self.trigger_event(
            self.PersonalDataErased,
            tenant=self.tenant,
            school=self.school,
            reason=reason,
            erased_on=today,
            actor_id=actor_id,
            actor_role=actor_role,
            correlation_id=correlation_id,
        )

    @property
    def pending_erasure_request(self) -> ErasureRequest | None:
        return next((r for r in self.erasure_requests.values() if r.pending), None)

    class ErasureRequested(Aggregate.Event):
        tenant: str
        school: str
        request_id: uuid.UUID
        reason: str
        requested_on: date
        actor_id: str
        actor_role: str
        correlation_id: str

        def apply(self, aggregate: Pupil) -> None:
            aggregate.erasure_requests[self.request_id] = ErasureRequest(
                request_id=self.request_id,
                reason=ErasureReason(self.reason),
                requested_on=self.requested_on,
                requested_by=self.actor_id,
                requested_by_role=self.actor_role,
            )

    def request_erasure(
        self,
        *,
        reason: ErasureReason,
        last_case_closed_on: date | None,
        waiting_period: Term,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> ErasureRequest:
        """The first of the four eyes. A request while another one waits for approval is that one
        (a repeat, also by the other role: it is answered, nothing new is recorded)."""
        self._refuse_if_erased()
        pending = self.pending_erasure_request
        if pending is not None:
            return pending
        require_reason_on_request(reason)
        require_waiting_period_passed(
            reason, last_case_closed_on=last_case_closed_on, today=today, period=waiting_period
        )
        request_id = uuid.uuid4()
        self.trigger_event(
            self.ErasureRequested,
            tenant=self.tenant,
            school=self.school,
            request_id=request_id,
            reason=reason.value,
            requested_on=today,
            actor_id=actor_id,
            actor_role=actor_role,
            correlation_id=correlation_id,
        )
        return self.erasure_requests[request_id]

    class ErasureApproved(Aggregate.Event):
        tenant: str
        school: str
        request_id: uuid.UUID
        reason: str
        approved_on: date
        requested_by: str
        requested_by_role: str
        actor_id: str
        actor_role: str
        correlation_id: str

        def apply(self, aggregate: Pupil) -> None:
            request = aggregate.erasure_requests[self.request_id]
            aggregate.erasure_requests[self.request_id] = replace(
                request,
                approved_by=self.actor_id,
                approved_by_role=self.actor_role,
                approved_on=self.approved_on,
            )

    def approve_erasure(
        self,
        *,
        request_id: uuid.UUID,
        last_case_closed_on: date | None,
        waiting_period: Term,
        today: date,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> ErasureRequest:
        """The second of the four eyes: approved, the personal data is erased in the same command
        (`ErasureApproved`, then `PersonalDataErased`; the caller destroys the key before saving)."""
        request = self.erasure_requests.get(request_id)
        if request is None:
            raise ErasureRequestNotFound("Dit verzoek om te wissen is niet bekend bij deze leerling.")
        self._refuse_if_erased()
        require_second_person(request, approver_id=actor_id, approver_role=actor_role)
        require_waiting_period_passed(
            request.reason, last_case_closed_on=last_case_closed_on, today=today, period=waiting_period
        )
        self.trigger_event(
            self.ErasureApproved,
            tenant=self.tenant,
            school=self.school,
            request_id=request_id,
            reason=request.reason.value,
            approved_on=today,
            requested_by=request.requested_by,
            requested_by_role=request.requested_by_role,
            actor_id=actor_id,
            actor_role=actor_role,
            correlation_id=correlation_id,
        )
        self.erase_personal_data(
            reason=request.reason.value,
            today=today,
            actor_id=actor_id,
            actor_role=actor_role,
            correlation_id=correlation_id,
        )
        return self.erasure_requests[request_id]

    def _refuse_if_erased(self) -> None:
        if self.erased_on is not None:
            raise PersonalDataAlreadyErased(
                f"De persoonsgegevens van deze leerling zijn al gewist op {self.erased_on.isoformat()}."
            )

    def require_not_erased(self) -> None:
        if self.erased_on is not None:
            raise PersonalDataErasedForGood(
                "De persoonsgegevens van deze leerling zijn gewist; er kan niets meer over worden vastgelegd."
            )

    def require_at_school_on(self, day: date) -> None:
        """No signal observed after the pupil left is recorded by the old school."""
        if self.left_on is not None and day > self.left_on:
            raise PupilNoLongerAtSchool(
                f"Deze leerling is uitgeschreven per {self.left_on.isoformat()}; "
                "een signaal van daarna hoort bij de nieuwe school."
            )


class PupilNumberIndex(Aggregate):
    """Makes (samenwerkingsverband, school, pupil number) unique: saved together with the Pupil, the
    second registration of the same number fails on this aggregate's id."""

    class Created(Aggregate.Created):
        personal_data = ("pupil_number",)

        tenant: str
        school: str
        pupil_number: str
        pupil_id: uuid.UUID

    def __init__(self, *, tenant: str, school: str, pupil_number: str, pupil_id: uuid.UUID) -> None:
        self.pupil_id = pupil_id

    @staticmethod
    def create_id(tenant: str, school: str, pupil_number: str) -> uuid.UUID:
        return uuid.uuid5(PUPIL_INDEX_NAMESPACE, f"{tenant}/{school}/{pupil_number.strip()}")
