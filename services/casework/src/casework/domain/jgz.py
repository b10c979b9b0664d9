"""Working with jeugdgezondheidszorg (JGZ): consultations asked and answered, and hand-overs
(rule 3: consultation; a hand-over only on a recorded legal basis).

The samenwerkingsverband's JGZ partner is configured outside the domain; commands receive its
organisation name (or None when there is none). What the case remembers is plain value objects,
so a snapshot stores and restores them exactly.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from .actor import Actor
from .case_base import CASE_OPENER_ROLES, CaseBase, require_explanation
from .errors import (
    JgzConsultationNeedsQuestion,
    JgzConsultationNotByIbOrCaseOwner,
    JgzHandoverNeedsLegalBasis,
    JgzHandoverNeedsSummary,
    JgzPartnerNotConfigured,
    JgzResultForUnknownRequest,
    JgzResultNeedsContent,
)
from .events import CaseEvent
from .values import text

if TYPE_CHECKING:
    from .case import Case


class JgzLegalBasis(StrEnum):
    """The recorded legal basis on which the school shares the case file with JGZ."""

    PARENTS_CONSENT = "toestemming_ouders"
    JGZ_STATUTORY_TASK = "wettelijke_taak_jgz"
    """JGZ's own statutory task (Wet publieke gezondheid) for this pupil."""
    CONFLICT_OF_DUTIES = "conflict_van_plichten"
    """The child's safety outweighs confidentiality."""


@dataclass(frozen=True)
class JgzConsultation:
    """A consultation the school asked of its JGZ partner (rule 3)."""

    request_id: uuid.UUID
    requested_on: date
    jgz_organisation: str
    question: str
    requested_by: str


@dataclass(frozen=True)
class JgzResult:
    """A consultation result that arrived over the signed inbound endpoint."""

    message_id: str
    request_id: uuid.UUID | None
    jgz_organisation: str
    received_at: datetime
    advice: str
    professional: str


@dataclass(frozen=True)
class JgzHandover:
    """The case handed over to JGZ on a recorded legal basis."""

    handover_id: uuid.UUID
    handed_over_on: date
    jgz_organisation: str
    legal_basis: JgzLegalBasis
    legal_basis_explanation: str
    summary: str


class JgzConsultationRequested(CaseEvent):
    personal_data = ("question",)

    request_id: uuid.UUID
    requested_on: date
    jgz_organisation: str
    question: str
    requested_by: str

    def apply(self, aggregate: Case) -> None:
        aggregate.jgz_consultations.append(
            JgzConsultation(
                request_id=self.request_id,
                requested_on=self.requested_on,
                jgz_organisation=self.jgz_organisation,
                question=self.question,
                requested_by=self.requested_by,
            )
        )


class JgzConsultationResultReceived(CaseEvent):
    personal_data = ("advice", "professional")

    message_id: str
    request_id: uuid.UUID | None
    jgz_organisation: str
    received_at: datetime
    advice: str
    professional: str

    def apply(self, aggregate: Case) -> None:
        aggregate.jgz_results.append(
            JgzResult(
                message_id=self.message_id,
                request_id=self.request_id,
                jgz_organisation=self.jgz_organisation,
                received_at=self.received_at,
                advice=self.advice,
                professional=self.professional,
            )
        )


class CaseHandedOverToJgz(CaseEvent):
    personal_data = ("legal_basis_explanation", "summary")

    handover_id: uuid.UUID
    handed_over_on: date
    jgz_organisation: str
    legal_basis: str
    legal_basis_explanation: str
    summary: str

    def apply(self, aggregate: Case) -> None:
        aggregate.jgz_handovers.append(
            JgzHandover(
                handover_id=self.handover_id,
                handed_over_on=self.handed_over_on,
                jgz_organisation=self.jgz_organisation,
                legal_basis=JgzLegalBasis(self.legal_basis),
                legal_basis_explanation=self.legal_basis_explanation,
                summary=self.summary,
            )
        )


class JgzCollaboration(CaseBase):
    """The commands of `Case` for working with the samenwerkingsverband's JGZ partner."""

    def _require_jgz_consultant(self, by: Actor) -> None:
        self._require_open()
        if by.role not in CASE_OPENER_ROLES and by.user_id != self.case_owner_id:
            raise JgzConsultationNotByIbOrCaseOwner(
                "Alleen de intern begeleider of de eigenaar van de zaak vraagt de JGZ om consultatie."
            )

    def request_jgz_consultation(
        self,
        *,
        question: str,
        jgz_organisation: str | None,
        today: date,
        by: Actor,
    ) -> uuid.UUID:
        """Ask the samenwerkingsverband's JGZ partner for a consultation; returns the request id that
        the JGZ system answers with. `jgz_organisation` is None when no partner is configured."""
        self._require_jgz_consultant(by)
        organisation = text(jgz_organisation)
        if not organisation:
            raise JgzPartnerNotConfigured(
                "Voor dit samenwerkingsverband is geen JGZ-organisatie ingesteld; vraag de beheerder dat "
                "te doen."
            )
        if not text(question):
            raise JgzConsultationNeedsQuestion("Leg vast wat u de jeugdverpleegkundige of jeugdarts vraagt.")
        request_id = uuid.uuid4()
        self.trigger_event(
            JgzConsultationRequested,
            **self._context(by),
            request_id=request_id,
            requested_on=today,
            jgz_organisation=organisation,
            question=text(question),
            requested_by=by.user_id,
        )
        return request_id

    def receive_jgz_consultation_result(
        self,
        *,
        message_id: str,
        request_id: uuid.UUID | None,
        jgz_organisation: str,
        advice: str,
        professional: str,
        received_at: datetime,
        by: Actor,
    ) -> bool:
        """Record a JGZ system's consultation result, once per `message_id`: returns False (and records
        nothing) for a message already received. Also recorded on a closed case, so that no advice
        that arrives late is lost; it shows in the case's history."""
        if not text(message_id) or not text(advice) or not text(professional):
            raise JgzResultNeedsContent(
                "Een consultatieresultaat van de JGZ heeft een bericht-id, een advies en de professional."
            )
        if any(r.message_id == text(message_id) for r in self.jgz_results):
            return False
        if request_id is not None and all(c.request_id != request_id for c in self.jgz_consultations):
            raise JgzResultForUnknownRequest("Dit resultaat verwijst naar een onbekende consultatievraag.")
        self.trigger_event(
            JgzConsultationResultReceived,
            **self._context(by),
            message_id=text(message_id),
            request_id=request_id,
            jgz_organisation=text(jgz_organisation),
            received_at=received_at,
            advice=text(advice),
            professional=text(professional),
        )
        return True

    def hand_over_to_jgz(
        self,
        *,
        legal_basis: JgzLegalBasis | str | None,
        legal_basis_explanation: str,
        summary: str,
        jgz_organisation: str | None,
        today: date,
        by: Actor,
    ) -> uuid.UUID:
        """Hand the case over to the JGZ partner, on a recorded legal basis; returns the hand-over id."""
        self._require_open()
        organisation = text(jgz_organisation)
        if not organisation:
            raise JgzPartnerNotConfigured(
                "Voor dit samenwerkingsverband is geen JGZ-organisatie ingesteld; vraag de beheerder dat "
                "te doen."
            )
        allowed = [member.value for member in JgzLegalBasis]
        if legal_basis is None or text(legal_basis) not in allowed:
            raise JgzHandoverNeedsLegalBasis(
                f"Leg de wettelijke grondslag van de overdracht aan de JGZ vast; kies uit: {', '.join(allowed)}."
            )
        basis = JgzLegalBasis(text(legal_basis))
        explained = require_explanation(
            legal_basis_explanation,
            JgzHandoverNeedsLegalBasis,
            "Licht toe waarom deze grondslag van toepassing is",
        )
        if not text(summary):
            raise JgzHandoverNeedsSummary(
                "Leg vast wat er wordt overgedragen: de zorgen en de hulp tot nu toe."
            )
        handover_id = uuid.uuid4()
        self.trigger_event(
            CaseHandedOverToJgz,
            **self._context(by),
            handover_id=handover_id,
            handed_over_on=today,
            jgz_organisation=organisation,
            legal_basis=basis.value,
            legal_basis_explanation=explained,
            summary=text(summary),
        )
        return handover_id
