"""The HTTP route of each case command: its path, its summary, who may give it, and the use case
that handles it (`CaseworkApplication`). The commands themselves, also the request bodies, are
`casework.commands`; adding signals, which also checks the caller's schools, has a route of its own
(`command_routes.add_signals`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from meldcode_edge.acting import Acting

from ..application import CaseworkApplication as Casework
from ..commands import (
    AgreeReporterAnonymity,
    AssignCareCoordinator,
    CaseCommand,
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
    OrganiseHelp,
    ReceiveVeiligThuisFeedback,
    RecordChildInformingException,
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
from ..domain.case import Case

C = TypeVar("C", bound=CaseCommand)


@dataclass(frozen=True)
class Route(Generic[C]):
    path: str
    body: type[C]
    handle: Callable[[Casework, Case, C, Acting], Awaitable[Case]]
    """The use case, given the case as the caller was allowed to see it."""
    summary: str
    operation: str = ""
    """The OpenAPI operation's name when it is not the use case's (the aggregate method's name)."""

    @property
    def name(self) -> str:
        return self.operation or self.handle.__name__


ROUTES: tuple[Route[Any], ...] = (
    Route("owner", ChangeOwner, Casework.change_owner, "Give the case another owner (one at a time, rule 4)"),
    Route(
        "zorgteam-invitations",
        InviteToZorgteam,
        Casework.invite_to_zorgteam,
        "Invite a zorgteam member (also of a partner organisation) into the case",
    ),
    Route(
        "zorgteam-invitation-withdrawals",
        WithdrawZorgteamInvitation,
        Casework.withdraw_zorgteam_invitation,
        "Withdraw a zorgteam member's invitation: they no longer see the case",
    ),
    Route(
        "parents-conversation",
        HoldParentsConversation,
        Casework.hold_parents_conversation,
        "Step 3: record the conversation with the parents",
    ),
    Route(
        "parents-conversation-skip",
        SkipParentsConversation,
        Casework.skip_parents_conversation,
        "Step 3: record why there is no conversation (rule 5)",
    ),
    Route(
        "risk-weighing",
        WeighRisk,
        Casework.weigh_risk,
        "Step 4: the zorgteam's multidisciplinary weighing (rule 6)",
    ),
    Route(
        "decision",
        MakeDecision,
        Casework.make_decision,
        "Step 5: the decision along afwegingskader questions 1-5 (rule 7)",
    ),
    Route("help", OrganiseHelp, Casework.organise_help, "Step 5: help organised"),
    Route(
        "parents-informed",
        InformParents,
        Casework.inform_parents,
        "Step 5: the parents were informed of the intended report (rule 8)",
    ),
    Route(
        "parents-informing-exception",
        RecordParentsInformingException,
        Casework.record_parents_informing_exception,
        "Step 5: why the parents are not informed",
    ),
    Route(
        "child-informed", InformChild, Casework.inform_child, "Step 5: the pupil (12+) was informed (rule 8)"
    ),
    Route(
        "child-informing-exception",
        RecordChildInformingException,
        Casework.record_child_informing_exception,
        "Step 5: why the pupil is not informed",
    ),
    Route(
        "reporter-anonymity",
        AgreeReporterAnonymity,
        Casework.agree_reporter_anonymity,
        "Step 5: anonymity toward the family on a legal ground (rule 10)",
    ),
    Route(
        "veilig-thuis-report",
        NotifyVeiligThuis,
        Casework.notify_veilig_thuis,
        "Step 5: report to Veilig Thuis (AmkNotified, rules 8-10)",
        operation="notify_amk",
    ),
    Route(
        "veilig-thuis-feedback",
        ReceiveVeiligThuisFeedback,
        Casework.receive_veilig_thuis_feedback,
        "Veilig Thuis's feedback on the steps it took (rule 11)",
    ),
    Route(
        "care-coordinator",
        AssignCareCoordinator,
        Casework.assign_care_coordinator,
        "Step 6: name the care coordinator (rule 12)",
    ),
    Route(
        "follow-up",
        ScheduleFollowUp,
        Casework.schedule_follow_up,
        "Step 6: set the evaluation date (rule 12)",
    ),
    Route(
        "follow-up-evaluation",
        EvaluateFollowUp,
        Casework.evaluate_follow_up,
        "Step 6: evaluate; no lasting safety reopens the decision",
    ),
    Route(
        "close", CloseCase, Casework.close_case, "Close the case with a reason (rule 13)", operation="close"
    ),
    Route("reopen", ReopenCase, Casework.reopen_case, "Reopen a closed case (rule 13)", operation="reopen"),
    Route(
        "pupil-left-school",
        RecordPupilLeftSchool,
        Casework.record_pupil_left_school,
        "The pupil left the school (rule 14)",
    ),
    Route(
        "transfer",
        TransferCase,
        Casework.transfer_case,
        "Hand the case over to another school of the samenwerkingsverband (rule 14)",
        operation="transfer",
    ),
    Route(
        "jgz-consultation-requests",
        RequestJgzConsultation,
        Casework.request_jgz_consultation,
        "Ask the JGZ partner of the samenwerkingsverband for a consultation (rule 3; sent as a signed webhook)",
    ),
    Route(
        "jgz-handovers",
        HandOverToJgz,
        Casework.hand_over_to_jgz,
        "Hand the case over to the JGZ partner on a recorded legal basis (sent as a signed webhook)",
    ),
)


__all__ = ["ROUTES", "Route"]
