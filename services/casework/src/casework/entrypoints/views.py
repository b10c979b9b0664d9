"""What the casework API shows of a case: its step, what is still needed, and its history."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from fastapi import Request
from pydantic import BaseModel, Field

from meldcode_contracts.vocabulary import outcome_label
from meldcode_edge.auth import Principal
from meldcode_vocabulary.dutch_days import dutch_today

from ..adapters import signal_history
from ..domain.actor import Actor
from ..domain.allowed_commands import Situation, check_commands
from ..domain.case import Case
from ..domain.obligations import Obligation
from ..translation import CONTRACT_EVENTS
from .policy import POLICY

ROLE_REFUSAL = "Uw rol mag dit niet doen in deze zaak."


class ObligationOut(BaseModel):
    code: str = Field(description="Stable code (an ObligationKind), e.g. ouders_informeren")
    text: str = Field(description="What must happen, in Dutch")
    due_on: date | None = Field(
        default=None,
        description="The last day on which it is on time, as published in CaseObligationsChanged; "
        "null when it has no term",
    )


class JgzConsultationOut(BaseModel):
    request_id: uuid.UUID = Field(description="The JGZ system answers with this id")
    requested_on: date
    jgz_organisation: str
    question: str
    requested_by: str
    answered: bool = Field(description="A result naming this request was received")


class JgzResultOut(BaseModel):
    message_id: str = Field(description="The JGZ system's message id (each message is recorded once)")
    request_id: uuid.UUID | None = Field(description="The request it answers, when the JGZ system named it")
    jgz_organisation: str
    received_at: datetime
    advice: str
    professional: str


class JgzHandoverOut(BaseModel):
    handover_id: uuid.UUID
    handed_over_on: date
    jgz_organisation: str
    legal_basis: str
    legal_basis_explanation: str
    summary: str


class AnswersOut(BaseModel):
    q1_suspicion: bool | None = Field(description="Afwegingskader 1: is there a suspicion?")
    q2_acute_or_structural_unsafety: bool | None = Field(
        description="Afwegingskader 2: is there acute or structural unsafety?"
    )
    q3_sufficient_help_possible: bool | None = Field(description="Afwegingskader 3: can we help enough?")
    q4_help_accepted: bool | None = Field(description="Afwegingskader 4: is the help accepted?")
    q5_lasting_safety: bool | None = Field(
        description="Afwegingskader 5: does the help lead to lasting safety?"
    )


class DecisionOut(BaseModel):
    outcome: str = Field(description="An Outcome code: no_suspicion_close, help, report, report_and_help")
    outcome_label: str = Field(description="The outcome in Dutch (meldcode_contracts.vocabulary)")
    answers: AnswersOut
    reasons: str = Field(description="Why (personal data: read under the access log)")
    who_reports: str | None = Field(description="User id of who reports to Veilig Thuis")
    who_informs_parents: str | None = Field(description="User id of who informs the parents")


class HelpOut(BaseModel):
    organised_on: date
    description: str = Field(description="The help agreed (personal data)")
    providers: list[str]
    agreed_term_until: date | None


class ZorgteamMemberOut(BaseModel):
    member_id: str = Field(description="User id of the invited zorgteam member")
    organisation: str | None = Field(description="Their partner organisation, if any")


class AllowedActionOut(BaseModel):
    command: str = Field(description="The command's route: POST /cases/{case_id}/<command>")
    allowed: bool = Field(description="Whether the caller may give this command now")
    rule: str | None = Field(
        default=None, description="When not: the refusing rule's code ('role' for the caller's role)"
    )
    reason: str | None = Field(default=None, description="When not: why not, in Dutch")
    for_role: bool = Field(
        default=False,
        description="Not allowed for who the caller is (role, or not the case owner), whatever the "
        "case's step: a screen need not offer it",
    )


class WeighingOut(BaseModel):
    q1_suspicion: bool = Field(description="Afwegingskader 1 as the zorgteam answered it in the weighing")
    q2_acute_unsafety: bool
    q2_structural_unsafety: bool
    q2_acute_or_structural_unsafety: bool = Field(description="Afwegingskader 2: acute or structural")


class CaseOut(BaseModel):
    case_id: uuid.UUID
    pupil_id: uuid.UUID
    tenant: str
    school: str
    step: str = Field(description="Current step of the Meldcode")
    case_owner_id: str
    opened_by: str
    signal_ids: list[uuid.UUID]
    opened_at: datetime
    version: int = Field(description="Send it back as expected_version to avoid lost updates")
    open_obligations: list[ObligationOut] = Field(
        description="What must happen before the next step, with due days: what casework published "
        "(CaseObligationsChanged, ADR 18)"
    )
    missing_for_report: list[ObligationOut] = Field(
        description="What is still needed before a report to Veilig Thuis can be made (rule 8)"
    )
    decision: DecisionOut | None = Field(
        default=None,
        description="The current decision (step 5) with the afwegingskader answers; null before one",
    )
    help: HelpOut | None = Field(default=None, description="The help agreed under the current decision")
    zorgteam_members: list[ZorgteamMemberOut] = Field(
        default_factory=list, description="Who is invited into the case (ADR 11)"
    )
    care_coordinator_id: str | None = Field(default=None, description="Who follows the help (step 6)")
    evaluation_on: date | None = Field(default=None, description="When the help is evaluated (step 6)")
    jgz_consultations: list[JgzConsultationOut] = Field(
        default_factory=list, description="Consultations asked of the JGZ partner"
    )
    jgz_results: list[JgzResultOut] = Field(
        default_factory=list, description="Consultation results received from the JGZ system"
    )
    jgz_handovers: list[JgzHandoverOut] = Field(
        default_factory=list, description="Hand-overs of the case to JGZ, each with its legal basis"
    )
    weighing: WeighingOut | None = Field(
        default=None,
        description="The current weighing's answers to afwegingskader questions 1-2 (step 4); null before one",
    )
    possible_outcomes: list[str] = Field(
        default_factory=list,
        description="The Outcome codes a decision may have after the current weighing (rules 7, 12)",
    )
    allowed_actions: list[AllowedActionOut] = Field(
        default_factory=list,
        description="For every command of the case: may the caller give it now, and if not, why "
        "(the command's own precondition, casework.domain.allowed_commands, and the route policy)",
    )


class HistoryEntryOut(BaseModel):
    version: int
    event_type: str
    occurred_at: datetime
    actor_id: str
    actor_role: str
    details: dict[str, Any] = Field(description="The event's own fields")


def obligations_out(items: list[Obligation]) -> list[ObligationOut]:
    return [ObligationOut(code=o.code, text=o.text, due_on=o.due_on) for o in items]


def allowed_actions(
    case: Case, principal: Principal, *, today: date, pupil_date_of_birth: date | None
) -> list[AllowedActionOut]:
    """The domain's preconditions for this caller, and the route policy for the caller's role."""
    situation = Situation(
        by=Actor(principal.user_id, principal.role.value, ""),
        today=today,
        pupil_date_of_birth=pupil_date_of_birth,
    )
    actions = []
    for check in check_commands(case, situation):
        route = POLICY.lookup("POST", f"/cases/{{case_id}}/{check.command}")
        if route is None or principal.role not in route.grants:
            actions.append(
                AllowedActionOut(
                    command=check.command, allowed=False, rule="role", reason=ROLE_REFUSAL, for_role=True
                )
            )
        else:
            actions.append(AllowedActionOut(**vars(check)))
    return actions


async def case_view(case: Case, request: Request, principal: Principal) -> CaseOut:
    born: date | None = await signal_history.date_of_birth(request.app.state.pool, case.pupil_id)
    today = dutch_today()
    return CaseOut(
        case_id=case.id,
        pupil_id=case.pupil_id,
        tenant=case.tenant,
        school=case.school,
        step=case.step.value,
        case_owner_id=case.case_owner_id,
        opened_by=case.opened_by,
        signal_ids=case.signal_ids,
        opened_at=case.created_on,
        version=case.version,
        open_obligations=obligations_out(case.published_obligations(pupil_date_of_birth=born, on=today)),
        missing_for_report=obligations_out(
            case.missing_for_report(pupil_date_of_birth=born, on=today) if not case.closed else []
        ),
        **decision_view(case),
        **jgz_view(case),
        weighing=None
        if case.weighing is None
        else WeighingOut(
            q1_suspicion=case.weighing.suspicion,
            q2_acute_unsafety=case.weighing.acute_unsafety,
            q2_structural_unsafety=case.weighing.structural_unsafety,
            q2_acute_or_structural_unsafety=case.weighing.unsafety,
        ),
        possible_outcomes=[o.value for o in case.possible_outcomes()],
        allowed_actions=allowed_actions(case, principal, today=today, pupil_date_of_birth=born),
    )


def decision_view(case: Case) -> dict[str, Any]:
    """What the people working the case need of step 5 and 6: the decision, the help, who is in."""
    decision = case.decision_round.decision
    help_ = case.decision_round.help
    return {
        "decision": None
        if decision is None
        else DecisionOut(
            outcome=decision.outcome.value,
            outcome_label=outcome_label(decision.outcome),
            answers=AnswersOut(**vars(decision.answers)),
            reasons=decision.reasons,
            who_reports=decision.who_reports,
            who_informs_parents=decision.who_informs_parents,
        ),
        "help": None
        if help_ is None
        else HelpOut(
            organised_on=help_.organised_on,
            description=help_.description,
            providers=list(help_.providers),
            agreed_term_until=help_.agreed_term_until,
        ),
        "zorgteam_members": [
            ZorgteamMemberOut(member_id=member, organisation=organisation)
            for member, organisation in sorted(case.zorgteam_members.items())
        ],
        "care_coordinator_id": case.care_coordinator_id,
        "evaluation_on": case.decision_round.evaluation_on,
    }


def jgz_view(case: Case) -> dict[str, Any]:
    answered = {r.request_id for r in case.jgz_results}
    return {
        "jgz_consultations": [
            JgzConsultationOut(**vars(c), answered=c.request_id in answered) for c in case.jgz_consultations
        ],
        "jgz_results": [JgzResultOut(**vars(r)) for r in case.jgz_results],
        "jgz_handovers": [
            JgzHandoverOut(**{**vars(h), "legal_basis": h.legal_basis.value}) for h in case.jgz_handovers
        ],
    }


COMMON = {
    "originator_id",
    "originator_version",
    "timestamp",
    "originator_topic",
    "tenant",
    "school",
    "pupil_id",
}


def _event_type(domain_event: Any) -> str:
    """The contract name (e.g. `CaseOpened` for `Case.Opened`), which the portal has labels for."""
    contract = CONTRACT_EVENTS.get(type(domain_event))
    return str(contract.model_fields["event_type"].default) if contract else type(domain_event).__name__


def history_entry(domain_event: Any) -> HistoryEntryOut:
    details = {
        k: v
        for k, v in vars(domain_event).items()
        if k not in COMMON | {"actor_id", "actor_role", "correlation_id"}
    }
    return HistoryEntryOut(
        version=domain_event.originator_version,
        event_type=_event_type(domain_event),
        occurred_at=domain_event.timestamp,
        actor_id=domain_event.actor_id,
        actor_role=domain_event.actor_role,
        details=details,
    )
