"""`allowed_actions` of the case view: the domain's preconditions joined with the route policy for the
caller's role (no I/O: the view's pure part)."""

from __future__ import annotations

from datetime import date
from typing import Any

from casework.entrypoints.views import allowed_actions
from meldcode_contracts import Role
from meldcode_edge.auth import Principal

BORN = date(2014, 3, 9)


def actions(case: Any, role: Role, user_id: str = "u-1") -> dict[str, Any]:
    principal = Principal(user_id, role, "swv-zuid", frozenset({"12AB"}))
    return {
        a.command: a
        for a in allowed_actions(case, principal, today=date(2025, 3, 10), pupil_date_of_birth=BORN)
    }


def test_the_ib_er_may_invite_the_zorgteam_member_may_not_whatever_the_step(cases: Any) -> None:
    case = cases.opened()
    assert actions(case, Role.INTERN_BEGELEIDER)["zorgteam-invitations"].allowed
    refused = actions(case, Role.ZORGTEAM)["zorgteam-invitations"]
    assert not refused.allowed and refused.for_role and refused.rule == "role"
    assert refused.reason == "Uw rol mag dit niet doen in deze zaak."
    assert actions(case, Role.ZORGTEAM)["parents-conversation"].allowed


def test_the_auditor_may_give_no_command_at_all(cases: Any) -> None:
    assert not any(a.allowed or not a.for_role for a in actions(cases.weighed(), Role.AUDITOR).values())


def test_a_refusal_of_the_step_is_not_one_of_the_role(cases: Any) -> None:
    refused = actions(cases.opened(), Role.ZORGTEAM)["risk-weighing"]
    assert not refused.allowed and not refused.for_role
    assert refused.rule == "rule-5-parents-conversation-before-weighing"
