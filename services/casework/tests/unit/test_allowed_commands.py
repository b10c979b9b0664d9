"""Which commands a case takes now (issue 17, item 4): the commands' own preconditions, without I/O.

Each test also gives an allowed command, or a refused one, to show the answer is the command's own."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from casework.domain.actor import Actor
from casework.domain.allowed_commands import PRECONDITIONS, Situation, check_commands
from casework.domain.case import Case
from casework.domain.decision import Outcome
from casework.domain.errors import DomainError, NoDecisionBeforeWeighing, ParentsConversationFirst
from casework.entrypoints.commands import ROUTES
from casework.entrypoints.policy import CASE_COMMANDS

BORN_11_YEARS_AGO = date(2013, 6, 1)
CaseBuilder = Any  # the `cases` fixture (conftest.py)
IB = Actor("ib-1", "intern_begeleider", "c")
ZORGTEAM = Actor("jgz-1", "zorgteam", "c")


def allowed(case: Case, cases: CaseBuilder, by: Actor = IB) -> set[str]:
    situation = Situation(by=by, today=cases.today, pupil_date_of_birth=BORN_11_YEARS_AGO)
    return {c.command for c in check_commands(case, situation) if c.allowed}


def refusal(case: Case, cases: CaseBuilder, command: str, by: Actor = IB) -> tuple[str | None, str | None]:
    situation = Situation(by=by, today=cases.today, pupil_date_of_birth=BORN_11_YEARS_AGO)
    (check,) = [c for c in check_commands(case, situation) if c.command == command]
    assert not check.allowed
    return check.rule, check.reason


def test_every_command_route_has_its_precondition() -> None:
    assert set(PRECONDITIONS) == {path for path, _ in CASE_COMMANDS}
    assert {r.path for r in ROUTES} | {"signals"} == set(PRECONDITIONS)


def test_a_just_opened_case_takes_the_parents_conversation_not_the_weighing(cases: CaseBuilder) -> None:
    case = cases.opened()
    now = allowed(case, cases)
    assert {"parents-conversation", "parents-conversation-skip", "close", "owner"} <= now
    assert not now & {"risk-weighing", "decision", "reopen", "veilig-thuis-feedback", "veilig-thuis-report"}
    assert "zorgteam-invitation-withdrawals" not in now  # nobody invited yet
    rule, reason = refusal(case, cases, "risk-weighing")
    assert rule == ParentsConversationFirst.rule
    assert reason is not None and reason.startswith("Voer eerst het gesprek met de ouders")
    with pytest.raises(ParentsConversationFirst):
        cases.weigh(case)


def test_after_the_weighing_the_decision_is_allowed_and_not_before(cases: CaseBuilder) -> None:
    talked = cases.talked()
    assert refusal(talked, cases, "decision")[0] == NoDecisionBeforeWeighing.rule
    weighed = cases.weighed(structural=True)
    now = allowed(weighed, cases)
    assert {"decision", "risk-weighing"} <= now
    assert "close" not in now  # after a weighing, a case closes only after a decision
    assert "help" not in now and "parents-informed" not in now


def test_a_decision_to_report_opens_the_preparation_and_the_report_waits_for_the_parents(
    cases: CaseBuilder,
) -> None:
    case = cases.report_decided()
    now = allowed(case, cases)
    assert {"parents-informed", "parents-informing-exception", "reporter-anonymity", "help"} <= now
    assert not now & {"decision", "risk-weighing", "veilig-thuis-report", "veilig-thuis-feedback", "close"}
    rule, reason = refusal(case, cases, "veilig-thuis-report")
    assert rule == "rule-8-parents-informed-before-report"
    assert reason is not None and "Informeer eerst de ouders" in reason
    cases.inform_parents(case)
    assert "veilig-thuis-report" in allowed(case, cases)


def test_the_report_for_a_pupil_of_twelve_waits_for_the_pupil(cases: CaseBuilder) -> None:
    case = cases.report_decided()
    cases.inform_parents(case)
    twelve = Situation(by=IB, today=cases.today, pupil_date_of_birth=cases.today.replace(year=2012))
    (check,) = [c for c in check_commands(case, twelve) if c.command == "veilig-thuis-report"]
    assert check.rule == "rule-8-child-12-plus-informed-before-report"


def test_after_the_report_feedback_and_follow_up_are_allowed(cases: CaseBuilder) -> None:
    case = cases.reported()
    cases.organise_help(case)
    now = allowed(case, cases)
    assert {"veilig-thuis-feedback", "care-coordinator"} <= now
    assert not now & {"veilig-thuis-report", "parents-informed", "follow-up", "follow-up-evaluation"}
    assert refusal(case, cases, "follow-up")[1] == "Wijs eerst een zorgcoördinator aan."


def test_a_closed_case_takes_only_reopening_and_what_happens_outside_it(cases: CaseBuilder) -> None:
    case = cases.closed()
    assert allowed(case, cases) == {"reopen", "pupil-left-school"}
    assert refusal(case, cases, "parents-conversation")[0] == "rule-13-case-closed"


def test_the_jgz_is_consulted_by_the_ib_er_or_the_case_owner_only(cases: CaseBuilder) -> None:
    case = cases.opened()
    assert "jgz-consultation-requests" in allowed(case, cases, by=IB)
    assert "jgz-consultation-requests" not in allowed(case, cases, by=ZORGTEAM)
    owner = Actor(case.case_owner_id, "zorgteam", "c")
    assert "jgz-consultation-requests" in allowed(case, cases, by=owner)


def test_an_allowed_command_is_not_refused_by_its_precondition(cases: CaseBuilder) -> None:
    """The answer is the command's own: what is allowed passes the precondition the command runs."""
    for case in (cases.opened(), cases.weighed(), cases.report_decided(), cases.closed()):
        situation = Situation(by=IB, today=cases.today, pupil_date_of_birth=BORN_11_YEARS_AGO)
        for check in check_commands(case, situation):
            precondition = PRECONDITIONS[check.command]
            if check.allowed:
                precondition(case, situation)
            else:
                with pytest.raises(DomainError):
                    precondition(case, situation)


def test_a_refusal_for_who_the_actor_is_is_marked_as_such(cases: CaseBuilder) -> None:
    situation = Situation(by=ZORGTEAM, today=cases.today, pupil_date_of_birth=BORN_11_YEARS_AGO)
    checks = {c.command: c for c in check_commands(cases.opened(), situation)}
    assert checks["jgz-consultation-requests"].for_role
    assert not checks["risk-weighing"].for_role


def test_after_a_weighing_with_unsafety_a_decision_can_only_report(cases: CaseBuilder) -> None:
    assert set(cases.weighed(structural=True).possible_outcomes()) == {
        Outcome.REPORT,
        Outcome.REPORT_AND_HELP,
    }
    assert Outcome.HELP in cases.weighed().possible_outcomes()
    assert cases.weighed(suspicion=False).possible_outcomes() == (Outcome.NO_SUSPICION_CLOSE,)
    assert cases.talked().possible_outcomes() == ()
