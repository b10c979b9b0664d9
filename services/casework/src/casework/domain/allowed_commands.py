"""Which commands a case takes now, and why not the others (issue 17, item 4).

One truth: each command of `Case` starts with a precondition of its own (`_require_...`), the part of
its rules that depends on the case's state and on who gives it, not on what the command carries. This
module only runs those same preconditions, without any I/O, and reports each refusal's rule and Dutch
message; a command's content (a reason, a date, a named person) is still checked when it is given.
The rules: docs/domain/rules.md; the steps and their order: docs/domain/steps.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from .actor import Actor
from .errors import DomainError

if TYPE_CHECKING:
    from .case import Case


@dataclass(frozen=True)
class Situation:
    """What a precondition may need besides the case: who asks, the day, and the pupil's date of
    birth (the report needs it to know whether the pupil must be told first, rule 8)."""

    by: Actor
    today: date
    pupil_date_of_birth: date | None


Precondition = Callable[["Case", Situation], object]

PRECONDITIONS: dict[str, Precondition] = {
    "signals": lambda case, _: case._require_open(),
    "owner": lambda case, _: case._require_open(),
    "zorgteam-invitations": lambda case, _: case._require_open(),
    "zorgteam-invitation-withdrawals": lambda case, _: case._require_someone_invited(),
    "parents-conversation": lambda case, _: case._require_open(),
    "parents-conversation-skip": lambda case, _: case._require_open(),
    "risk-weighing": lambda case, _: case._require_weighing_step(),
    "decision": lambda case, _: case._require_decision_step(),
    "help": lambda case, _: case._require_help_decided(),
    "parents-informed": lambda case, _: case._require_report_preparation(),
    "parents-informing-exception": lambda case, _: case._require_report_preparation(),
    "child-informed": lambda case, _: case._require_report_preparation(),
    "child-informing-exception": lambda case, _: case._require_report_preparation(),
    "reporter-anonymity": lambda case, _: case._require_report_preparation(),
    "veilig-thuis-report": lambda case, s: case._require_report_ready(s.pupil_date_of_birth, s.today),
    "veilig-thuis-feedback": lambda case, _: case._require_reported(),
    "care-coordinator": lambda case, _: case._require_follow_up(),
    "follow-up": lambda case, _: case._require_care_coordinator(),
    "follow-up-evaluation": lambda case, _: case._require_evaluation_scheduled(),
    "close": lambda case, _: case._require_closable(),
    "reopen": lambda case, _: case._require_closed(),
    "pupil-left-school": lambda case, _: case._require_pupil_not_left(),
    "transfer": lambda case, _: case._require_pupil_left(),
    "jgz-consultation-requests": lambda case, s: case._require_jgz_consultant(s.by),
    "jgz-handovers": lambda case, _: case._require_open(),
}
"""Command (its route: `POST /cases/{case_id}/<command>`) -> the precondition the command itself runs."""


@dataclass(frozen=True)
class CommandCheck:
    command: str
    allowed: bool
    rule: str | None = None
    """The refusing rule's stable code (as in a 409/403/422 problem), when not allowed."""
    reason: str | None = None
    """Why not, in Dutch: the message the command would refuse with."""
    for_role: bool = False
    """Refused for who the actor is (a 403 rule), not for where the case stands."""


def check_commands(case: Case, situation: Situation) -> list[CommandCheck]:
    """For every command of the case: does its precondition hold now, for this actor?"""
    checks = []
    for command, precondition in PRECONDITIONS.items():
        try:
            precondition(case, situation)
        except DomainError as refused:
            checks.append(
                CommandCheck(
                    command,
                    allowed=False,
                    rule=refused.rule,
                    reason=refused.message,
                    for_role=refused.status == 403,
                )
            )
        else:
            checks.append(CommandCheck(command, allowed=True))
    return checks
