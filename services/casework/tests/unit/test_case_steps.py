"""Steps 3-6 of the Meldcode on the Case aggregate: one test per rule, both sides, without any I/O."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest

from casework.domain import errors
from casework.domain.case import Case, Step
from casework.domain.decision import Answers, Outcome
from casework.domain.errors import (
    AcuteUnsafetyRequiresReport,
    AfwegingskaderRequiresReport,
    AnonymityNeedsLegalGround,
    CaseClosedAlready,
    CaseOwnerUnchanged,
    ChildOver12MustBeInformed,
    CloseNeedsDecision,
    CloseNeedsReason,
    DecisionAlreadyMade,
    DecisionContradictsAnswers,
    DecisionContradictsWeighing,
    DecisionNeedsAnswers,
    DecisionNeedsReasons,
    DecisionNeedsWhoInformsParents,
    DecisionNeedsWhoReports,
    DomainError,
    EvaluationBeforeClosingAfterHelp,
    EvaluationDateNotAfterToday,
    ExceptionNeedsLegalGround,
    FeedbackBeforeReport,
    FollowUpBeforeReport,
    NoDecisionBeforeWeighing,
    NoLastingSafetyRequiresReport,
    ParentsConversationFirst,
    ReportNeedsParentsInformed,
    ReportNeedsSignals,
    ReportNotDecided,
    ReportSignalsOfAnotherCase,
    SkipNeedsReason,
    TransferNeedsLegalBasis,
    TransferNeedsPupilLeft,
    TransferOutsideSamenwerkingsverband,
    TransferToUnknownSchool,
    UnknownChoice,
    UnsafeCaseNeedsReport,
    WeighingAnswersInconsistent,
    WeighingNeedsTwoDisciplines,
)
from casework.domain.weighing import Participant

BORN_13_YEARS_AGO = date(2012, 1, 5)
BORN_11_YEARS_AGO = date(2013, 6, 1)


def codes(case: Case, **kwargs: Any) -> list[str]:
    return [o.code for o in case.open_obligations(**kwargs)]


def event_names(case: Case) -> list[str]:
    return [type(e).__name__ for e in case.pending_events]


# --- happy paths ----------------------------------------------------------------------------------------


def test_a_structurally_unsafe_case_walks_all_steps_from_report_to_closing_with_aftercare(cases: Any) -> None:
    case = cases.opened()
    assert codes(case) == ["gesprek_ouders"]
    cases.talked(case)
    assert case.step is Step.PARENTS_CONVERSATION
    assert codes(case) == ["weging_zorgteam"]
    case.weigh_risk(
        participants=cases.zorgteam,
        nature="Structurele verwaarlozing.",
        severity="ernstig",
        risk_level="hoog",
        suspicion=True,
        acute_unsafety=False,
        structural_unsafety=True,
        today=cases.today,
        by=cases.by,
    )
    assert case.step is Step.WEIGHED
    assert codes(case) == ["besluit_afwegingskader"]
    cases.decide(
        case, Answers(True, True), "report_and_help", who_reports="jgz-arts-1", who_informs_parents="ib-1"
    )
    assert case.step is Step.DECIDED
    assert codes(case, pupil_date_of_birth=BORN_13_YEARS_AGO, on=cases.today) == [
        "ouders_informeren",
        "kind_informeren",
        "melden_veilig_thuis",
        "hulp_organiseren",
    ]
    cases.inform_parents(case)
    cases.inform_child(case)
    assert case.missing_for_report(pupil_date_of_birth=BORN_13_YEARS_AGO, on=cases.today) == []
    cases.notify(case, pupil_date_of_birth=BORN_13_YEARS_AGO)
    assert case.step is Step.REPORTED
    assert codes(case) == ["hulp_organiseren", "terugkoppeling_veilig_thuis"]
    case.receive_veilig_thuis_feedback(
        received_on=cases.today, steps_taken="Onderzoek gestart.", today=cases.today, by=cases.by
    )
    cases.organise_help(case)
    assert codes(case) == ["zorgcoordinator_aanwijzen"]
    case.assign_care_coordinator(coordinator_id="smw-1", organisation="SMW", today=cases.today, by=cases.by)
    assert case.step is Step.FOLLOW_UP
    assert codes(case) == ["evaluatie_plannen"]
    case.schedule_follow_up(
        evaluation_on=cases.today + timedelta(weeks=6),
        agreements="Wekelijks contact.",
        today=cases.today,
        by=cases.by,
    )
    assert codes(case) == ["evaluatie_uitvoeren"]
    later = cases.today + timedelta(weeks=6)
    case.evaluate_follow_up(lasting_safety=True, findings="Thuis is het veilig.", today=later, by=cases.by)
    assert codes(case) == ["zaak_sluiten"]
    case.close(
        reason="Blijvende veiligheid vastgesteld.",
        aftercare="Nazorg: IB'er volgt tot de zomer.",
        today=later,
        by=cases.by,
    )
    assert case.step is Step.CLOSED
    assert case.open_obligations() == []
    assert event_names(case) == [
        "Opened",
        "ParentsConversationHeld",
        "RiskWeighed",
        "DecisionMade",
        "ParentsInformed",
        "ChildInformed",
        "AmkNotified",
        "VeiligThuisFeedbackReceived",
        "HelpOrganised",
        "CareCoordinatorAssigned",
        "FollowUpScheduled",
        "FollowUpEvaluated",
        "CaseClosed",
    ]
    notified = case.pending_events[6]
    assert isinstance(notified, Case.AmkNotified)
    assert notified.pupil_age_on_report == 13
    assert notified.reporter_id == "jgz-arts-1"
    assert notified.tenant == "swv-zuid"
    assert notified.school == "12AB"
    assert notified.pupil_id == cases.pupil
    assert notified.actor_id == "ib-1"
    assert notified.correlation_id == "corr-1"


def test_a_case_without_suspicion_is_closed_with_the_reasons_recorded(cases: Any) -> None:
    case = cases.weighed(suspicion=False)
    cases.decide(
        case,
        Answers(False),
        "no_suspicion_close",
        reasons="Blauwe plekken verklaard door judo.",
        who_reports=None,
    )
    assert codes(case) == ["zaak_sluiten_geen_vermoeden"]
    case.close(reason="Geen vermoeden na weging; zie besluit.", today=cases.today, by=cases.by)
    assert case.step is Step.CLOSED
    decided = case.pending_events[3]
    assert isinstance(decided, Case.DecisionMade)
    assert decided.outcome == "no_suspicion_close"
    assert decided.reasons == "Blauwe plekken verklaard door judo."
    assert decided.who_reports is None


# --- rule 4: one case owner -------------------------------------------------------------------------------


def test_a_case_has_one_owner_at_a_time_and_a_change_is_recorded(cases: Any) -> None:
    case = cases.opened()
    case.change_owner(new_owner_id="ib-2", by=cases.by)
    assert case.case_owner_id == "ib-2"
    assert event_names(case)[-1] == "CaseOwnerChanged"


def test_changing_the_owner_to_the_current_owner_is_refused(cases: Any) -> None:
    with pytest.raises(CaseOwnerUnchanged):
        cases.opened().change_owner(new_owner_id="ib-1", by=cases.by)


# --- rule 5: parents first --------------------------------------------------------------------------------


def test_the_weighing_is_refused_before_a_parents_conversation_or_a_recorded_skip(cases: Any) -> None:
    case = cases.opened()
    with pytest.raises(ParentsConversationFirst) as refused:
        case.weigh_risk(
            participants=cases.zorgteam,
            nature="x",
            severity="ernstig",
            risk_level="hoog",
            suspicion=True,
            acute_unsafety=False,
            structural_unsafety=False,
            today=cases.today,
            by=cases.by,
        )
    assert refused.value.status == 409
    assert refused.value.rule == "rule-5-parents-conversation-before-weighing"


def test_a_skipped_conversation_with_a_legal_reason_lets_the_zorgteam_weigh(cases: Any) -> None:
    case = cases.opened()
    case.skip_parents_conversation(
        reason="ouders_onttrekken_kind",
        explanation="Gezin verhuisde eerder na vragen van school.",
        today=cases.today,
        by=cases.by,
    )
    assert case.step is Step.PARENTS_CONVERSATION
    assert codes(case) == ["weging_zorgteam"]


def test_skipping_the_conversation_without_an_explanation_is_refused(cases: Any) -> None:
    with pytest.raises(SkipNeedsReason):
        cases.opened().skip_parents_conversation(
            reason="veiligheid_kind", explanation=" ", today=cases.today, by=cases.by
        )


def test_skipping_the_conversation_for_a_reason_outside_the_fixed_list_is_refused(cases: Any) -> None:
    with pytest.raises(UnknownChoice):
        cases.opened().skip_parents_conversation(
            reason="geen_tijd", explanation="Het is druk deze weken.", today=cases.today, by=cases.by
        )


def test_the_parents_conversation_is_recorded_again_at_later_steps_without_changing_the_step(
    cases: Any,
) -> None:
    case = cases.report_decided()
    cases.talked(case)
    assert case.step is Step.DECIDED
    assert case.parents_conversations == 2


# --- rule 6: weighing ---------------------------------------------------------------------------------


def test_a_weighing_by_a_single_discipline_is_refused(cases: Any) -> None:
    case = cases.talked()
    with pytest.raises(WeighingNeedsTwoDisciplines) as refused:
        case.weigh_risk(
            participants=[cases.zorgteam[0], Participant.of("Cor", "leerkracht", "onderwijs")],
            nature="Zorgen.",
            severity="matig",
            risk_level="verhoogd",
            suspicion=True,
            acute_unsafety=False,
            structural_unsafety=False,
            today=cases.today,
            by=cases.by,
        )
    assert refused.value.status == 422


def test_a_weighing_with_two_disciplines_records_nature_severity_risk_and_questions_1_and_2(
    cases: Any,
) -> None:
    case = cases.weighed(structural=True)
    weighed_event = case.pending_events[-1]
    assert isinstance(weighed_event, Case.RiskWeighed)
    assert {p["discipline"] for p in weighed_event.participants} == {"onderwijs", "jeugdgezondheidszorg"}
    assert (weighed_event.severity, weighed_event.risk_level) == ("ernstig", "hoog")
    assert weighed_event.q1_suspicion is True
    assert weighed_event.q2_structural_unsafety is True
    assert case.unsafety


def test_unsafety_without_a_suspicion_is_refused_as_inconsistent(cases: Any) -> None:
    with pytest.raises(WeighingAnswersInconsistent):
        cases.weighed(suspicion=False, acute=True)


# --- rule 7: decision by the afwegingskader -------------------------------------------------------------


def test_a_decision_before_the_weighing_is_refused(cases: Any) -> None:
    with pytest.raises(NoDecisionBeforeWeighing) as refused:
        cases.decide(cases.talked(), Answers(True, False, True, True), Outcome.HELP)
    assert refused.value.status == 409


def test_help_only_is_refused_when_there_is_acute_or_structural_unsafety(cases: Any) -> None:
    case = cases.weighed(acute=True)
    with pytest.raises(AcuteUnsafetyRequiresReport) as refused:
        cases.decide(case, Answers(True, True), Outcome.HELP)
    assert refused.value.rule == "rule-7-acute-or-structural-unsafety-requires-report"


def test_report_and_help_is_accepted_when_there_is_structural_unsafety(cases: Any) -> None:
    case = cases.report_decided()
    assert case.decision_round.decision is not None
    assert case.decision_round.decision.outcome is Outcome.REPORT_AND_HELP


def test_the_afwegingskader_is_answered_in_order_until_an_answer_decides(cases: Any) -> None:
    case = cases.weighed()
    with pytest.raises(DecisionNeedsAnswers):
        cases.decide(case, Answers(True, False), Outcome.HELP)
    with pytest.raises(DecisionNeedsAnswers):
        cases.decide(case, Answers(True, False, None, True), Outcome.HELP)
    cases.decide(case, Answers(True, False, False), Outcome.REPORT)  # question 3 "no" decides: report
    assert case.decision_round.decision is not None


def test_help_that_is_not_accepted_requires_a_report(cases: Any) -> None:
    with pytest.raises(AfwegingskaderRequiresReport):
        cases.decide(cases.weighed(), Answers(True, False, True, False), Outcome.HELP)


def test_closing_without_suspicion_is_refused_when_question_1_says_there_is_one(cases: Any) -> None:
    with pytest.raises(DecisionContradictsAnswers):
        cases.decide(cases.weighed(), Answers(True, False, True, True), Outcome.NO_SUSPICION_CLOSE)


def test_a_decision_not_to_report_without_reasons_is_refused(cases: Any) -> None:
    with pytest.raises(DecisionNeedsReasons):
        cases.decide(cases.weighed(), Answers(True, False, True, True), Outcome.HELP, reasons="")


def test_a_decision_to_report_must_name_who_reports(cases: Any) -> None:
    with pytest.raises(DecisionNeedsWhoReports):
        cases.decide(cases.weighed(structural=True), Answers(True, True), Outcome.REPORT, who_reports=None)


def test_a_decision_must_name_who_informs_the_parents(cases: Any) -> None:
    with pytest.raises(DecisionNeedsWhoInformsParents):
        cases.decide(cases.weighed(), Answers(True, False, True, True), Outcome.HELP, who_informs_parents="")


def test_a_decision_that_contradicts_the_weighing_is_refused(cases: Any) -> None:
    with pytest.raises(DecisionContradictsWeighing):
        cases.decide(cases.weighed(structural=True), Answers(True, False, True, True), Outcome.HELP)


def test_a_second_decision_is_refused_while_the_first_stands(cases: Any) -> None:
    case = cases.help_decided()
    with pytest.raises(DecisionAlreadyMade):
        cases.decide(case, Answers(True, False, True, True), Outcome.HELP)


# --- rule 8: informing before the report --------------------------------------------------------------


def test_a_report_is_refused_while_the_parents_are_not_informed_and_no_exception_is_recorded(
    cases: Any,
) -> None:
    case = cases.report_decided()
    with pytest.raises(ReportNeedsParentsInformed) as refused:
        cases.notify(case)
    assert refused.value.rule == "rule-8-parents-informed-before-report"
    assert refused.value.status == 409
    assert "ouders" in str(refused.value)


def test_a_report_goes_ahead_without_informing_the_parents_when_an_exception_with_legal_ground_is_recorded(
    cases: Any,
) -> None:
    case = cases.report_decided()
    case.record_parents_informing_exception(
        ground="veiligheid_kind",
        explanation="Vader dreigde het kind te straffen.",
        today=cases.today,
        by=cases.by,
    )
    cases.notify(case)
    assert case.step is Step.REPORTED


def test_an_exception_for_the_parents_without_explanation_is_refused(cases: Any) -> None:
    with pytest.raises(ExceptionNeedsLegalGround):
        cases.report_decided().record_parents_informing_exception(
            ground="veiligheid_kind", explanation="", today=cases.today, by=cases.by
        )


def test_a_report_about_a_pupil_of_12_or_older_is_refused_until_the_pupil_is_informed(cases: Any) -> None:
    case = cases.report_decided()
    cases.inform_parents(case)
    twelfth_birthday = date(cases.today.year - 12, cases.today.month, cases.today.day)
    with pytest.raises(ChildOver12MustBeInformed):
        cases.notify(case, pupil_date_of_birth=twelfth_birthday)
    cases.inform_child(case)
    cases.notify(case, pupil_date_of_birth=twelfth_birthday)
    assert case.step is Step.REPORTED


def test_a_pupil_who_turns_12_after_the_reporting_date_need_not_be_informed(cases: Any) -> None:
    case = cases.report_decided()
    cases.inform_parents(case)
    cases.notify(
        case,
        pupil_date_of_birth=date(cases.today.year - 12, cases.today.month, cases.today.day)
        + timedelta(days=1),
    )
    notified = case.pending_events[-1]
    assert isinstance(notified, Case.AmkNotified)
    assert notified.pupil_age_on_report == 11


def test_a_recorded_exception_for_a_pupil_of_12_or_older_allows_the_report(cases: Any) -> None:
    case = cases.report_decided()
    cases.inform_parents(case)
    case.record_child_informing_exception(
        ground="ontwikkelingsniveau",
        explanation="Ernstige verstandelijke beperking.",
        today=cases.today,
        by=cases.by,
    )
    cases.notify(case, pupil_date_of_birth=BORN_13_YEARS_AGO)
    assert case.step is Step.REPORTED


def test_informing_the_parents_of_a_report_is_refused_when_no_report_was_decided(cases: Any) -> None:
    with pytest.raises(ReportNotDecided):
        cases.inform_parents(cases.help_decided())


def test_the_obligations_say_exactly_what_is_still_needed_before_the_report(cases: Any) -> None:
    case = cases.report_decided()
    assert [o.code for o in case.missing_for_report()] == ["ouders_informeren", "kind_informeren_vanaf_12"]
    assert [
        o.code for o in case.missing_for_report(pupil_date_of_birth=BORN_11_YEARS_AGO, on=cases.today)
    ] == ["ouders_informeren"]
    cases.inform_parents(case)
    assert case.missing_for_report(pupil_date_of_birth=BORN_11_YEARS_AGO, on=cases.today) == []
    assert "Informeer de ouders over de voorgenomen melding" in errors_text(cases.report_decided())


def errors_text(case: Case) -> str:
    return " ".join(o.text for o in case.open_obligations())


# --- rule 9: backed by facts ----------------------------------------------------------------------------


def test_a_report_without_signals_is_refused(cases: Any) -> None:
    case = cases.report_decided()
    cases.inform_parents(case)
    with pytest.raises(ReportNeedsSignals):
        cases.notify(case, signal_ids=[])


def test_a_report_referring_to_signals_of_another_case_is_refused(cases: Any) -> None:
    case = cases.report_decided()
    cases.inform_parents(case)
    with pytest.raises(ReportSignalsOfAnotherCase):
        cases.notify(case, signal_ids=[case.signal_ids[0], uuid.uuid4()])


# --- rule 10: on name, anonymity by exception ----------------------------------------------------------


def test_anonymity_on_a_legal_ground_with_an_argument_marks_the_report_anonymous_to_the_family(
    cases: Any,
) -> None:
    case = cases.report_decided()
    case.agree_reporter_anonymity(
        ground="bedreiging_melder_of_collegas",
        argument="Vader bedreigde eerder een leerkracht.",
        today=cases.today,
        by=cases.by,
    )
    cases.inform_parents(case)
    cases.notify(case)
    notified = case.pending_events[-1]
    assert isinstance(notified, Case.AmkNotified)
    assert notified.reporter_anonymous_to_family is True


def test_a_report_is_on_name_by_default(cases: Any) -> None:
    notified = cases.reported().pending_events[-1]
    assert isinstance(notified, Case.AmkNotified)
    assert notified.reporter_anonymous_to_family is False


def test_anonymity_without_an_argument_is_refused(cases: Any) -> None:
    with pytest.raises(AnonymityNeedsLegalGround) as refused:
        cases.report_decided().agree_reporter_anonymity(
            ground="verstoring_relatie_gezin", argument="", today=cases.today, by=cases.by
        )
    assert refused.value.rule == "rule-10-anonymity-legal-ground"


def test_anonymity_on_a_ground_outside_the_three_legal_grounds_is_refused(cases: Any) -> None:
    with pytest.raises(UnknownChoice):
        cases.report_decided().agree_reporter_anonymity(
            ground="liever_niet",
            argument="De melder wil liever anoniem blijven.",
            today=cases.today,
            by=cases.by,
        )


# --- rule 11: feedback --------------------------------------------------------------------------------


def test_feedback_from_veilig_thuis_before_any_report_is_refused(cases: Any) -> None:
    with pytest.raises(FeedbackBeforeReport):
        cases.report_decided().receive_veilig_thuis_feedback(
            received_on=cases.today, steps_taken="x", today=cases.today, by=cases.by
        )


def test_feedback_after_the_report_settles_the_feedback_obligation(cases: Any) -> None:
    case = cases.reported()
    assert "terugkoppeling_veilig_thuis" in codes(case)
    case.receive_veilig_thuis_feedback(
        received_on=cases.today, steps_taken="Gezin uitgenodigd.", today=cases.today, by=cases.by
    )
    assert "terugkoppeling_veilig_thuis" not in codes(case)


# --- rule 12: follow-up ----------------------------------------------------------------------------------


def test_follow_up_before_the_decided_report_is_refused(cases: Any) -> None:
    case = cases.report_decided()
    cases.organise_help(case)
    with pytest.raises(FollowUpBeforeReport):
        case.assign_care_coordinator(coordinator_id="smw-1", today=cases.today, by=cases.by)


def test_an_evaluation_date_must_lie_after_today(cases: Any) -> None:
    case = cases.help_decided()
    cases.organise_help(case)
    case.assign_care_coordinator(coordinator_id="smw-1", today=cases.today, by=cases.by)
    with pytest.raises(EvaluationDateNotAfterToday):
        case.schedule_follow_up(evaluation_on=cases.today, today=cases.today, by=cases.by)


def test_an_evaluation_without_lasting_safety_reopens_the_decision_and_the_next_one_must_report(
    cases: Any,
) -> None:
    case = cases.help_decided()
    cases.organise_help(case)
    cases.follow_up(case)
    case.evaluate_follow_up(
        lasting_safety=False, findings="Nieuwe verwondingen gezien.", today=cases.today, by=cases.by
    )
    assert case.step is Step.WEIGHED
    assert codes(case) == ["besluit_opnieuw_melden"]
    with pytest.raises(NoLastingSafetyRequiresReport):
        cases.decide(case, Answers(True, False, True, True), Outcome.HELP)
    cases.decide(case, Answers(True, False, True, True, False), Outcome.REPORT)
    assert case.step is Step.DECIDED
    assert "ouders_informeren" in codes(case)


# --- rule 13: closing ------------------------------------------------------------------------------------


def test_closing_without_a_reason_is_refused(cases: Any) -> None:
    with pytest.raises(CloseNeedsReason):
        cases.opened().close(reason="", today=cases.today, by=cases.by)


def test_closing_before_any_weighing_is_allowed_with_a_reason(cases: Any) -> None:
    case = cases.talked()
    case.close(reason="Zorgen ontkracht in het gesprek met de ouders.", today=cases.today, by=cases.by)
    assert case.step is Step.CLOSED


def test_closing_after_the_weighing_needs_a_decision(cases: Any) -> None:
    with pytest.raises(CloseNeedsDecision):
        cases.weighed().close(reason="Het gaat inmiddels beter thuis.", today=cases.today, by=cases.by)


def test_closing_after_help_is_refused_until_an_evaluation_found_lasting_safety(cases: Any) -> None:
    case = cases.help_decided()
    cases.organise_help(case)
    cases.follow_up(case)
    with pytest.raises(EvaluationBeforeClosingAfterHelp):
        case.close(reason="Hulp loopt goed volgens de ouders.", today=cases.today, by=cases.by)
    case.evaluate_follow_up(lasting_safety=True, findings="Veilig.", today=cases.today, by=cases.by)
    case.close(reason="Blijvende veiligheid vastgesteld.", today=cases.today, by=cases.by)
    assert case.step is Step.CLOSED


def test_closing_an_acute_or_structurally_unsafe_case_without_a_report_is_refused(cases: Any) -> None:
    case = cases.report_decided()
    with pytest.raises(UnsafeCaseNeedsReport) as refused:
        case.close(reason="Ouders willen geen bemoeienis.", today=cases.today, by=cases.by)
    assert refused.value.rule == "rule-13-unsafety-not-closed-without-report"


def test_a_closed_case_refuses_further_steps_and_can_be_reopened_without_losing_anything(cases: Any) -> None:
    case = cases.weighed(suspicion=False)
    cases.decide(case, Answers(False), "no_suspicion_close", who_reports=None)
    case.close(reason="Geen vermoeden na weging.", today=cases.today, by=cases.by)
    before = len(case.pending_events)
    with pytest.raises(CaseClosedAlready):
        cases.talked(case)
    case.reopen(reason="Nieuwe signalen van de leerkracht.", today=cases.today, by=cases.by)
    assert case.step is Step.WEIGHED
    assert case.decision_round.decision is None
    assert len(case.pending_events) == before + 1


# --- rule 14: moving school -------------------------------------------------------------------------------


def test_a_transfer_with_a_legal_basis_hands_the_case_to_the_new_school(cases: Any) -> None:
    case = cases.left(cases.talked())
    assert codes(case)[0] == "overdracht"
    cases.transfer(case)
    assert (case.school, case.case_owner_id) == ("34CD", "ib-34cd")
    moved = case.pending_events[-1]
    assert isinstance(moved, Case.CaseTransferred)
    assert (moved.school, moved.to_school) == ("12AB", "34CD")
    assert "overdracht" not in codes(case)


def test_a_transfer_without_a_legal_basis_is_refused(cases: Any) -> None:
    with pytest.raises(TransferNeedsLegalBasis) as refused:
        cases.transfer(cases.left(cases.talked()), legal_basis=None)
    assert refused.value.rule == "rule-14-transfer-legal-basis"


def test_a_transfer_outside_the_samenwerkingsverband_is_refused(cases: Any) -> None:
    with pytest.raises(TransferOutsideSamenwerkingsverband):
        cases.transfer(cases.left(cases.talked()), to_school_tenant="swv-noord")


def test_a_transfer_to_a_school_the_registry_does_not_know_is_refused_and_changes_nothing(cases: Any) -> None:
    case = cases.left(cases.talked())
    with pytest.raises(TransferToUnknownSchool) as refused:
        cases.transfer(case, to_school="99ZZ", to_school_tenant=None)
    assert refused.value.rule == "rule-14-known-school"
    assert "99ZZ" in refused.value.message
    assert case.school == "12AB" and case.transfers == 0


def test_a_transfer_before_the_pupil_left_is_refused(cases: Any) -> None:
    with pytest.raises(TransferNeedsPupilLeft):
        cases.transfer(cases.talked())


# --- errors ---------------------------------------------------------------------------------------------


def test_every_domain_error_names_a_stable_rule_and_a_status() -> None:
    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, DomainError)]
    for cls in classes:
        assert cls.status in (403, 404, 409, 422), cls
        if cls not in (DomainError, errors.StateConflict, errors.InvalidContent):
            assert cls.rule != "domain", cls
