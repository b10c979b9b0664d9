"""The commands casework handles: what a caller asks of a case, as typed values.

One model per use case, named as what the caller asks (an imperative verb). They check shape only
(types, lengths, required fields); the Meldcode's rules stay in the `Case` aggregate, and the
application (`casework.application`) turns each command into the aggregate's method call. The
pydantic commands are also the HTTP request bodies, so each field is declared once.

A command that names staff members by user id says which in `people_named` (rule 17: they must be
listed in the school's staff directory); a field holding a user id is either there or says why not.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from .domain.decision import Outcome
from .domain.jgz import JgzLegalBasis
from .domain.parents import SafetyGround
from .domain.report import AnonymityGround, ChildExceptionGround
from .domain.staff_directory import NamedPerson, named
from .domain.transfer import TransferLegalBasis
from .domain.weighing import Discipline, RiskLevel, Severity

LONG = 10_000


class OpenCase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pupil_id: uuid.UUID
    signal_ids: list[uuid.UUID] = Field(
        min_length=1, max_length=200, description="Recorded signals of this pupil"
    )
    case_owner_id: str | None = Field(
        default=None, min_length=1, max_length=128, description="The responsible case owner; default: you"
    )

    def people_named(self) -> tuple[NamedPerson, ...]:
        """The owner when named; the caller (the default) is who their token says they are."""
        return named(self.case_owner_id)


class CaseCommand(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    expected_version: int | None = Field(
        default=None,
        ge=1,
        description="The case version you saw; a newer version gives 409 instead of a lost update",
    )

    def people_named(self) -> tuple[NamedPerson, ...]:
        """The staff members this command names by user id (rule 17); none by default."""
        return ()


class AddSignals(CaseCommand):
    signal_ids: list[uuid.UUID] = Field(
        min_length=1,
        max_length=200,
        description="Signals of the pupil recorded after the case was opened (rule 9), at its school",
    )


class ChangeOwner(CaseCommand):
    new_owner_id: str = Field(min_length=1, max_length=128)

    def people_named(self) -> tuple[NamedPerson, ...]:
        return named(self.new_owner_id)


class InviteToZorgteam(CaseCommand):
    member_id: str = Field(min_length=1, max_length=128, description="User id of the zorgteam member")
    organisation: str | None = Field(
        default=None,
        max_length=200,
        description="Partner organisation (e.g. the JGZ); none for the school's own",
    )

    def people_named(self) -> tuple[NamedPerson, ...]:
        return (NamedPerson(self.member_id, in_zorgteam=True),)


class WithdrawZorgteamInvitation(CaseCommand):
    """Names no one to check: withdrawing the invitation of someone who left must stay possible."""

    member_id: str = Field(min_length=1, max_length=128)


class HoldParentsConversation(CaseCommand):
    held_on: date
    participants: list[str] = Field(
        min_length=1, max_length=20, description="Who took part (names; parents too, so not checked)"
    )
    summary: str = Field(min_length=1, max_length=LONG)


class SkipParentsConversation(CaseCommand):
    reason: str = Field(default="", max_length=64, description="Rule 5, one of: " + ", ".join(SafetyGround))
    explanation: str = Field(min_length=1, max_length=LONG)


class ParticipantIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    role: str = Field(min_length=1, max_length=200)
    discipline: Discipline


class WeighRisk(CaseCommand):
    participants: list[ParticipantIn] = Field(min_length=1, max_length=30)
    nature: str = Field(min_length=1, max_length=LONG, description="Nature of the signals")
    severity: Severity
    risk_level: RiskLevel
    suspicion: bool = Field(description="Afwegingskader question 1")
    acute_unsafety: bool = Field(description="Afwegingskader question 2 (acute)")
    structural_unsafety: bool = Field(description="Afwegingskader question 2 (structural)")
    approach: str = Field(default="", max_length=LONG)


class MakeDecision(CaseCommand):
    q1_suspicion: bool | None = Field(
        description="1. Is there a suspicion of domestic violence or child abuse?"
    )
    q2_acute_or_structural_unsafety: bool | None = Field(
        default=None, description="2. Acute or structural unsafety?"
    )
    q3_sufficient_help_possible: bool | None = Field(
        default=None, description="3. Can sufficient help be offered?"
    )
    q4_help_accepted: bool | None = Field(default=None, description="4. Is the help accepted?")
    q5_lasting_safety: bool | None = Field(
        default=None, description="5. Does the help lead to lasting safety?"
    )
    outcome: Outcome
    reasons: str = Field(min_length=1, max_length=LONG, description="Also when not reporting")
    who_reports: str | None = Field(default=None, max_length=128)
    who_informs_parents: str | None = Field(default=None, max_length=128)

    def people_named(self) -> tuple[NamedPerson, ...]:
        return named(self.who_reports, self.who_informs_parents)


class OrganiseHelp(CaseCommand):
    help_description: str = Field(min_length=1, max_length=LONG)
    providers: list[str] = Field(default_factory=list, max_length=20)
    teacher_advice: str = Field(default="", max_length=LONG)
    agreed_term_until: date | None = None


class Inform(CaseCommand):
    informed_on: date
    informed_by: str = Field(min_length=1, max_length=128)
    summary: str = Field(min_length=1, max_length=LONG)

    def people_named(self) -> tuple[NamedPerson, ...]:
        return named(self.informed_by)


class InformParents(Inform):
    pass


class InformChild(Inform):
    pass


class RecordParentsInformingException(CaseCommand):
    ground: str = Field(default="", max_length=64, description="Rule 8, one of: " + ", ".join(SafetyGround))
    explanation: str = Field(min_length=1, max_length=LONG)


class RecordChildInformingException(CaseCommand):
    ground: str = Field(
        default="", max_length=64, description="Rule 8, one of: " + ", ".join(ChildExceptionGround)
    )
    explanation: str = Field(min_length=1, max_length=LONG)


class AgreeReporterAnonymity(CaseCommand):
    ground: str = Field(
        default="", max_length=64, description="Rule 10, one of: " + ", ".join(AnonymityGround)
    )
    argument: str = Field(min_length=1, max_length=LONG)


class NotifyVeiligThuis(CaseCommand):
    veilig_thuis_region: str = Field(min_length=1, max_length=200)
    veilig_thuis_organisation: str = Field(min_length=1, max_length=200)
    signal_ids: list[uuid.UUID] = Field(
        min_length=1, max_length=500, description="Signals the report rests on"
    )
    school_continues: str = Field(min_length=1, max_length=LONG, description="What the school keeps doing")
    reporter_id: str | None = Field(
        default=None, max_length=128, description="Default: who the decision named"
    )

    def people_named(self) -> tuple[NamedPerson, ...]:
        """The reporter when named (the decision's was checked when it was decided)."""
        return named(self.reporter_id)


class ReceiveVeiligThuisFeedback(CaseCommand):
    received_on: date
    steps_taken: str = Field(min_length=1, max_length=LONG)


class AssignCareCoordinator(CaseCommand):
    coordinator_id: str = Field(min_length=1, max_length=128)
    organisation: str = Field(default="", max_length=200)

    def people_named(self) -> tuple[NamedPerson, ...]:
        return named(self.coordinator_id)


class ScheduleFollowUp(CaseCommand):
    evaluation_on: date
    agreements: str = Field(default="", max_length=LONG)


class EvaluateFollowUp(CaseCommand):
    lasting_safety: bool
    findings: str = Field(min_length=1, max_length=LONG)


class CloseCase(CaseCommand):
    reason: str = Field(min_length=1, max_length=LONG)
    aftercare: str | None = Field(default=None, max_length=LONG)


class ReopenCase(CaseCommand):
    reason: str = Field(min_length=1, max_length=LONG)


class RecordPupilLeftSchool(CaseCommand):
    left_on: date
    destination_school: str | None = Field(default=None, pattern=r"^[0-9]{2}[A-Z]{2}([0-9]{2})?$")


class TransferCase(CaseCommand):
    to_school: str = Field(pattern=r"^[0-9]{2}[A-Z]{2}([0-9]{2})?$")
    legal_basis: str = Field(
        default="", max_length=64, description="Rule 14, one of: " + ", ".join(TransferLegalBasis)
    )
    legal_basis_explanation: str = Field(min_length=1, max_length=LONG)
    new_case_owner_id: str = Field(min_length=1, max_length=128)

    def people_named(self) -> tuple[NamedPerson, ...]:
        """The new owner works at the school the case goes to."""
        return (NamedPerson(self.new_case_owner_id, school=self.to_school),)


class RequestJgzConsultation(CaseCommand):
    question: str = Field(
        min_length=1, max_length=LONG, description="What the school asks the JGZ nurse or doctor"
    )


class HandOverToJgz(CaseCommand):
    legal_basis: str = Field(default="", max_length=64, description="One of: " + ", ".join(JgzLegalBasis))
    legal_basis_explanation: str = Field(
        min_length=1, max_length=LONG, description="Why this legal basis applies"
    )
    summary: str = Field(
        min_length=1, max_length=LONG, description="What is handed over: the concerns and the help so far"
    )


@dataclass(frozen=True)
class RecordJgzConsultationResult:
    """A JGZ system's answer to a consultation, from the samenwerkingsverband's JGZ partner (the
    webhook checked its signature and organisation); recorded once per `message_id`."""

    case_id: uuid.UUID
    message_id: str
    request_id: uuid.UUID | None
    jgz_organisation: str
    advice: str
    professional: str
    received_at: datetime
