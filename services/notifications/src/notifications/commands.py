"""What an incoming event asks of this service besides the task rules' facts (those are the
domain's: `KnownPupil`, `SignalNoticed`, `CaseNoticed`, ...). `translation.py` builds them from
contract events; `application.handle` carries them out.

They carry personal data where the melding document or the JGZ message needs it (names,
descriptions, advice); such fields are stored only, never logged.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from meldcode_contracts.jgz import CaseHandoverV1, ConsultationRequestV1, PupilReference

from .domain.melding import ConsultationFact, PupilIdentity, SignalFact


@dataclass(frozen=True)
class ErasePersonalData:
    """ADR 10: every personal value of the pupil kept here goes; tasks stay."""

    pupil_id: uuid.UUID


@dataclass(frozen=True)
class RememberPupilIdentity:
    """Who the pupil is, for the melding document and the JGZ messages."""

    tenant: str
    school: str
    pupil_id: uuid.UUID
    identity: PupilIdentity


@dataclass(frozen=True)
class RememberSignal:
    """A signal as the melding document shows it; a later version replaces an earlier one."""

    tenant: str
    pupil_id: uuid.UUID
    fact: SignalFact
    version_at: datetime


@dataclass(frozen=True)
class RememberConsultation:
    """A colleague consulted about the pupil, for the melding document."""

    tenant: str
    consultation_id: uuid.UUID
    pupil_id: uuid.UUID
    fact: ConsultationFact


@dataclass(frozen=True)
class RememberCaseFact:
    """A step of the case the melding document shows (informing, help, the decision, ...)."""

    event_id: uuid.UUID
    tenant: str
    case_id: uuid.UUID
    kind: str
    occurred_at: datetime
    data: dict[str, Any]


@dataclass(frozen=True)
class RequestMeldingDocument:
    """The report to Veilig Thuis was made: its document is to be built (by the due-work queue)."""

    document_id: uuid.UUID
    report_event_id: uuid.UUID
    tenant: str
    school: str
    case_id: uuid.UUID
    pupil_id: uuid.UUID
    reported_on: date
    reported_at: datetime
    report: dict[str, Any]


@dataclass(frozen=True)
class ListStaffMember:
    """A person's listing in a school's staff directory (signals' `StaffMemberListed`): the name and
    e-mail address a task e-mail to them needs. Personal: stored only, never logged."""

    tenant: str
    school: str
    user_id: str
    name: str
    email: str | None
    role: str
    at: datetime


@dataclass(frozen=True)
class DelistStaffMember:
    """The person left the school: they are no longer mailed at it (the name stays for history)."""

    tenant: str
    school: str
    user_id: str
    at: datetime


@dataclass(frozen=True)
class InviteZorgteamMember:
    """The member sees the case's tasks and melding documents from now on."""

    case_id: uuid.UUID
    member_id: str


@dataclass(frozen=True)
class WithdrawZorgteamInvitation:
    """The member no longer sees the case's tasks and melding documents."""

    case_id: uuid.UUID
    member_id: str


JgzMessage = CaseHandoverV1 | ConsultationRequestV1


@dataclass(frozen=True)
class DeliverToJgz:
    """One signed webhook delivery to the samenwerkingsverband's JGZ partner."""

    source_event_id: uuid.UUID
    tenant: str
    school: str
    case_id: uuid.UUID
    pupil_id: uuid.UUID
    organisation: str
    compose: Callable[[PupilReference, uuid.UUID], JgzMessage]
    """The message, given what is known of the pupil and the delivery id."""
    legal_basis: str | None = None
    """Rule 14: a hand-over leaves the school only with a recorded legal basis."""
    needs_legal_basis: bool = False


Command = (
    ErasePersonalData
    | RememberPupilIdentity
    | RememberSignal
    | RememberConsultation
    | RememberCaseFact
    | RequestMeldingDocument
    | InviteZorgteamMember
    | WithdrawZorgteamInvitation
    | DeliverToJgz
)
