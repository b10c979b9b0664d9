"""A pupil of a school, known to the Meldcode under a pseudonymous id."""

from __future__ import annotations

import uuid
from datetime import date

from eventsourcing.domain import Aggregate, event

from .errors import DateOfBirthInvalid

PUPIL_INDEX_NAMESPACE = uuid.UUID("0b8c5c7e-9a3e-4f43-9d53-8f1f0f6e4b21")


class Pupil(Aggregate):
    """Personal fields live only here (and in the PupilRegistered contract event, marked personal)."""

    class Registered(Aggregate.Created):
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


class PupilNumberIndex(Aggregate):
    """Makes (samenwerkingsverband, school, pupil number) unique: saved together with the Pupil, the
    second registration of the same number fails on this aggregate's id."""

    def __init__(self, *, tenant: str, school: str, pupil_number: str, pupil_id: uuid.UUID) -> None:
        self.pupil_id = pupil_id

    @staticmethod
    def create_id(tenant: str, school: str, pupil_number: str) -> uuid.UUID:
        return uuid.uuid5(PUPIL_INDEX_NAMESPACE, f"{tenant}/{school}/{pupil_number.strip()}")
