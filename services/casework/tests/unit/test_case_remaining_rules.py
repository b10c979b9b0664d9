"""The remaining Meldcode rules on the Case aggregate: each refused command, and where it makes sense
the same command accepted once its condition is met. No I/O."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from casework.domain.case import Case, Step
from casework.domain.decision import Answers, Outcome
from casework.domain.errors import (
    CareCoordinatorNeeded,
    CaseNotClosed,
    ConversationNeedsContent,
    DateInFuture,
    DateOfBirthInvalid,
    DateOfBirthUnknown,
    DecidedReportNotMade,
    DomainError,
    EvaluationNeedsFindings,
    EvaluationNotScheduled,
    FeedbackBeforeReportDay,
    FeedbackNeedsContent,
    FollowUpBeforeHelp,
    FollowUpNeedsCareCoordinator,
    FollowUpNeedsDecision,
    HelpNeedsContent,
    HelpNotDecided,
    InformingNeedsContent,
    InvalidContent,
    PupilAlreadyLeft,
    ReopenNeedsReason,
    ReportAlreadyMade,
    ReporterNotAsDecided,
    ReportNeedsContent,
    StateConflict,
    TransferToSameSchool,
    WeighingAfterDecision,
    WeighingNeedsContent,
)
from casework.domain.weighing import Participant

BORN_11_YEARS_AGO = date(2013, 6, 1)
GENERIC_RULES = frozenset({"dates-not-in-future"})
"""Rule ids that are not tied to one Meldcode rule (documented in errors.py)."""


# --- helpers (copied from test_case_steps.py, not imported) ---------------------------------------------


def last_event(case: Case) -> object:
    return case.pending_events[-1]


# --- dates --------------------------------------------------------------------------------------------


def test_a_parents_conversation_dated_in_the_future_is_refused_and_one_dated_today_is_recorded(
    cases: Any,
) -> None:
    case = cases.opened()
    with pytest.raises(DateInFuture):
        case.hold_parents_conversation(
            held_on=cases.tomorrow,
            participants=["moeder"],
            summary="Zorgen besproken.",
            today=cases.today,
            by=cases.by,
        )
    assert case.parents_conversations == 0
    case.hold_parents_conversation(
        held_on=cases.today,
        participants=["moeder"],
        summary="Zorgen besproken.",
        today=cases.today,
        by=cases.by,
    )
    assert case.parents_conversations == 1


def test_informing_the_parents_on_a_future_date_is_refused(cases: Any) -> None:
    case = cases.report_decided()
    with pytest.raises(DateInFuture):
        cases.inform_parents(case, informed_on=cases.tomorrow)
    assert not case.decision_round.parents_informed


def test_the_pupil_leaving_on_a_future_date_is_refused(cases: Any) -> None:
    case = cases.talked()
    with pytest.raises(DateInFuture):
        case.record_pupil_left_school(left_on=cases.tomorrow, today=cases.today, by=cases.by)
    assert case.left_school_on is None


# --- rule 5: the parents conversation is recorded ------------------------------------------------------


@pytest.mark.parametrize(
    ("participants", "summary"),
    [([], "Zorgen besproken."), (["  ", ""], "Zorgen besproken."), (["moeder"], "   ")],
)
def test_a_parents_conversation_without_participants_or_summary_is_refused(
    cases: Any, participants: list[str], summary: str
) -> None:
    case = cases.opened()
    with pytest.raises(ConversationNeedsContent):
        case.hold_parents_conversation(
            held_on=cases.today, participants=participants, summary=summary, today=cases.today, by=cases.by
        )
    assert case.step is Step.OPENED


# --- rule 6: weighing ---------------------------------------------------------------------------------


def test_a_weighing_without_the_nature_of_the_signals_is_refused_and_with_it_is_recorded(cases: Any) -> None:
    case = cases.talked()
    with pytest.raises(WeighingNeedsContent):
        cases.weigh(case, nature="   ")
    assert case.weighing is None
    cases.weigh(case)
    assert case.step is Step.WEIGHED


def test_a_weighing_participant_without_a_name_or_role_is_refused() -> None:
    with pytest.raises(WeighingNeedsContent):
        Participant.of("", "jeugdarts", "jeugdgezondheidszorg")
    with pytest.raises(WeighingNeedsContent):
        Participant.of("Bram Jansen", " ", "jeugdgezondheidszorg")


def test_weighing_again_after_the_decision_is_refused_until_an_evaluation_reopens_the_decision(
    cases: Any,
) -> None:
    case = cases.helped_with_coordinator()
    with pytest.raises(WeighingAfterDecision):
        cases.weigh(case)
    cases.schedule(case)
    cases.evaluate(case, lasting_safety=False, findings="Geen blijvende veiligheid.")
    cases.weigh(case, structural=True)
    assert case.step is Step.WEIGHED
    assert case.unsafety


# --- rule 7: help as decided ----------------------------------------------------------------------------


def test_organising_help_is_refused_when_the_decision_is_to_report_only(cases: Any) -> None:
    case = cases.report_only_decided()
    with pytest.raises(HelpNotDecided):
        cases.organise_help(case)
    assert not case.decision_round.help_organised


def test_organising_help_before_any_decision_is_refused_and_after_a_help_decision_is_recorded(
    cases: Any,
) -> None:
    case = cases.weighed()
    with pytest.raises(HelpNotDecided):
        cases.organise_help(case)
    cases.decide(case, Answers(True, False, True, True), Outcome.HELP)
    cases.organise_help(case)
    assert case.decision_round.help_organised


@pytest.mark.parametrize(
    "overrides",
    [
        {"help_description": "  "},
        {"providers": []},
        {"providers": ["", "  "]},
        {"agreed_term_until": "today"},
    ],
)
def test_help_without_a_description_providers_or_a_term_after_today_is_refused(
    cases: Any,
    overrides: dict[str, Any],
) -> None:
    case = cases.help_decided()
    if overrides.get("agreed_term_until") == "today":
        overrides = {"agreed_term_until": cases.today}
    with pytest.raises(HelpNeedsContent):
        cases.organise_help(case, **overrides)
    assert not case.decision_round.help_organised
    cases.organise_help(case, agreed_term_until=cases.tomorrow)
    assert case.decision_round.help_organised


# --- rule 8-10: informing and the report ------------------------------------------------------------


def test_a_second_report_for_the_same_decision_is_refused(cases: Any) -> None:
    case = cases.reported()
    with pytest.raises(ReportAlreadyMade):
        cases.notify(case)
    assert case.reports == 1


def test_preparing_a_report_that_was_already_made_is_refused(cases: Any) -> None:
    case = cases.reported()
    with pytest.raises(ReportAlreadyMade):
        cases.inform_parents(case)
    with pytest.raises(ReportAlreadyMade):
        cases.inform_child(case)


@pytest.mark.parametrize("overrides", [{"informed_by": ""}, {"summary": "  "}])
def test_informing_the_parents_without_who_or_what_is_refused(cases: Any, overrides: dict[str, Any]) -> None:
    case = cases.report_decided()
    with pytest.raises(InformingNeedsContent):
        cases.inform_parents(case, **overrides)
    assert not case.decision_round.parents_informed
    cases.inform_parents(case)
    assert case.decision_round.parents_informed


@pytest.mark.parametrize("overrides", [{"informed_by": "  "}, {"summary": ""}])
def test_informing_the_pupil_without_who_or_what_is_refused(cases: Any, overrides: dict[str, Any]) -> None:
    case = cases.report_decided()
    with pytest.raises(InformingNeedsContent):
        cases.inform_child(case, **overrides)
    assert not case.decision_round.child_informed
    cases.inform_child(case)
    assert case.decision_round.child_informed


@pytest.mark.parametrize(
    "overrides",
    [{"veilig_thuis_region": ""}, {"veilig_thuis_organisation": "  "}, {"school_continues": ""}],
)
def test_a_report_without_region_organisation_or_what_the_school_keeps_doing_is_refused(
    cases: Any,
    overrides: dict[str, Any],
) -> None:
    case = cases.report_decided()
    cases.inform_parents(case)
    with pytest.raises(ReportNeedsContent):
        cases.notify(case, **overrides)
    assert not case.decision_round.reported
    cases.notify(case)
    assert case.decision_round.reported


def test_a_report_by_someone_other_than_decided_is_refused_and_by_the_decided_reporter_is_made(
    cases: Any,
) -> None:
    case = cases.report_decided()
    cases.inform_parents(case)
    with pytest.raises(ReporterNotAsDecided):
        cases.notify(case, reporter_id="ib-1")
    assert not case.decision_round.reported
    cases.notify(case, reporter_id="jgz-arts-1")
    made = last_event(case)
    assert isinstance(made, Case.AmkNotified)
    assert made.reporter_id == "jgz-arts-1"


def test_a_date_of_birth_after_the_reporting_date_is_refused(cases: Any) -> None:
    case = cases.report_decided()
    cases.inform_parents(case)
    with pytest.raises(DateOfBirthInvalid):
        cases.notify(case, pupil_date_of_birth=cases.tomorrow)
    assert not case.decision_round.reported
    cases.notify(case, pupil_date_of_birth=BORN_11_YEARS_AGO)
    assert case.decision_round.reported


def test_a_report_while_the_date_of_birth_is_unknown_is_refused_and_made_once_it_is_known(cases: Any) -> None:
    case = cases.report_decided()
    cases.inform_parents(case)
    with pytest.raises(DateOfBirthUnknown) as refused:
        cases.notify(case, pupil_date_of_birth=None)
    assert (refused.value.rule, refused.value.status) == ("rule-8-date-of-birth-known", 409)
    assert not case.decision_round.reported
    cases.notify(case, pupil_date_of_birth=BORN_11_YEARS_AGO)
    assert case.decision_round.reported


# --- rule 11: feedback ----------------------------------------------------------------------------------


def test_feedback_without_the_steps_veilig_thuis_took_is_refused(cases: Any) -> None:
    case = cases.reported()
    with pytest.raises(FeedbackNeedsContent):
        case.receive_veilig_thuis_feedback(
            received_on=cases.today, steps_taken="  ", today=cases.today, by=cases.by
        )
    assert not case.feedback_received
    case.receive_veilig_thuis_feedback(
        received_on=cases.today, steps_taken="Gesprek met het gezin gevoerd.", today=cases.today, by=cases.by
    )
    assert case.feedback_received


def test_feedback_dated_before_the_report_is_refused_and_leaves_the_obligation_open(cases: Any) -> None:
    case = cases.reported()  # reported on cases.today
    with pytest.raises(FeedbackBeforeReportDay) as refused:
        case.receive_veilig_thuis_feedback(
            received_on=cases.today - timedelta(days=1),
            steps_taken="Onderzoek gestart.",
            today=cases.today,
            by=cases.by,
        )
    assert refused.value.rule == "rule-11-feedback-dated-after-report"
    assert not case.feedback_received
    assert "terugkoppeling_veilig_thuis" in [o.code for o in case.open_obligations()]
    case.receive_veilig_thuis_feedback(
        received_on=cases.today, steps_taken="Onderzoek gestart.", today=cases.today, by=cases.by
    )
    assert case.feedback_received


# --- rule 12: follow-up ----------------------------------------------------------------------------------


def test_follow_up_before_any_decision_is_refused(cases: Any) -> None:
    case = cases.weighed()
    with pytest.raises(FollowUpNeedsDecision):
        cases.assign_coordinator(case)
    assert case.care_coordinator_id is None


def test_follow_up_after_a_decision_without_suspicion_is_refused(cases: Any) -> None:
    case = cases.talked()
    case.weigh_risk(
        participants=cases.zorgteam,
        nature="Zorgen over verzuim.",
        severity="licht",
        risk_level="laag",
        suspicion=False,
        acute_unsafety=False,
        structural_unsafety=False,
        today=cases.today,
        by=cases.by,
    )
    cases.decide(case, Answers(False), Outcome.NO_SUSPICION_CLOSE, who_reports=None)
    with pytest.raises(FollowUpNeedsDecision):
        cases.assign_coordinator(case)


def test_follow_up_before_the_decided_help_is_organised_is_refused_and_after_it_is_accepted(
    cases: Any,
) -> None:
    case = cases.help_decided()
    with pytest.raises(FollowUpBeforeHelp):
        cases.assign_coordinator(case)
    cases.organise_help(case)
    cases.assign_coordinator(case)
    assert case.care_coordinator_id == "smw-1"
    assert case.step is Step.FOLLOW_UP


def test_scheduling_the_evaluation_before_a_care_coordinator_is_named_is_refused(cases: Any) -> None:
    case = cases.help_decided()
    cases.organise_help(case)
    with pytest.raises(FollowUpNeedsCareCoordinator):
        cases.schedule(case)
    assert case.decision_round.evaluation_on is None
    cases.assign_coordinator(case)
    cases.schedule(case)
    assert case.decision_round.evaluation_on == cases.today + timedelta(weeks=6)


def test_a_care_coordinator_without_a_name_is_refused(cases: Any) -> None:
    case = cases.help_decided()
    cases.organise_help(case)
    with pytest.raises(CareCoordinatorNeeded):
        cases.assign_coordinator(case, coordinator_id="   ")
    assert case.care_coordinator_id is None


def test_evaluating_before_the_evaluation_is_scheduled_is_refused_and_after_it_is_recorded(
    cases: Any,
) -> None:
    case = cases.helped_with_coordinator()
    with pytest.raises(EvaluationNotScheduled):
        cases.evaluate(case)
    assert case.decision_round.lasting_safety is None
    cases.schedule(case)
    cases.evaluate(case)
    assert case.decision_round.lasting_safety is True


def test_an_evaluation_without_findings_is_refused(cases: Any) -> None:
    case = cases.helped_with_coordinator()
    cases.schedule(case)
    with pytest.raises(EvaluationNeedsFindings):
        cases.evaluate(case, findings=" ")
    assert case.decision_round.lasting_safety is None


# --- rule 13: closing and reopening -----------------------------------------------------------------


def test_closing_is_refused_while_the_decided_report_is_not_made_and_allowed_after_it(cases: Any) -> None:
    case = cases.report_only_decided()
    assert not case.unsafety
    with pytest.raises(DecidedReportNotMade):
        cases.close(case, reason="Het zorgteam wil de zaak afronden.")
    cases.inform_parents(case)
    cases.notify(case)
    cases.close(case, reason="Veilig Thuis heeft de zaak overgenomen.")
    assert case.closed


def test_reopening_a_case_that_is_not_closed_is_refused(cases: Any) -> None:
    case = cases.talked()
    with pytest.raises(CaseNotClosed):
        case.reopen(reason="Nieuwe signalen ontvangen.", today=cases.today, by=cases.by)
    assert case.step is Step.PARENTS_CONVERSATION


def test_reopening_without_a_reason_of_some_length_is_refused_and_with_one_the_case_reopens(
    cases: Any,
) -> None:
    case = cases.closed()
    with pytest.raises(ReopenNeedsReason):
        case.reopen(reason="nieuw", today=cases.today, by=cases.by)
    assert case.closed
    case.reopen(reason="Nieuwe signalen van de leerkracht.", today=cases.today, by=cases.by)
    assert not case.closed
    assert case.step is Step.PARENTS_CONVERSATION


# --- rule 14: moving school -------------------------------------------------------------------------------


def test_recording_the_pupil_leaving_twice_is_refused_until_the_case_was_transferred(cases: Any) -> None:
    case = cases.left(cases.talked())
    with pytest.raises(PupilAlreadyLeft):
        cases.left(case)
    cases.transfer(case)
    cases.left(case)
    assert case.left_school_on == cases.today


def test_the_pupil_leaving_is_recorded_even_on_a_closed_case_but_only_once(cases: Any) -> None:
    case = cases.left(cases.closed())
    with pytest.raises(PupilAlreadyLeft):
        cases.left(case)


@pytest.mark.parametrize("to_school", ["12AB", " 12AB ", "", "  "])
def test_a_transfer_to_the_same_school_or_to_no_school_is_refused(cases: Any, to_school: str) -> None:
    case = cases.left(cases.talked())
    with pytest.raises(TransferToSameSchool):
        cases.transfer(case, to_school=to_school)
    assert case.school == "12AB"
    cases.transfer(case, to_school="34CD")
    assert case.school == "34CD"


# --- the errors themselves --------------------------------------------------------------------------------

REMAINING_ERRORS: list[type[DomainError]] = [
    DateInFuture,
    ConversationNeedsContent,
    WeighingNeedsContent,
    WeighingAfterDecision,
    HelpNotDecided,
    HelpNeedsContent,
    ReportAlreadyMade,
    InformingNeedsContent,
    ReportNeedsContent,
    ReporterNotAsDecided,
    DateOfBirthInvalid,
    FeedbackNeedsContent,
    FollowUpNeedsDecision,
    FollowUpBeforeHelp,
    FollowUpNeedsCareCoordinator,
    CareCoordinatorNeeded,
    EvaluationNotScheduled,
    EvaluationNeedsFindings,
    DecidedReportNotMade,
    CaseNotClosed,
    ReopenNeedsReason,
    PupilAlreadyLeft,
    TransferToSameSchool,
]


def test_each_remaining_error_names_a_meldcode_rule_or_a_generic_id_and_a_409_or_422_status() -> None:
    for cls in REMAINING_ERRORS:
        assert cls.rule.startswith("rule-") or cls.rule in GENERIC_RULES, cls
        assert cls.status in (409, 422), cls
        if issubclass(cls, StateConflict):
            assert cls.status == 409, cls
        if issubclass(cls, InvalidContent):
            assert cls.status == 422, cls


# --- the case view shows what the people working the case need (issue 15) ---------------------------


def test_the_case_view_shows_the_decision_with_its_answers_the_agreed_help_and_who_is_invited(
    cases: Any,
) -> None:
    from casework.entrypoints.views import decision_view

    case = cases.help_decided()
    case.invite_to_zorgteam(
        member_id="smw-1", organisation="Schoolmaatschappelijk werk", today=cases.today, by=cases.by
    )
    case.organise_help(
        help_description="Opvoedondersteuning via het wijkteam.",
        providers=["wijkteam"],
        agreed_term_until=cases.today + timedelta(weeks=8),
        today=cases.today,
        by=cases.by,
    )

    view = decision_view(case)

    decision = view["decision"]
    assert (decision.outcome, decision.outcome_label) == ("help", "Hulp bieden (niet melden)")
    assert decision.answers.q3_sufficient_help_possible is True
    assert (decision.who_reports, decision.who_informs_parents) == (None, "ib-1")  # help: nobody reports
    assert view["help"].description == "Opvoedondersteuning via het wijkteam."
    assert view["help"].agreed_term_until == cases.today + timedelta(weeks=8)
    assert [(m.member_id, m.organisation) for m in view["zorgteam_members"]] == [
        ("smw-1", "Schoolmaatschappelijk werk")
    ]


def test_a_new_decision_forgets_the_help_agreed_under_the_previous_one(cases: Any) -> None:
    case = cases.help_decided()
    case.organise_help(help_description="Wijkteam.", providers=["wijkteam"], today=cases.today, by=cases.by)
    assert case.decision_round.help is not None
    cases.assign_coordinator(case)
    cases.schedule(case)
    cases.evaluate(case, lasting_safety=False)  # the decision is taken again, now to report (rule 12)
    assert case.decision_round.help is None and case.decision_round.decision is None
