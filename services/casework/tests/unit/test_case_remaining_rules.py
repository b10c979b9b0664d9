"""The remaining Meldcode rules on the Case aggregate: each refused command, and where it makes sense
the same command accepted once its condition is met. No I/O."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest

from casework.domain.actor import Actor
from casework.domain.case import Case, KnownSignal, Step
from casework.domain.decision import Answers, Outcome
from casework.domain.errors import (
    CareCoordinatorNeeded,
    CaseNotClosed,
    ConversationNeedsContent,
    DateInFuture,
    DateOfBirthInvalid,
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

TODAY = date(2025, 3, 10)
TOMORROW = TODAY + timedelta(days=1)
PUPIL = uuid.uuid4()
BORN_11_YEARS_AGO = date(2013, 6, 1)
ACT = Actor("ib-1", "intern_begeleider", "corr-1")
ZORGTEAM = [
    Participant.of("Ans de Vries", "intern begeleider", "onderwijs"),
    Participant.of("Bram Jansen", "jeugdarts", "jeugdgezondheidszorg"),
]
GENERIC_RULES = frozenset({"dates-not-in-future"})
"""Rule ids that are not tied to one Meldcode rule (documented in errors.py)."""


# --- helpers (copied from test_case_steps.py, not imported) ---------------------------------------------


def opened() -> Case:
    signals = [KnownSignal(uuid.uuid4(), PUPIL, "swv-zuid", "12AB") for _ in range(2)]
    return Case.open(
        pupil_id=PUPIL,
        signal_ids=[s.signal_id for s in signals],
        known_signals=signals,
        case_owner_id="ib-1",
        by=ACT,
    )


def talked(case: Case | None = None) -> Case:
    case = case or opened()
    case.hold_parents_conversation(
        held_on=TODAY,
        participants=["leerkracht", "ib-1", "moeder"],
        summary="Zorgen besproken.",
        today=TODAY,
        by=ACT,
    )
    return case


def weigh(case: Case, *, structural: bool = False, nature: str = "Herhaalde blauwe plekken.") -> None:
    case.weigh_risk(
        participants=ZORGTEAM,
        nature=nature,
        severity="ernstig",
        risk_level="hoog",
        suspicion=True,
        acute_unsafety=False,
        structural_unsafety=structural,
        approach="Gesprek ouders, JGZ-onderzoek.",
        today=TODAY,
        by=ACT,
    )


def weighed(*, structural: bool = False) -> Case:
    case = talked()
    weigh(case, structural=structural)
    return case


def decide(case: Case, answers: Answers, outcome: Outcome | str, **extra: Any) -> None:
    fields: dict[str, Any] = {
        "reasons": "Afgewogen in het zorgteam op basis van de signalen.",
        "who_reports": "jgz-arts-1",
        "who_informs_parents": "ib-1",
    }
    fields.update(extra)
    case.make_decision(answers=answers, outcome=outcome, today=TODAY, **fields, by=ACT)


def report_decided() -> Case:
    case = weighed(structural=True)
    decide(case, Answers(True, True), Outcome.REPORT_AND_HELP)
    return case


def report_only_decided() -> Case:
    """No unsafety, but help is not sufficient (question 3 "no"): report, without help."""
    case = weighed()
    decide(case, Answers(True, False, False), Outcome.REPORT)
    return case


def help_decided() -> Case:
    case = weighed()
    decide(case, Answers(True, False, True, True), Outcome.HELP)
    return case


def inform_parents(case: Case, **overrides: Any) -> None:
    fields: dict[str, Any] = {
        "informed_on": TODAY,
        "informed_by": "ib-1",
        "summary": "Voornemen tot melding verteld.",
    }
    fields.update(overrides)
    case.inform_parents(today=TODAY, **fields, by=ACT)


def inform_child(case: Case, **overrides: Any) -> None:
    fields: dict[str, Any] = {
        "informed_on": TODAY,
        "informed_by": "ib-1",
        "summary": "Uitgelegd wat er gebeurt.",
    }
    fields.update(overrides)
    case.inform_child(today=TODAY, **fields, by=ACT)


def notify(case: Case, **overrides: Any) -> None:
    fields: dict[str, Any] = {
        "veilig_thuis_region": "Zuid-Holland Zuid",
        "veilig_thuis_organisation": "Veilig Thuis ZHZ",
        "signal_ids": case.signal_ids,
        "school_continues": "Dagelijks contact met de leerling; zorgteam blijft betrokken.",
        "pupil_date_of_birth": BORN_11_YEARS_AGO,
    }
    fields.update(overrides)
    case.notify_amk(today=TODAY, **fields, by=ACT)


def reported() -> Case:
    case = report_decided()
    inform_parents(case)
    notify(case)
    return case


def organise_help(case: Case, **overrides: Any) -> None:
    fields: dict[str, Any] = {
        "help_description": "Opvoedondersteuning via het wijkteam.",
        "providers": ["wijkteam"],
    }
    fields.update(overrides)
    case.organise_help(today=TODAY, **fields, by=ACT)


def assign_coordinator(case: Case, coordinator_id: str = "smw-1") -> None:
    case.assign_care_coordinator(coordinator_id=coordinator_id, organisation="SMW", today=TODAY, by=ACT)


def schedule(case: Case) -> None:
    case.schedule_follow_up(
        evaluation_on=TODAY + timedelta(weeks=6), agreements="Wekelijks contact.", today=TODAY, by=ACT
    )


def evaluate(case: Case, *, lasting_safety: bool = True, findings: str = "Thuis is het rustig.") -> None:
    case.evaluate_follow_up(lasting_safety=lasting_safety, findings=findings, today=TODAY, by=ACT)


def helped_with_coordinator() -> Case:
    case = help_decided()
    organise_help(case)
    assign_coordinator(case)
    return case


def close(case: Case, reason: str = "Zorgen weggenomen in het gesprek met de ouders.") -> None:
    case.close(reason=reason, today=TODAY, by=ACT)


def closed() -> Case:
    case = talked()
    close(case)
    return case


def left(case: Case) -> Case:
    case.record_pupil_left_school(left_on=TODAY, destination_school="34CD", today=TODAY, by=ACT)
    return case


def transfer(case: Case, **overrides: Any) -> None:
    fields: dict[str, Any] = {
        "to_school_tenant": "swv-zuid",
        "to_school": "34CD",
        "legal_basis": "wettelijke_plicht",
        "legal_basis_explanation": "Onderwijskundig rapport bij overstap.",
        "new_case_owner_id": "ib-34cd",
    }
    fields.update(overrides)
    case.transfer(today=TODAY, **fields, by=ACT)


def last_event(case: Case) -> object:
    return case.pending_events[-1]


# --- dates --------------------------------------------------------------------------------------------


def test_a_parents_conversation_dated_in_the_future_is_refused_and_one_dated_today_is_recorded() -> None:
    case = opened()
    with pytest.raises(DateInFuture):
        case.hold_parents_conversation(
            held_on=TOMORROW, participants=["moeder"], summary="Zorgen besproken.", today=TODAY, by=ACT
        )
    assert case.parents_conversations == 0
    case.hold_parents_conversation(
        held_on=TODAY, participants=["moeder"], summary="Zorgen besproken.", today=TODAY, by=ACT
    )
    assert case.parents_conversations == 1


def test_informing_the_parents_on_a_future_date_is_refused() -> None:
    case = report_decided()
    with pytest.raises(DateInFuture):
        inform_parents(case, informed_on=TOMORROW)
    assert not case.decision_round.parents_informed


def test_the_pupil_leaving_on_a_future_date_is_refused() -> None:
    case = talked()
    with pytest.raises(DateInFuture):
        case.record_pupil_left_school(left_on=TOMORROW, today=TODAY, by=ACT)
    assert case.left_school_on is None


# --- rule 5: the parents conversation is recorded ------------------------------------------------------


@pytest.mark.parametrize(
    ("participants", "summary"),
    [([], "Zorgen besproken."), (["  ", ""], "Zorgen besproken."), (["moeder"], "   ")],
)
def test_a_parents_conversation_without_participants_or_summary_is_refused(
    participants: list[str], summary: str
) -> None:
    case = opened()
    with pytest.raises(ConversationNeedsContent):
        case.hold_parents_conversation(
            held_on=TODAY, participants=participants, summary=summary, today=TODAY, by=ACT
        )
    assert case.step is Step.OPENED


# --- rule 6: weighing ---------------------------------------------------------------------------------


def test_a_weighing_without_the_nature_of_the_signals_is_refused_and_with_it_is_recorded() -> None:
    case = talked()
    with pytest.raises(WeighingNeedsContent):
        weigh(case, nature="   ")
    assert case.weighing is None
    weigh(case)
    assert case.step is Step.WEIGHED


def test_a_weighing_participant_without_a_name_or_role_is_refused() -> None:
    with pytest.raises(WeighingNeedsContent):
        Participant.of("", "jeugdarts", "jeugdgezondheidszorg")
    with pytest.raises(WeighingNeedsContent):
        Participant.of("Bram Jansen", " ", "jeugdgezondheidszorg")


def test_weighing_again_after_the_decision_is_refused_until_an_evaluation_reopens_the_decision() -> None:
    case = helped_with_coordinator()
    with pytest.raises(WeighingAfterDecision):
        weigh(case)
    schedule(case)
    evaluate(case, lasting_safety=False, findings="Geen blijvende veiligheid.")
    weigh(case, structural=True)
    assert case.step is Step.WEIGHED
    assert case.unsafety


# --- rule 7: help as decided ----------------------------------------------------------------------------


def test_organising_help_is_refused_when_the_decision_is_to_report_only() -> None:
    case = report_only_decided()
    with pytest.raises(HelpNotDecided):
        organise_help(case)
    assert not case.decision_round.help_organised


def test_organising_help_before_any_decision_is_refused_and_after_a_help_decision_is_recorded() -> None:
    case = weighed()
    with pytest.raises(HelpNotDecided):
        organise_help(case)
    decide(case, Answers(True, False, True, True), Outcome.HELP)
    organise_help(case)
    assert case.decision_round.help_organised


@pytest.mark.parametrize(
    "overrides",
    [
        {"help_description": "  "},
        {"providers": []},
        {"providers": ["", "  "]},
        {"agreed_term_until": TODAY},
    ],
)
def test_help_without_a_description_providers_or_a_term_after_today_is_refused(
    overrides: dict[str, Any],
) -> None:
    case = help_decided()
    with pytest.raises(HelpNeedsContent):
        organise_help(case, **overrides)
    assert not case.decision_round.help_organised
    organise_help(case, agreed_term_until=TOMORROW)
    assert case.decision_round.help_organised


# --- rule 8-10: informing and the report ------------------------------------------------------------


def test_a_second_report_for_the_same_decision_is_refused() -> None:
    case = reported()
    with pytest.raises(ReportAlreadyMade):
        notify(case)
    assert case.reports == 1


def test_preparing_a_report_that_was_already_made_is_refused() -> None:
    case = reported()
    with pytest.raises(ReportAlreadyMade):
        inform_parents(case)
    with pytest.raises(ReportAlreadyMade):
        inform_child(case)


@pytest.mark.parametrize("overrides", [{"informed_by": ""}, {"summary": "  "}])
def test_informing_the_parents_without_who_or_what_is_refused(overrides: dict[str, Any]) -> None:
    case = report_decided()
    with pytest.raises(InformingNeedsContent):
        inform_parents(case, **overrides)
    assert not case.decision_round.parents_informed
    inform_parents(case)
    assert case.decision_round.parents_informed


@pytest.mark.parametrize("overrides", [{"informed_by": "  "}, {"summary": ""}])
def test_informing_the_pupil_without_who_or_what_is_refused(overrides: dict[str, Any]) -> None:
    case = report_decided()
    with pytest.raises(InformingNeedsContent):
        inform_child(case, **overrides)
    assert not case.decision_round.child_informed
    inform_child(case)
    assert case.decision_round.child_informed


@pytest.mark.parametrize(
    "overrides",
    [{"veilig_thuis_region": ""}, {"veilig_thuis_organisation": "  "}, {"school_continues": ""}],
)
def test_a_report_without_region_organisation_or_what_the_school_keeps_doing_is_refused(
    overrides: dict[str, Any],
) -> None:
    case = report_decided()
    inform_parents(case)
    with pytest.raises(ReportNeedsContent):
        notify(case, **overrides)
    assert not case.decision_round.reported
    notify(case)
    assert case.decision_round.reported


def test_a_report_by_someone_other_than_decided_is_refused_and_by_the_decided_reporter_is_made() -> None:
    case = report_decided()
    inform_parents(case)
    with pytest.raises(ReporterNotAsDecided):
        notify(case, reporter_id="ib-1")
    assert not case.decision_round.reported
    notify(case, reporter_id="jgz-arts-1")
    made = last_event(case)
    assert isinstance(made, Case.AmkNotified)
    assert made.reporter_id == "jgz-arts-1"


def test_a_date_of_birth_after_the_reporting_date_is_refused() -> None:
    case = report_decided()
    inform_parents(case)
    with pytest.raises(DateOfBirthInvalid):
        notify(case, pupil_date_of_birth=TOMORROW)
    assert not case.decision_round.reported
    notify(case, pupil_date_of_birth=BORN_11_YEARS_AGO)
    assert case.decision_round.reported


# --- rule 11: feedback ----------------------------------------------------------------------------------


def test_feedback_without_the_steps_veilig_thuis_took_is_refused() -> None:
    case = reported()
    with pytest.raises(FeedbackNeedsContent):
        case.receive_veilig_thuis_feedback(received_on=TODAY, steps_taken="  ", today=TODAY, by=ACT)
    assert not case.feedback_received
    case.receive_veilig_thuis_feedback(
        received_on=TODAY, steps_taken="Gesprek met het gezin gevoerd.", today=TODAY, by=ACT
    )
    assert case.feedback_received


def test_feedback_dated_before_the_report_is_refused_and_leaves_the_obligation_open() -> None:
    case = reported()  # reported on TODAY
    with pytest.raises(FeedbackBeforeReportDay) as refused:
        case.receive_veilig_thuis_feedback(
            received_on=TODAY - timedelta(days=1), steps_taken="Onderzoek gestart.", today=TODAY, by=ACT
        )
    assert refused.value.rule == "rule-11-feedback-dated-after-report"
    assert not case.feedback_received
    assert "terugkoppeling_veilig_thuis" in [o.code for o in case.open_obligations()]
    case.receive_veilig_thuis_feedback(
        received_on=TODAY, steps_taken="Onderzoek gestart.", today=TODAY, by=ACT
    )
    assert case.feedback_received


# --- rule 12: follow-up ----------------------------------------------------------------------------------


def test_follow_up_before_any_decision_is_refused() -> None:
    case = weighed()
    with pytest.raises(FollowUpNeedsDecision):
        assign_coordinator(case)
    assert case.care_coordinator_id is None


def test_follow_up_after_a_decision_without_suspicion_is_refused() -> None:
    case = talked()
    case.weigh_risk(
        participants=ZORGTEAM,
        nature="Zorgen over verzuim.",
        severity="licht",
        risk_level="laag",
        suspicion=False,
        acute_unsafety=False,
        structural_unsafety=False,
        today=TODAY,
        by=ACT,
    )
    decide(case, Answers(False), Outcome.NO_SUSPICION_CLOSE, who_reports=None)
    with pytest.raises(FollowUpNeedsDecision):
        assign_coordinator(case)


def test_follow_up_before_the_decided_help_is_organised_is_refused_and_after_it_is_accepted() -> None:
    case = help_decided()
    with pytest.raises(FollowUpBeforeHelp):
        assign_coordinator(case)
    organise_help(case)
    assign_coordinator(case)
    assert case.care_coordinator_id == "smw-1"
    assert case.step is Step.FOLLOW_UP


def test_scheduling_the_evaluation_before_a_care_coordinator_is_named_is_refused() -> None:
    case = help_decided()
    organise_help(case)
    with pytest.raises(FollowUpNeedsCareCoordinator):
        schedule(case)
    assert case.decision_round.evaluation_on is None
    assign_coordinator(case)
    schedule(case)
    assert case.decision_round.evaluation_on == TODAY + timedelta(weeks=6)


def test_a_care_coordinator_without_a_name_is_refused() -> None:
    case = help_decided()
    organise_help(case)
    with pytest.raises(CareCoordinatorNeeded):
        assign_coordinator(case, coordinator_id="   ")
    assert case.care_coordinator_id is None


def test_evaluating_before_the_evaluation_is_scheduled_is_refused_and_after_it_is_recorded() -> None:
    case = helped_with_coordinator()
    with pytest.raises(EvaluationNotScheduled):
        evaluate(case)
    assert case.decision_round.lasting_safety is None
    schedule(case)
    evaluate(case)
    assert case.decision_round.lasting_safety is True


def test_an_evaluation_without_findings_is_refused() -> None:
    case = helped_with_coordinator()
    schedule(case)
    with pytest.raises(EvaluationNeedsFindings):
        evaluate(case, findings=" ")
    assert case.decision_round.lasting_safety is None


# --- rule 13: closing and reopening -----------------------------------------------------------------


def test_closing_is_refused_while_the_decided_report_is_not_made_and_allowed_after_it() -> None:
    case = report_only_decided()
    assert not case.unsafety
    with pytest.raises(DecidedReportNotMade):
        close(case, reason="Het zorgteam wil de zaak afronden.")
    inform_parents(case)
    notify(case)
    close(case, reason="Veilig Thuis heeft de zaak overgenomen.")
    assert case.closed


def test_reopening_a_case_that_is_not_closed_is_refused() -> None:
    case = talked()
    with pytest.raises(CaseNotClosed):
        case.reopen(reason="Nieuwe signalen ontvangen.", today=TODAY, by=ACT)
    assert case.step is Step.PARENTS_CONVERSATION


def test_reopening_without_a_reason_of_some_length_is_refused_and_with_one_the_case_reopens() -> None:
    case = closed()
    with pytest.raises(ReopenNeedsReason):
        case.reopen(reason="nieuw", today=TODAY, by=ACT)
    assert case.closed
    case.reopen(reason="Nieuwe signalen van de leerkracht.", today=TODAY, by=ACT)
    assert not case.closed
    assert case.step is Step.PARENTS_CONVERSATION


# --- rule 14: moving school -------------------------------------------------------------------------------


def test_recording_the_pupil_leaving_twice_is_refused_until_the_case_was_transferred() -> None:
    case = left(talked())
    with pytest.raises(PupilAlreadyLeft):
        left(case)
    transfer(case)
    left(case)
    assert case.left_school_on == TODAY


def test_the_pupil_leaving_is_recorded_even_on_a_closed_case_but_only_once() -> None:
    case = left(closed())
    with pytest.raises(PupilAlreadyLeft):
        left(case)


@pytest.mark.parametrize("to_school", ["12AB", " 12AB ", "", "  "])
def test_a_transfer_to_the_same_school_or_to_no_school_is_refused(to_school: str) -> None:
    case = left(talked())
    with pytest.raises(TransferToSameSchool):
        transfer(case, to_school=to_school)
    assert case.school == "12AB"
    transfer(case, to_school="34CD")
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


def test_the_case_view_shows_the_decision_with_its_answers_the_agreed_help_and_who_is_invited() -> None:
    from casework.entrypoints.views import decision_view

    case = help_decided()
    case.invite_to_zorgteam(member_id="smw-1", organisation="Schoolmaatschappelijk werk", today=TODAY, by=ACT)
    case.organise_help(
        help_description="Opvoedondersteuning via het wijkteam.",
        providers=["wijkteam"],
        agreed_term_until=TODAY + timedelta(weeks=8),
        today=TODAY,
        by=ACT,
    )

    view = decision_view(case)

    decision = view["decision"]
    assert (decision.outcome, decision.outcome_label) == ("help", "Hulp bieden (niet melden)")
    assert decision.answers.q3_sufficient_help_possible is True
    assert (decision.who_reports, decision.who_informs_parents) == (None, "ib-1")  # help: nobody reports
    assert view["help"].description == "Opvoedondersteuning via het wijkteam."
    assert view["help"].agreed_term_until == TODAY + timedelta(weeks=8)
    assert [(m.member_id, m.organisation) for m in view["zorgteam_members"]] == [
        ("smw-1", "Schoolmaatschappelijk werk")
    ]


def test_a_new_decision_forgets_the_help_agreed_under_the_previous_one() -> None:
    case = help_decided()
    case.organise_help(help_description="Wijkteam.", providers=["wijkteam"], today=TODAY, by=ACT)
    assert case.decision_round.help is not None
    assign_coordinator(case)
    schedule(case)
    evaluate(case, lasting_safety=False)  # the decision is taken again, now to report (rule 12)
    assert case.decision_round.help is None and case.decision_round.decision is None
