"""The signals application: registers pupils and records and corrects signals (steps 1-2).

An eventsourcing Application: it is the repository. One method per command; they are synchronous,
so the HTTP layer and the use cases that need facts from elsewhere call them in a worker thread.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypedDict, TypeVar

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, Recording

from meldcode_contracts.staff import staff_member_id
from meldcode_edge.acting import Acting
from meldcode_servicekit.eventstore import AggregateChanged, MeldcodeApplication
from meldcode_vocabulary.dutch_days import dutch_today

from ..commands import (
    ApproveErasure,
    ConsultColleague,
    CorrectSignal,
    DelistStaffMember,
    DeregisterPupil,
    ListStaffMember,
    RecordSignal,
    RegisterPupil,
    RequestErasure,
    RequestVeiligThuisAdvice,
)
from ..domain.anonymity import RegisteredPupil
from ..domain.attachment import Attachment, AttachmentFile, AttachmentKind
from ..domain.consultation import AdviceRequest, Consultation
from ..domain.erasure import ErasureReason, ErasureRequest
from ..domain.errors import (
    DomainError,
    PupilAlreadyRegistered,
    PupilNotFound,
    SignalNotFound,
    StaffImportMalformed,
    StaffMemberNotFound,
    StaffSchoolOfOtherTenant,
)
from ..domain.pupil import Pupil, PupilNumberIndex
from ..domain.retention import RetentionTerms
from ..domain.signal import Signal
from ..domain.staff import StaffMember
from .kept_pupils import KeptPupils
from .pupil_import import (
    KNOWN_WITH_OTHER_DATA,
    ImportedRow,
    InvalidRow,
    NumberedRegistration,
    PupilImportInvalid,
    RowOutcome,
    duplicate_numbers,
)

A = TypeVar("A")

ERASURE_ATTEMPTS = 3
"""How often an erasure is tried when another command on the same pupil was saved first."""


class RecordedBy(TypedDict):
    """When and by whom a command is recorded: the keywords every signals aggregate command takes."""

    today: date
    actor_id: str
    actor_role: str
    correlation_id: str


def _recorded_now_by(acting: Acting) -> RecordedBy:
    return RecordedBy(
        today=dutch_today(),
        actor_id=acting.user_id,
        actor_role=acting.role,
        correlation_id=acting.correlation_id,
    )


@dataclass(frozen=True)
class Erasure:
    """A pupil's erasure as recorded: the one `PersonalDataErased` event there is."""

    pupil_id: uuid.UUID
    reason: ErasureReason
    erased_on: date
    repeated: bool
    """The pupil was erased already (maybe a moment ago, by a concurrent request): nothing new
    was recorded; this is the existing erasure."""
    request: ErasureRequest | None = None
    """The approved request the erasure followed; None for the retention job's erasure."""


@dataclass(frozen=True)
class RequestedErasure:
    request: ErasureRequest
    repeated: bool
    """A request was waiting already (maybe since a moment ago): this is that one."""


@dataclass(frozen=True)
class StaffListing:
    """One command's listing as it is now, and whether this command changed it."""

    member: StaffMember
    changed: bool


class SignalsApplication(MeldcodeApplication):
    name = "signals"
    kept_pupils_size = 10_000
    """Pupils kept in memory to record signals on (`KeptPupils`); for as long as the key store
    keeps their keys, none without one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        seconds = self.keystore.cache_seconds if self.keystore is not None else 0.0
        self._kept_pupils = KeptPupils(size=self.kept_pupils_size, seconds=seconds)

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[Any]]:
        for obj in objs:
            if isinstance(obj, Pupil):
                self._kept_pupils.forget(obj.id)  # changed here: the kept one is stale
        return super().save(*objs, **kwargs)

    def register_pupil(self, command: RegisterPupil, *, acting: Acting) -> uuid.UUID:
        school, pupil_number = command.school, command.pupil_number
        index_id = PupilNumberIndex.create_id(acting.tenant, school, pupil_number)
        existing = self._existing_pupil(index_id)
        if existing is not None:
            raise PupilAlreadyRegistered(str(existing))
        pupil = Pupil.register(
            tenant=acting.tenant,
            school=school,
            pupil_number=pupil_number,
            given_name=command.given_name,
            family_name=command.family_name,
            date_of_birth=command.date_of_birth,
            **_recorded_now_by(acting),
        )
        index = PupilNumberIndex(
            tenant=acting.tenant, school=school, pupil_number=pupil_number, pupil_id=pupil.id
        )
        try:
            self.save(pupil, index)
        except IntegrityError:
            # Registered concurrently by someone else between our check and our save.
            raise PupilAlreadyRegistered(str(self._existing_pupil(index_id))) from None
        return pupil.id

    def import_pupils(
        self,
        rows: list[NumberedRegistration],
        *,
        acting: Acting,
        unreadable: tuple[InvalidRow, ...] = (),
    ) -> list[ImportedRow]:
        """Register the pupils of a school's administration export that are not known yet, all in
        one transaction (see `pupil_import`). Every row is checked first; a row that cannot be
        registered (or one of the file's `unreadable` rows) refuses the whole file, naming every
        bad row (`PupilImportInvalid`). When someone registers one of the pupils meanwhile, the
        import is checked again against that."""
        for attempt in range(1, ERASURE_ATTEMPTS + 1):
            outcomes, new = self._plan_import(rows, acting=acting, unreadable=unreadable)
            try:
                if new:
                    self.save(*new)
            except IntegrityError:
                if attempt == ERASURE_ATTEMPTS:
                    raise
                continue
            return outcomes
        raise AssertionError("unreachable")

    def _plan_import(
        self, rows: list[NumberedRegistration], *, acting: Acting, unreadable: tuple[InvalidRow, ...]
    ) -> tuple[list[ImportedRow], list[Pupil | PupilNumberIndex]]:
        invalid = [*unreadable, *duplicate_numbers(rows)]
        outcomes: list[ImportedRow] = []
        new: list[Pupil | PupilNumberIndex] = []
        recorded = _recorded_now_by(acting)
        for numbered in rows:
            command = numbered.registration
            index_id = PupilNumberIndex.create_id(acting.tenant, command.school, command.pupil_number)
            existing = self._existing_pupil(index_id)
            if existing is not None:
                known = self.get_pupil(existing)
                same = known.erased_on is None and (
                    known.given_name,
                    known.family_name,
                    known.date_of_birth,
                ) == (command.given_name, command.family_name, command.date_of_birth)
                outcomes.append(
                    ImportedRow(numbered.row, command.pupil_number, RowOutcome.ALREADY_KNOWN, existing)
                    if same
                    else ImportedRow(
                        numbered.row,
                        command.pupil_number,
                        RowOutcome.REFUSED,
                        existing,
                        KNOWN_WITH_OTHER_DATA,
                    )
                )
                continue
            try:
                pupil = Pupil.register(
                    tenant=acting.tenant,
                    school=command.school,
                    pupil_number=command.pupil_number,
                    given_name=command.given_name,
                    family_name=command.family_name,
                    date_of_birth=command.date_of_birth,
                    **recorded,
                )
            except DomainError as refused:
                invalid.append(InvalidRow(numbered.row, str(refused)))
                continue
            new += [
                pupil,
                PupilNumberIndex(
                    tenant=acting.tenant,
                    school=command.school,
                    pupil_number=command.pupil_number,
                    pupil_id=pupil.id,
                ),
            ]
            outcomes.append(ImportedRow(numbered.row, command.pupil_number, RowOutcome.REGISTERED, pupil.id))
        if invalid:
            raise PupilImportInvalid(sorted(invalid, key=lambda r: r.row))
        return outcomes, new

    def deregister_pupil(self, pupil_id: uuid.UUID, command: DeregisterPupil, *, acting: Acting) -> Pupil:
        pupil = self.get_pupil(pupil_id)
        pupil.require_not_erased()
        pupil.deregister(
            left_on=command.left_on,
            destination_school=command.destination_school,
            **_recorded_now_by(acting),
        )
        self.save(pupil)
        return pupil

    def erase_personal_data(self, pupil_id: uuid.UUID, *, reason: ErasureReason, acting: Acting) -> Erasure:
        """Crypto-shredding (ADR 10): destroy the pupil's data key, so every sealed copy of their
        personal fields (stores, topics, backups) becomes unreadable at once, and record it. The key
        goes first: consumers forget their cached key when `PersonalDataErased` arrives, so the key
        must already be gone by then. A crash in between leaves the key destroyed without the
        event; erasing again records it.

        Idempotent: erasing an erased pupil answers the existing erasure. When another command on
        the pupil is saved between our read and our save (two erasure requests at once), the pupil
        is read again: erased by the other one, theirs is the answer; otherwise we try again."""
        if self.keystore is None:
            raise RuntimeError("erasure needs the key store")
        keystore = self.keystore

        def erase(pupil: Pupil) -> tuple[Erasure, bool]:
            if pupil.erased_on is not None:
                return _erasure_of(pupil, repeated=True), False
            pupil.erase_personal_data(
                reason=reason.value,
                **_recorded_now_by(acting),
            )
            keystore.shred(pupil_id, tenant=pupil.tenant, reason=reason.value)
            return _erasure_of(pupil, repeated=False), True

        return self._change_pupil(pupil_id, erase)

    def request_erasure(
        self,
        pupil_id: uuid.UUID,
        command: RequestErasure,
        *,
        last_case_closed_on: date | None,
        waiting_periods: RetentionTerms,
        acting: Acting,
    ) -> RequestedErasure:
        """The first of the four eyes; a repeat (also a concurrent one) answers the waiting request."""

        def request(pupil: Pupil) -> tuple[RequestedErasure, bool]:
            version = pupil.version
            waiting = pupil.request_erasure(
                reason=command.reason,
                last_case_closed_on=last_case_closed_on,
                waiting_period=waiting_periods.term_for(pupil.tenant),
                **_recorded_now_by(acting),
            )
            changed = pupil.version != version
            return RequestedErasure(waiting, repeated=not changed), changed

        return self._change_pupil(pupil_id, request)

    def approve_erasure(
        self,
        pupil_id: uuid.UUID,
        command: ApproveErasure,
        *,
        last_case_closed_on: date | None,
        waiting_periods: RetentionTerms,
        acting: Acting,
    ) -> Erasure:
        """The second of the four eyes, and the erasure itself (the key goes first, as in
        `erase_personal_data`). A repeat (also a concurrent one) answers the existing erasure."""
        if self.keystore is None:
            raise RuntimeError("erasure needs the key store")
        keystore = self.keystore
        request_id = command.request_id

        def approve(pupil: Pupil) -> tuple[Erasure, bool]:
            if pupil.erased_on is not None and request_id in pupil.erasure_requests:
                return _erasure_of(pupil, repeated=True), False
            pupil.approve_erasure(
                request_id=request_id,
                last_case_closed_on=last_case_closed_on,
                waiting_period=waiting_periods.term_for(pupil.tenant),
                **_recorded_now_by(acting),
            )
            reason = pupil.erasure_requests[request_id].reason
            keystore.shred(pupil_id, tenant=pupil.tenant, reason=reason.value)
            return _erasure_of(pupil, repeated=False), True

        return self._change_pupil(pupil_id, approve)

    def _change_pupil(
        self,
        pupil_id: uuid.UUID,
        change: Callable[[Pupil], tuple[A, bool]],
    ) -> A:
        """Read the pupil, `change` it and, when it says it changed something, save it; answer what
        `change` answered. When another command on the pupil was saved between our read and our
        save (its version is taken), read it again and change that."""
        for attempt in range(1, ERASURE_ATTEMPTS + 1):
            pupil = self.get_pupil(pupil_id)
            result, changed = change(pupil)
            if not changed:
                return result
            try:
                self.save(pupil)
            except IntegrityError:
                if attempt == ERASURE_ATTEMPTS:
                    raise
                continue
            return result
        raise AssertionError("unreachable")

    def record_signal(
        self,
        pupil_id: uuid.UUID,
        command: RecordSignal,
        *,
        acting: Acting,
        check: Callable[[Pupil], object] | None = None,
    ) -> uuid.UUID:
        """Record a signal about the pupil; `check` (the route's access check) runs on the pupil
        first. On a pupil kept from an earlier load the signal is saved only if the pupil is still
        as kept (`KeptPupils`); otherwise, and when the kept pupil refuses, the pupil is loaded
        and everything decided again on it."""
        kept = self._kept_pupils.get(pupil_id)
        if kept is not None:
            try:
                if check is not None:
                    check(kept)
                signal = self._new_signal(kept, command, acting)
            except Exception:  # a refusal on a kept pupil is decided again on the stored one
                signal = None
            if signal is not None:
                try:
                    self.save(signal, unchanged=(kept.id, kept.version))
                except AggregateChanged:
                    pass
                else:
                    return signal.id
            self._kept_pupils.forget(pupil_id)
        pupil = self.get_pupil(pupil_id)
        if check is not None:
            check(pupil)
        signal_id = self.record_signal_about(pupil, command, acting=acting)
        self._kept_pupils.keep(pupil)
        return signal_id

    def record_signal_about(self, pupil: Pupil, command: RecordSignal, *, acting: Acting) -> uuid.UUID:
        """`record_signal` on a pupil the caller loaded already: a signal changes no pupil, so the
        pupil is not loaded twice."""
        signal = self._new_signal(pupil, command, acting)
        self.save(signal)
        return signal.id

    def _new_signal(self, pupil: Pupil, command: RecordSignal, acting: Acting) -> Signal:
        observation = command.observation()
        pupil.require_not_erased()
        pupil.require_at_school_on(observation.observed_on)
        return Signal.record(
            tenant=pupil.tenant,
            school=pupil.school,
            pupil_id=pupil.id,
            observation=observation,
            **_recorded_now_by(acting),
        )

    def correct_signal(self, signal_id: uuid.UUID, command: CorrectSignal, *, acting: Acting) -> int:
        signal = self.get_signal(signal_id)
        signal.correct(
            observation=command.observation(),
            reason=command.reason,
            **_recorded_now_by(acting),
        )
        self.save(signal)
        return signal.version

    def add_attachment(
        self,
        signal_id: uuid.UUID,
        *,
        attachment_id: uuid.UUID,
        kind: AttachmentKind,
        file: AttachmentFile,
        sha256: str,
        acting: Acting,
    ) -> Attachment:
        """Record that a file was attached (its sealed bytes are stored before, by `Attachments`).
        When another command on the signal was saved meanwhile, the signal is read again."""
        for attempt in range(1, ERASURE_ATTEMPTS + 1):
            signal = self.get_signal(signal_id)
            attachment = signal.add_attachment(
                attachment_id=attachment_id,
                kind=kind,
                file=file,
                sha256=sha256,
                actor_id=acting.user_id,
                actor_role=acting.role,
                correlation_id=acting.correlation_id,
            )
            try:
                self.save(signal)
            except IntegrityError:
                if attempt == ERASURE_ATTEMPTS:
                    raise
                continue
            return attachment
        raise AssertionError("unreachable")

    def consult_colleague(
        self, pupil_id: uuid.UUID, command: ConsultColleague, *, acting: Acting
    ) -> uuid.UUID:
        return self.consult_colleague_about(self.get_pupil(pupil_id), command, acting=acting)

    def consult_colleague_about(
        self, pupil: Pupil, command: ConsultColleague, *, acting: Acting
    ) -> uuid.UUID:
        """`consult_colleague` on a pupil the caller loaded already (see `record_signal_about`)."""
        pupil.require_not_erased()
        for signal_id in command.signal_ids:
            signal = self.get_signal(signal_id)
            if signal.pupil_id != pupil.id:
                raise SignalNotFound("Dit signaal hoort niet bij deze leerling.")
        consultation = Consultation.record(
            tenant=pupil.tenant,
            school=pupil.school,
            pupil_id=pupil.id,
            consulted_on=command.consulted_on,
            consulted_name=command.consulted_name,
            consulted_role=command.consulted_role,
            organisation=command.organisation,
            advice=command.advice,
            signal_ids=command.signal_ids,
            **_recorded_now_by(acting),
        )
        self.save(consultation)
        return consultation.id

    def request_veilig_thuis_advice(
        self, pupil_id: uuid.UUID, command: RequestVeiligThuisAdvice, *, acting: Acting
    ) -> uuid.UUID:
        return self.request_veilig_thuis_advice_about(self.get_pupil(pupil_id), command, acting=acting)

    def request_veilig_thuis_advice_about(
        self, pupil: Pupil, command: RequestVeiligThuisAdvice, *, acting: Acting
    ) -> uuid.UUID:
        """`request_veilig_thuis_advice` on a pupil the caller loaded already."""
        pupil.require_not_erased()
        request = AdviceRequest.request(
            tenant=pupil.tenant,
            school=pupil.school,
            pupil_id=pupil.id,
            pupil=RegisteredPupil(
                given_name=pupil.given_name,
                family_name=pupil.family_name,
                pupil_number=pupil.pupil_number,
                date_of_birth=pupil.date_of_birth,
            ),
            requested_on=command.requested_on,
            veilig_thuis_region=command.veilig_thuis_region,
            question=command.question,
            advice=command.advice,
            **_recorded_now_by(acting),
        )
        self.save(request)
        return request.id

    def list_staff_members(
        self, commands: Sequence[ListStaffMember], *, acting: Acting
    ) -> list[StaffListing]:
        """List each person (one save: all or nothing). A command that repeats the listing as it
        is records nothing. When a refused command is among them, nothing is listed and
        `StaffImportMalformed` names each refused one by its position (0-based)."""
        for attempt in range(1, ERASURE_ATTEMPTS + 1):
            members: dict[uuid.UUID, StaffMember] = {}
            outcomes: list[StaffListing] = []
            refused: list[dict[str, object]] = []
            for index, command in enumerate(commands):
                try:
                    outcomes.append(self._list_one(command, members, acting))
                except DomainError as refusal:
                    refused.append({"index": index, "rule": refusal.rule, "detail": str(refusal)})
            if refused:
                raise StaffImportMalformed("Niet iedere medewerker kon worden opgenomen.", rows=refused)
            try:
                self.save(*(m for m in members.values() if m.pending_events))
            except IntegrityError:
                # Someone listed one of them between our read and our save: read them again.
                if attempt == ERASURE_ATTEMPTS:
                    raise
                continue
            return outcomes
        raise AssertionError("unreachable")

    def _list_one(
        self, command: ListStaffMember, members: dict[uuid.UUID, StaffMember], acting: Acting
    ) -> StaffListing:
        member_id = staff_member_id(command.school, command.user_id)
        member = members.get(member_id) or self.find_staff_member(member_id)
        recorded_by = {
            "actor_id": acting.user_id,
            "actor_role": acting.role,
            "correlation_id": acting.correlation_id,
        }
        if member is None:
            member = StaffMember.first_listing(
                member_id=member_id,
                tenant=acting.tenant,
                school=command.school,
                user_id=command.user_id,
                name=command.name,
                role=command.role,
                email=command.email,
                **recorded_by,
            )
            changed = True
        else:
            _require_tenant(member, acting.tenant)
            changed = member.list(name=command.name, role=command.role, email=command.email, **recorded_by)
        members[member_id] = member
        return StaffListing(member=member, changed=changed)

    def delist_staff_member(self, command: DelistStaffMember, *, acting: Acting) -> StaffListing:
        """Idempotent: delisting a delisted person records nothing."""
        member_id = staff_member_id(command.school, command.user_id)
        for attempt in range(1, ERASURE_ATTEMPTS + 1):
            member = self.find_staff_member(member_id)
            if member is None:
                raise StaffMemberNotFound("Deze medewerker staat niet in de lijst van deze school.")
            _require_tenant(member, acting.tenant)
            if not member.delist(
                actor_id=acting.user_id, actor_role=acting.role, correlation_id=acting.correlation_id
            ):
                return StaffListing(member=member, changed=False)
            try:
                self.save(member)
            except IntegrityError:
                if attempt == ERASURE_ATTEMPTS:
                    raise
                continue
            return StaffListing(member=member, changed=True)
        raise AssertionError("unreachable")

    def find_staff_member(self, member_id: uuid.UUID) -> StaffMember | None:
        try:
            return self.get_or_raise(member_id, StaffMember, StaffMemberNotFound(""))
        except StaffMemberNotFound:
            return None

    def get_pupil(self, pupil_id: uuid.UUID) -> Pupil:
        return self.get_or_raise(pupil_id, Pupil, PupilNotFound("Deze leerling is niet bekend."))

    def get_signal(self, signal_id: uuid.UUID) -> Signal:
        return self.get_or_raise(signal_id, Signal, SignalNotFound("Dit signaal is niet bekend."))

    def _existing_pupil(self, index_id: uuid.UUID) -> uuid.UUID | None:
        try:
            index: PupilNumberIndex = self.repository.get(index_id)
        except AggregateNotFoundError:
            return None
        return index.pupil_id


def _require_tenant(member: StaffMember, tenant: str) -> None:
    if member.tenant != tenant:
        raise StaffSchoolOfOtherTenant("Deze school hoort bij een ander samenwerkingsverband.")


def _erasure_of(pupil: Pupil, *, repeated: bool) -> Erasure:
    assert pupil.erased_on is not None and pupil.erasure_reason is not None
    approved = [r for r in pupil.erasure_requests.values() if not r.pending]
    return Erasure(
        pupil_id=pupil.id,
        reason=ErasureReason(pupil.erasure_reason),
        erased_on=pupil.erased_on,
        repeated=repeated,
        request=approved[-1] if approved else None,
    )
