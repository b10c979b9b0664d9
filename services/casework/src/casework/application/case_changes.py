"""How each command changes a case: the one place that calls the `Case` aggregate's command methods.

Each function takes the case, the `Day` it is changed on, the typed command and who gives it
(`by(acting)`), and turns the command's fields into the aggregate's arguments (the rules stay in
the aggregate). Facts from outside the case come in as further arguments, gathered beforehand by
the use case (`casework.py`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TypedDict

from meldcode_edge.acting import Acting

from ..commands import (
    AddSignals,
    AgreeReporterAnonymity,
    AssignCareCoordinator,
    ChangeOwner,
    CloseCase,
    EvaluateFollowUp,
    HandOverToJgz,
    HoldParentsConversation,
    InformChild,
    InformParents,
    InviteToZorgteam,
    MakeDecision,
    NotifyVeiligThuis,
    OpenCase,
    OrganiseHelp,
    ReceiveVeiligThuisFeedback,
    RecordChildInformingException,
    RecordJgzConsultationResult,
    RecordParentsInformingException,
    RecordPupilLeftSchool,
    ReopenCase,
    RequestJgzConsultation,
    ScheduleFollowUp,
    SkipParentsConversation,
    TransferCase,
    WeighRisk,
    WithdrawZorgteamInvitation,
)
from ..domain.actor import Actor
from ..domain.case import Case, KnownSignal
from ..domain.decision import Answers
from ..domain.errors import CaseNotFound
from ..domain.weighing import Participant


class ActorArguments(TypedDict):
    by: Actor


def by(acting: Acting) -> ActorArguments:
    """Who gives a command, as the Case's command methods take it."""
    return {"by": Actor(acting.user_id, acting.role, acting.correlation_id)}


@dataclass(frozen=True)
class Day:
    """What every command of a case is given besides its own fields: the Dutch day it is given on
    (due days count from it) and the pupil's date of birth (None when unknown; rule 8's 12+),
    looked up when first asked (`date_of_birth`, a fact from outside the case): most commands
    never need it."""

    today: date
    date_of_birth: Callable[[], date | None]

    @cached_property
    def pupil_date_of_birth(self) -> date | None:
        return self.date_of_birth()


def open_case(command: OpenCase, known_signals: Sequence[KnownSignal], acting: Acting) -> Case:
    return Case.open(
        pupil_id=command.pupil_id,
        signal_ids=command.signal_ids,
        known_signals=known_signals,
        case_owner_id=command.case_owner_id or acting.user_id,
        **by(acting),
    )


def add_signals(
    case: Case, day: Day, command: AddSignals, actor: ActorArguments, known_signals: Sequence[KnownSignal]
) -> None:
    case.add_signals(signal_ids=command.signal_ids, known_signals=known_signals, today=day.today, **actor)


def change_owner(case: Case, day: Day, command: ChangeOwner, actor: ActorArguments) -> None:
    case.change_owner(new_owner_id=command.new_owner_id, **actor)


def invite_to_zorgteam(case: Case, day: Day, command: InviteToZorgteam, actor: ActorArguments) -> None:
    case.invite_to_zorgteam(
        member_id=command.member_id, organisation=command.organisation, today=day.today, **actor
    )


def withdraw_zorgteam_invitation(
    case: Case, day: Day, command: WithdrawZorgteamInvitation, actor: ActorArguments
) -> None:
    case.withdraw_zorgteam_invitation(member_id=command.member_id, today=day.today, **actor)


def hold_parents_conversation(
    case: Case, day: Day, command: HoldParentsConversation, actor: ActorArguments
) -> None:
    case.hold_parents_conversation(
        held_on=command.held_on,
        participants=command.participants,
        summary=command.summary,
        today=day.today,
        **actor,
    )


def skip_parents_conversation(
    case: Case, day: Day, command: SkipParentsConversation, actor: ActorArguments
) -> None:
    case.skip_parents_conversation(
        reason=command.reason, explanation=command.explanation, today=day.today, **actor
    )


def weigh_risk(case: Case, day: Day, command: WeighRisk, actor: ActorArguments) -> None:
    case.weigh_risk(
        participants=[Participant.of(p.name, p.role, p.discipline) for p in command.participants],
        nature=command.nature,
        severity=command.severity,
        risk_level=command.risk_level,
        suspicion=command.suspicion,
        acute_unsafety=command.acute_unsafety,
        structural_unsafety=command.structural_unsafety,
        approach=command.approach,
        today=day.today,
        **actor,
    )


def make_decision(case: Case, day: Day, command: MakeDecision, actor: ActorArguments) -> None:
    case.make_decision(
        answers=Answers(
            command.q1_suspicion,
            command.q2_acute_or_structural_unsafety,
            command.q3_sufficient_help_possible,
            command.q4_help_accepted,
            command.q5_lasting_safety,
        ),
        outcome=command.outcome,
        reasons=command.reasons,
        who_reports=command.who_reports,
        who_informs_parents=command.who_informs_parents,
        today=day.today,
        **actor,
    )


def organise_help(case: Case, day: Day, command: OrganiseHelp, actor: ActorArguments) -> None:
    case.organise_help(
        help_description=command.help_description,
        providers=command.providers,
        teacher_advice=command.teacher_advice,
        agreed_term_until=command.agreed_term_until,
        today=day.today,
        **actor,
    )


def inform_parents(case: Case, day: Day, command: InformParents, actor: ActorArguments) -> None:
    case.inform_parents(
        informed_on=command.informed_on,
        informed_by=command.informed_by,
        summary=command.summary,
        today=day.today,
        **actor,
    )


def record_parents_informing_exception(
    case: Case, day: Day, command: RecordParentsInformingException, actor: ActorArguments
) -> None:
    case.record_parents_informing_exception(
        ground=command.ground, explanation=command.explanation, today=day.today, **actor
    )


def inform_child(case: Case, day: Day, command: InformChild, actor: ActorArguments) -> None:
    case.inform_child(
        informed_on=command.informed_on,
        informed_by=command.informed_by,
        summary=command.summary,
        today=day.today,
        **actor,
    )


def record_child_informing_exception(
    case: Case, day: Day, command: RecordChildInformingException, actor: ActorArguments
) -> None:
    case.record_child_informing_exception(
        ground=command.ground, explanation=command.explanation, today=day.today, **actor
    )


def agree_reporter_anonymity(
    case: Case, day: Day, command: AgreeReporterAnonymity, actor: ActorArguments
) -> None:
    case.agree_reporter_anonymity(ground=command.ground, argument=command.argument, today=day.today, **actor)


def notify_veilig_thuis(case: Case, day: Day, command: NotifyVeiligThuis, actor: ActorArguments) -> None:
    case.notify_amk(
        veilig_thuis_region=command.veilig_thuis_region,
        veilig_thuis_organisation=command.veilig_thuis_organisation,
        signal_ids=command.signal_ids,
        school_continues=command.school_continues,
        # An unknown date of birth reaches the aggregate as it always did, though it takes a date.
        pupil_date_of_birth=day.pupil_date_of_birth,
        reporter_id=command.reporter_id,
        today=day.today,
        **actor,
    )


def receive_veilig_thuis_feedback(
    case: Case, day: Day, command: ReceiveVeiligThuisFeedback, actor: ActorArguments
) -> None:
    case.receive_veilig_thuis_feedback(
        received_on=command.received_on, steps_taken=command.steps_taken, today=day.today, **actor
    )


def assign_care_coordinator(
    case: Case, day: Day, command: AssignCareCoordinator, actor: ActorArguments
) -> None:
    case.assign_care_coordinator(
        coordinator_id=command.coordinator_id, organisation=command.organisation, today=day.today, **actor
    )


def schedule_follow_up(case: Case, day: Day, command: ScheduleFollowUp, actor: ActorArguments) -> None:
    case.schedule_follow_up(
        evaluation_on=command.evaluation_on, agreements=command.agreements, today=day.today, **actor
    )


def evaluate_follow_up(case: Case, day: Day, command: EvaluateFollowUp, actor: ActorArguments) -> None:
    case.evaluate_follow_up(
        lasting_safety=command.lasting_safety, findings=command.findings, today=day.today, **actor
    )


def close_case(case: Case, day: Day, command: CloseCase, actor: ActorArguments) -> None:
    case.close(reason=command.reason, aftercare=command.aftercare, today=day.today, **actor)


def reopen_case(case: Case, day: Day, command: ReopenCase, actor: ActorArguments) -> None:
    case.reopen(reason=command.reason, today=day.today, **actor)


def record_pupil_left_school(
    case: Case, day: Day, command: RecordPupilLeftSchool, actor: ActorArguments
) -> None:
    case.record_pupil_left_school(
        left_on=command.left_on, destination_school=command.destination_school, today=day.today, **actor
    )


def transfer_case(
    case: Case, day: Day, command: TransferCase, actor: ActorArguments, to_school_tenant: str | None
) -> None:
    case.transfer(
        to_school_tenant=to_school_tenant,
        to_school=command.to_school,
        legal_basis=command.legal_basis,
        legal_basis_explanation=command.legal_basis_explanation,
        new_case_owner_id=command.new_case_owner_id,
        today=day.today,
        **actor,
    )


def request_jgz_consultation(
    case: Case, day: Day, command: RequestJgzConsultation, actor: ActorArguments, jgz_organisation: str | None
) -> uuid.UUID:
    return case.request_jgz_consultation(
        question=command.question, jgz_organisation=jgz_organisation, today=day.today, **actor
    )


def hand_over_to_jgz(
    case: Case, day: Day, command: HandOverToJgz, actor: ActorArguments, jgz_organisation: str | None
) -> uuid.UUID:
    return case.hand_over_to_jgz(
        legal_basis=command.legal_basis,
        legal_basis_explanation=command.legal_basis_explanation,
        summary=command.summary,
        jgz_organisation=jgz_organisation,
        today=day.today,
        **actor,
    )


def record_jgz_consultation_result(
    case: Case, day: Day, command: RecordJgzConsultationResult, actor: ActorArguments, tenant: str
) -> bool:
    """Only on a case of the partner's own samenwerkingsverband (`tenant`): any other does not
    exist for it. False: the same message was recorded before."""
    if case.tenant != tenant:
        raise CaseNotFound("Deze zaak is niet bekend.")
    return case.receive_jgz_consultation_result(
        message_id=command.message_id,
        request_id=command.request_id,
        jgz_organisation=command.jgz_organisation,
        advice=command.advice,
        professional=command.professional,
        received_at=command.received_at,
        **actor,
    )
