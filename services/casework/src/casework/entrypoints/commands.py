"""The commands of steps 3-6 as HTTP request bodies: one model per command of the Case aggregate.

Each body names the aggregate method it calls and turns itself into that method's arguments. The
rules stay in the aggregate: these models only check shape (types, lengths, required fields).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from ..domain.decision import Answers, Outcome
from ..domain.jgz import JgzLegalBasis
from ..domain.parents import SafetyGround
from ..domain.report import AnonymityGround, ChildExceptionGround
from ..domain.transfer import TransferLegalBasis
from ..domain.weighing import Discipline, Participant, RiskLevel, Severity

LONG = 10_000


class CaseCommand(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    method: ClassVar[str]
    expected_version: int | None = Field(
        default=None,
        ge=1,
        description="The case version you saw; a newer version gives 409 instead of a lost update",
    )

    def arguments(self) -> dict[str, Any]:
        return self.model_dump(exclude={"expected_version"})


class AddSignals(CaseCommand):
    method = "add_signals"
    signal_ids: list[uuid.UUID] = Field(
        min_length=1,
        max_length=200,
        description="Signals of the pupil recorded after the case was opened (rule 9), at its school",
    )


class ChangeOwner(CaseCommand):
    method = "change_owner"
    new_owner_id: str = Field(min_length=1, max_length=128)


class InviteToZorgteam(CaseCommand):
    method = "invite_to_zorgteam"
    member_id: str = Field(min_length=1, max_length=128, description="User id of the zorgteam member")
    organisation: str | None = Field(
        default=None,
        max_length=200,
        description="Partner organisation (e.g. the JGZ); none for the school's own",
    )


class WithdrawZorgteamInvitation(CaseCommand):
    method = "withdraw_zorgteam_invitation"
    member_id: str = Field(min_length=1, max_length=128)


class HoldParentsConversation(CaseCommand):
    method = "hold_parents_conversation"
    held_on: date
    participants: list[str] = Field(min_length=1, max_length=20, description="Who took part")
    summary: str = Field(min_length=1, max_length=LONG)


class SkipParentsConversation(CaseCommand):
    method = "skip_parents_conversation"
    reason: str = Field(default="", max_length=64, description="Rule 5, one of: " + ", ".join(SafetyGround))
    explanation: str = Field(min_length=1, max_length=LONG)


class ParticipantIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    role: str = Field(min_length=1, max_length=200)
    discipline: Discipline


class WeighRisk(CaseCommand):
    method = "weigh_risk"
    participants: list[ParticipantIn] = Field(min_length=1, max_length=30)
    nature: str = Field(min_length=1, max_length=LONG, description="Nature of the signals")
    severity: Severity
    risk_level: RiskLevel
    suspicion: bool = Field(description="Afwegingskader question 1")
    acute_unsafety: bool = Field(description="Afwegingskader question 2 (acute)")
    structural_unsafety: bool = Field(description="Afwegingskader question 2 (structural)")
    approach: str = Field(default="", max_length=LONG)

    def arguments(self) -> dict[str, Any]:
        arguments = super().arguments()
        arguments["participants"] = [Participant.of(p.name, p.role, p.discipline) for p in self.participants]
        return arguments


class MakeDecision(CaseCommand):
    method = "make_decision"
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

    def arguments(self) -> dict[str, Any]:
        return {
            "answers": Answers(
                self.q1_suspicion,
                self.q2_acute_or_structural_unsafety,
                self.q3_sufficient_help_possible,
                self.q4_help_accepted,
                self.q5_lasting_safety,
            ),
            "outcome": self.outcome,
            "reasons": self.reasons,
            "who_reports": self.who_reports,
            "who_informs_parents": self.who_informs_parents,
        }


class OrganiseHelp(CaseCommand):
    method = "organise_help"
    help_description: str = Field(min_length=1, max_length=LONG)
    providers: list[str] = Field(default_factory=list, max_length=20)
    teacher_advice: str = Field(default="", max_length=LONG)
    agreed_term_until: date | None = None


class Inform(CaseCommand):
    informed_on: date
    informed_by: str = Field(min_length=1, max_length=128)
    summary: str = Field(min_length=1, max_length=LONG)


class InformParents(Inform):
    method = "inform_parents"


class InformChild(Inform):
    method = "inform_child"


class RecordParentsInformingException(CaseCommand):
    method = "record_parents_informing_exception"
    ground: str = Field(default="", max_length=64, description="Rule 8, one of: " + ", ".join(SafetyGround))
    explanation: str = Field(min_length=1, max_length=LONG)


class RecordChildInformingException(CaseCommand):
    method = "record_child_informing_exception"
    ground: str = Field(
        default="", max_length=64, description="Rule 8, one of: " + ", ".join(ChildExceptionGround)
    )
    explanation: str = Field(min_length=1, max_length=LONG)


class AgreeReporterAnonymity(CaseCommand):
    method = "agree_reporter_anonymity"
    ground: str = Field(
        default="", max_length=64, description="Rule 10, one of: " + ", ".join(AnonymityGround)
    )
    argument: str = Field(min_length=1, max_length=LONG)


class NotifyVeiligThuis(CaseCommand):
    method = "notify_amk"
    veilig_thuis_region: str = Field(min_length=1, max_length=200)
    veilig_thuis_organisation: str = Field(min_length=1, max_length=200)
    signal_ids: list[uuid.UUID] = Field(
        min_length=1, max_length=500, description="Signals the report rests on"
    )
    school_continues: str = Field(min_length=1, max_length=LONG, description="What the school keeps doing")
    reporter_id: str | None = Field(
        default=None, max_length=128, description="Default: who the decision named"
    )


class ReceiveVeiligThuisFeedback(CaseCommand):
    method = "receive_veilig_thuis_feedback"
    received_on: date
    steps_taken: str = Field(min_length=1, max_length=LONG)


class AssignCareCoordinator(CaseCommand):
    method = "assign_care_coordinator"
    coordinator_id: str = Field(min_length=1, max_length=128)
    organisation: str = Field(default="", max_length=200)


class ScheduleFollowUp(CaseCommand):
    method = "schedule_follow_up"
    evaluation_on: date
    agreements: str = Field(default="", max_length=LONG)


class EvaluateFollowUp(CaseCommand):
    method = "evaluate_follow_up"
    lasting_safety: bool
    findings: str = Field(min_length=1, max_length=LONG)


class CloseCase(CaseCommand):
    method = "close"
    reason: str = Field(min_length=1, max_length=LONG)
    aftercare: str | None = Field(default=None, max_length=LONG)


class ReopenCase(CaseCommand):
    method = "reopen"
    reason: str = Field(min_length=1, max_length=LONG)


class RecordPupilLeftSchool(CaseCommand):
    method = "record_pupil_left_school"
    left_on: date
    destination_school: str | None = Field(default=None, pattern=r"^[0-9]{2}[A-Z]{2}([0-9]{2})?$")


class TransferCase(CaseCommand):
    method = "transfer"
    to_school: str = Field(pattern=r"^[0-9]{2}[A-Z]{2}([0-9]{2})?$")
    legal_basis: str = Field(
        default="", max_length=64, description="Rule 14, one of: " + ", ".join(TransferLegalBasis)
    )
    legal_basis_explanation: str = Field(min_length=1, max_length=LONG)
    new_case_owner_id: str = Field(min_length=1, max_length=128)


class RequestJgzConsultation(CaseCommand):
    method = "request_jgz_consultation"
    question: str = Field(
        min_length=1, max_length=LONG, description="What the school asks the JGZ nurse or doctor"
    )


class HandOverToJgz(CaseCommand):
    method = "hand_over_to_jgz"
    legal_basis: str = Field(default="", max_length=64, description="One of: " + ", ".join(JgzLegalBasis))
    legal_basis_explanation: str = Field(
        min_length=1, max_length=LONG, description="Why this legal basis applies"
    )
    summary: str = Field(
        min_length=1, max_length=LONG, description="What is handed over: the concerns and the help so far"
    )


@dataclass(frozen=True)
class Route:
    path: str
    body: type[CaseCommand]
    summary: str
    takes_today: bool = True
    takes_jgz_partner: bool = False
    """The command gets the organisation of the samenwerkingsverband's JGZ partner (None if none)."""
    takes_known_signals: bool = False
    """The command gets the signals casework knows among the body's `signal_ids`."""


ROUTES = (
    Route(
        "signals",
        AddSignals,
        "Add signals recorded after opening to the case; a report may cite them (rule 9)",
        takes_known_signals=True,
    ),
    Route("owner", ChangeOwner, "Give the case another owner (one at a time, rule 4)", takes_today=False),
    Route(
        "zorgteam-invitations",
        InviteToZorgteam,
        "Invite a zorgteam member (also of a partner organisation) into the case",
    ),
    Route(
        "zorgteam-invitation-withdrawals",
        WithdrawZorgteamInvitation,
        "Withdraw a zorgteam member's invitation: they no longer see the case",
    ),
    Route(
        "parents-conversation", HoldParentsConversation, "Step 3: record the conversation with the parents"
    ),
    Route(
        "parents-conversation-skip",
        SkipParentsConversation,
        "Step 3: record why there is no conversation (rule 5)",
    ),
    Route("risk-weighing", WeighRisk, "Step 4: the zorgteam's multidisciplinary weighing (rule 6)"),
    Route("decision", MakeDecision, "Step 5: the decision along afwegingskader questions 1-5 (rule 7)"),
    Route("help", OrganiseHelp, "Step 5: help organised"),
    Route(
        "parents-informed", InformParents, "Step 5: the parents were informed of the intended report (rule 8)"
    ),
    Route(
        "parents-informing-exception",
        RecordParentsInformingException,
        "Step 5: why the parents are not informed",
    ),
    Route("child-informed", InformChild, "Step 5: the pupil (12+) was informed (rule 8)"),
    Route(
        "child-informing-exception", RecordChildInformingException, "Step 5: why the pupil is not informed"
    ),
    Route(
        "reporter-anonymity",
        AgreeReporterAnonymity,
        "Step 5: anonymity toward the family on a legal ground (rule 10)",
    ),
    Route(
        "veilig-thuis-report", NotifyVeiligThuis, "Step 5: report to Veilig Thuis (AmkNotified, rules 8-10)"
    ),
    Route(
        "veilig-thuis-feedback",
        ReceiveVeiligThuisFeedback,
        "Veilig Thuis's feedback on the steps it took (rule 11)",
    ),
    Route("care-coordinator", AssignCareCoordinator, "Step 6: name the care coordinator (rule 12)"),
    Route("follow-up", ScheduleFollowUp, "Step 6: set the evaluation date (rule 12)"),
    Route(
        "follow-up-evaluation", EvaluateFollowUp, "Step 6: evaluate; no lasting safety reopens the decision"
    ),
    Route("close", CloseCase, "Close the case with a reason (rule 13)"),
    Route("reopen", ReopenCase, "Reopen a closed case (rule 13)"),
    Route("pupil-left-school", RecordPupilLeftSchool, "The pupil left the school (rule 14)"),
    Route(
        "transfer", TransferCase, "Hand the case over to another school of the samenwerkingsverband (rule 14)"
    ),
    Route(
        "jgz-consultation-requests",
        RequestJgzConsultation,
        "Ask the JGZ partner of the samenwerkingsverband for a consultation (rule 3; sent as a signed webhook)",
        takes_jgz_partner=True,
    ),
    Route(
        "jgz-handovers",
        HandOverToJgz,
        "Hand the case over to the JGZ partner on a recorded legal basis (sent as a signed webhook)",
        takes_jgz_partner=True,
    ),
)

__all__ = ["ROUTES", "CaseCommand", "Route"]
