"""Steps 3-6 of the Meldcode on the Case aggregate: one test per rule, both sides, without any I/O."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest

from casework.domain import errors
from casework.domain.actor import Actor
from casework.domain.case import Case, KnownSignal, Step
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

TODAY = date(2025, 3, 10)
PUPIL = uuid.uuid4()
BORN_13_YEARS_AGO = date(2012, 1, 5)
BORN_11_YEARS_AGO = date(2013, 6, 1)
ACT = Actor("ib-1", "intern_begeleider", "corr-1")
ZORGTEAM = [
    Participant.of("Ans de Vries", "intern begeleider", "onderwijs"),
    Participant.of("Bram Jansen", "jeugdarts", "jeugdgezondheidszorg"),
]


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


def weighed(*, suspicion: bool = True, structural: bool = False, acute: bool = False) -> Case:
    case = talked()
    case.weigh_risk(
        participants=ZORGTEAM,
        nature="Herhaalde blauwe plekken en angst om naar huis te gaan.",
        severity="ernstig",
        risk_level="hoog",
        suspicion=suspicion,
        acute_unsafety=acute,
        structural_unsafety=structural,
        approach="Gesprek ouders, JGZ-onderzoek.",
        today=TODAY,
        by=ACT,
    )
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


def help_decided() -> Case:
    case = weighed()
    decide(case, Answers(True, False, True, True), Outcome.HELP)
    return case


def inform_parents(case: Case) -> None:
    case.inform_parents(
        informed_on=TODAY, informed_by="ib-1", summary="Voornemen tot melding verteld.", today=TODAY, by=ACT
    )


def inform_child(case: Case) -> None:
    case.inform_child(
        informed_on=TODAY, informed_by="ib-1", summary="Uitgelegd wat er gebeurt.", today=TODAY, by=ACT
    )


def notify(case: Case, *, born: date = BORN_11_YEARS_AGO, signal_ids: list[uuid.UUID] | None = None) -> None:
    case.notify_amk(
        veilig_thuis_region="Zuid-Holland Zuid",
        veilig_thuis_organisation="Veilig Thuis ZHZ",
        signal_ids=case.signal_ids if signal_ids is None else signal_ids,
        school_continues="Dagelijks contact met de leerling; zorgteam blijft betrokken.",
        pupil_date_of_birth=born,
        today=TODAY,
        by=ACT,
    )


def reported() -> Case:
    case = report_decided()
    inform_parents(case)
    notify(case)
    return case


def organise_help(case: Case) -> None:
    case.organise_help(
        help_description="Opvoedondersteuning via het wijkteam.", providers=["wijkteam"], today=TODAY, by=ACT
    )


def follow_up(case: Case) -> None:
    case.assign_care_coordinator(coordinator_id="smw-1", organisation="SMW", today=TODAY, by=ACT)
    case.schedule_follow_up(
        evaluation_on=TODAY + timedelta(weeks=6), agreements="Wekelijks contact.", today=TODAY, by=ACT
    )


def codes(case: Case, **kwargs: Any) -> list[str]:
    return [o.code for o in case.open_obligations(**kwargs)]


def event_names(case: Case) -> list[str]:
    return [type(e).__name__ for e in case.pending_events]


# --- happy paths ----------------------------------------------------------------------------------------


def test_a_structurally_unsafe_case_walks_all_steps_from_report_to_closing_with_aftercare() -> None:
    case = opened()
    assert codes(case) == ["gesprek_ouders"]
    talked(case)
    assert case.step is Step.PARENTS_CONVERSATION
    assert codes(case) == ["weging_zorgteam"]
    case.weigh_risk(
        participants=ZORGTEAM,
        nature="Structurele verwaarlozing.",
        severity="ernstig",
        risk_level="hoog",
        suspicion=True,
        acute_unsafety=False,
        structural_unsafety=True,
        today=TODAY,
        by=ACT,
    )
    assert case.step is Step.WEIGHED
    assert codes(case) == ["besluit_afwegingskader"]
    decide(case, Answers(True, True), "report_and_help", who_reports="jgz-arts-1", who_informs_parents="ib-1")
    assert case.step is Step.DECIDED
    assert codes(case, pupil_date_of_birth=BORN_13_YEARS_AGO, on=TODAY) == [
        "ouders_informeren",
        "kind_informeren",
        "melden_veilig_thuis",
        "hulp_organiseren",
    ]
    inform_parents(case)
    inform_child(case)
    assert case.missing_for_report(pupil_date_of_birth=BORN_13_YEARS_AGO, on=TODAY) == []
    notify(case, born=BORN_13_YEARS_AGO)
    assert case.step is Step.REPORTED
    assert codes(case) == ["hulp_organiseren", "terugkoppeling_veilig_thuis"]
    case.receive_veilig_thuis_feedback(
        received_on=TODAY, steps_taken="Onderzoek gestart.", today=TODAY, by=ACT
    )
    organise_help(case)
    assert codes(case) == ["zorgcoordinator_aanwijzen"]
    case.assign_care_coordinator(coordinator_id="smw-1", organisation="SMW", today=TODAY, by=ACT)
    assert case.step is Step.FOLLOW_UP
    assert codes(case) == ["evaluatie_plannen"]
    case.schedule_follow_up(
        evaluation_on=TODAY + timedelta(weeks=6), agreements="Wekelijks contact.", today=TODAY, by=ACT
    )
    assert codes(case) == ["evaluatie_uitvoeren"]
    later = TODAY + timedelta(weeks=6)
    case.evaluate_follow_up(lasting_safety=True, findings="Thuis is het veilig.", today=later, by=ACT)
    assert codes(case) == ["zaak_sluiten"]
    case.close(
        reason="Blijvende veiligheid vastgesteld.",
        aftercare="Nazorg: IB'er volgt tot de zomer.",
        today=later,
        by=ACT,
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
    assert notified.pupil_id == PUPIL
    assert notified.actor_id == "ib-1"
    assert notified.correlation_id == "corr-1"


def test_a_case_without_suspicion_is_closed_with_the_reasons_recorded() -> None:
    case = weighed(suspicion=False)
    decide(
        case,
        Answers(False),
        "no_suspicion_close",
        reasons="Blauwe plekken verklaard door judo.",
        who_reports=None,
    )
    assert codes(case) == ["zaak_sluiten_geen_vermoeden"]
    case.close(reason="Geen vermoeden na weging; zie besluit.", today=TODAY, by=ACT)
    assert case.step is Step.CLOSED
    decided = case.pending_events[3]
    assert isinstance(decided, Case.DecisionMade)
    assert decided.outcome == "no_suspicion_close"
    assert decided.reasons == "Blauwe plekken verklaard door judo."
    assert decided.who_reports is None


# --- rule 4: one case owner -------------------------------------------------------------------------------


def test_a_case_has_one_owner_at_a_time_and_a_change_is_recorded() -> None:
    case = opened()
    case.change_owner(new_owner_id="ib-2", by=ACT)
    assert case.case_owner_id == "ib-2"
    assert event_names(case)[-1] == "CaseOwnerChanged"


def test_changing_the_owner_to_the_current_owner_is_refused() -> None:
    with pytest.raises(CaseOwnerUnchanged):
        opened().change_owner(new_owner_id="ib-1", by=ACT)


# --- rule 5: parents first --------------------------------------------------------------------------------


def test_the_weighing_is_refused_before_a_parents_conversation_or_a_recorded_skip() -> None:
    case = opened()
    with pytest.raises(ParentsConversationFirst) as refused:
        case.weigh_risk(
            participants=ZORGTEAM,
            nature="x",
            severity="ernstig",
            risk_level="hoog",
            suspicion=True,
            acute_unsafety=False,
            structural_unsafety=False,
            today=TODAY,
            by=ACT,
        )
    assert refused.value.status == 409
    assert refused.value.rule == "rule-5-parents-conversation-before-weighing"


def test_a_skipped_conversation_with_a_legal_reason_lets_the_zorgteam_weigh() -> None:
    case = opened()
    case.skip_parents_conversation(
        reason="ouders_onttrekken_kind",
        explanation="Gezin verhuisde eerder na vragen van school.",
        today=TODAY,
        by=ACT,
    )
    assert case.step is Step.PARENTS_CONVERSATION
    assert codes(case) == ["weging_zorgteam"]


def test_skipping_the_conversation_without_an_explanation_is_refused() -> None:
    with pytest.raises(SkipNeedsReason):
        opened().skip_parents_conversation(reason="veiligheid_kind", explanation=" ", today=TODAY, by=ACT)


def test_skipping_the_conversation_for_a_reason_outside_the_fixed_list_is_refused() -> None:
    with pytest.raises(UnknownChoice):
        opened().skip_parents_conversation(
            reason="geen_tijd", explanation="Het is druk deze weken.", today=TODAY, by=ACT
        )


def test_the_parents_conversation_is_recorded_again_at_later_steps_without_changing_the_step() -> None:
    case = report_decided()
    talked(case)
    assert case.step is Step.DECIDED
    assert case.parents_conversations == 2


# --- rule 6: weighing ---------------------------------------------------------------------------------


def test_a_weighing_by_a_single_discipline_is_refused() -> None:
    case = talked()
    with pytest.raises(WeighingNeedsTwoDisciplines) as refused:
        case.weigh_risk(
            participants=[ZORGTEAM[0], Participant.of("Cor", "leerkracht", "onderwijs")],
            nature="Zorgen.",
            severity="matig",
            risk_level="verhoogd",
            suspicion=True,
            acute_unsafety=False,
            structural_unsafety=False,
            today=TODAY,
            by=ACT,
        )
    assert refused.value.status == 422


def test_a_weighing_with_two_disciplines_records_nature_severity_risk_and_questions_1_and_2() -> None:
    case = weighed(structural=True)
    weighed_event = case.pending_events[-1]
    assert isinstance(weighed_event, Case.RiskWeighed)
    assert {p["discipline"] for p in weighed_event.participants} == {"onderwijs", "jeugdgezondheidszorg"}
    assert (weighed_event.severity, weighed_event.risk_level) == ("ernstig", "hoog")
    assert weighed_event.q1_suspicion is True
    assert weighed_event.q2_structural_unsafety is True
    assert case.unsafety


def test_unsafety_without_a_suspicion_is_refused_as_inconsistent() -> None:
    with pytest.raises(WeighingAnswersInconsistent):
        weighed(suspicion=False, acute=True)


# --- rule 7: decision by the afwegingskader -------------------------------------------------------------


def test_a_decision_before_the_weighing_is_refused() -> None:
    with pytest.raises(NoDecisionBeforeWeighing) as refused:
        decide(talked(), Answers(True, False, True, True), Outcome.HELP)
    assert refused.value.status == 409


def test_help_only_is_refused_when_there_is_acute_or_structural_unsafety() -> None:
    case = weighed(acute=True)
    with pytest.raises(AcuteUnsafetyRequiresReport) as refused:
        decide(case, Answers(True, True), Outcome.HELP)
    assert refused.value.rule == "rule-7-acute-or-structural-unsafety-requires-report"


def test_report_and_help_is_accepted_when_there_is_structural_unsafety() -> None:
    case = report_decided()
    assert case.decision_round.decision is not None
    assert case.decision_round.decision.outcome is Outcome.REPORT_AND_HELP


def test_the_afwegingskader_is_answered_in_order_until_an_answer_decides() -> None:
    case = weighed()
    with pytest.raises(DecisionNeedsAnswers):
        decide(case, Answers(True, False), Outcome.HELP)
    with pytest.raises(DecisionNeedsAnswers):
        decide(case, Answers(True, False, None, True), Outcome.HELP)
    decide(case, Answers(True, False, False), Outcome.REPORT)  # question 3 "no" decides: report
    assert case.decision_round.decision is not None


def test_help_that_is_not_accepted_requires_a_report() -> None:
    with pytest.raises(AfwegingskaderRequiresReport):
        decide(weighed(), Answers(True, False, True, False), Outcome.HELP)


def test_closing_without_suspicion_is_refused_when_question_1_says_there_is_one() -> None:
    with pytest.raises(DecisionContradictsAnswers):
        decide(weighed(), Answers(True, False, True, True), Outcome.NO_SUSPICION_CLOSE)


def test_a_decision_not_to_report_without_reasons_is_refused() -> None:
    with pytest.raises(DecisionNeedsReasons):
        decide(weighed(), Answers(True, False, True, True), Outcome.HELP, reasons="")


def test_a_decision_to_report_must_name_who_reports() -> None:
    with pytest.raises(DecisionNeedsWhoReports):
        decide(weighed(structural=True), Answers(True, True), Outcome.REPORT, who_reports=None)


def test_a_decision_must_name_who_informs_the_parents() -> None:
    with pytest.raises(DecisionNeedsWhoInformsParents):
        decide(weighed(), Answers(True, False, True, True), Outcome.HELP, who_informs_parents="")


def test_a_decision_that_contradicts_the_weighing_is_refused() -> None:
    with pytest.raises(DecisionContradictsWeighing):
        decide(weighed(structural=True), Answers(True, False, True, True), Outcome.HELP)


def test_a_second_decision_is_refused_while_the_first_stands() -> None:
    case = help_decided()
    with pytest.raises(DecisionAlreadyMade):
        decide(case, Answers(True, False, True, True), Outcome.HELP)


# --- rule 8: informing before the report --------------------------------------------------------------


def test_a_report_is_refused_while_the_parents_are_not_informed_and_no_exception_is_recorded() -> None:
    case = report_decided()
    with pytest.raises(ReportNeedsParentsInformed) as refused:
        notify(case)
    assert refused.value.rule == "rule-8-parents-informed-before-report"
    assert refused.value.status == 409
    assert "ouders" in str(refused.value)


def test_a_report_goes_ahead_without_informing_the_parents_when_an_exception_with_legal_ground_is_recorded() -> (
    None
):
    case = report_decided()
    case.record_parents_informing_exception(
        ground="veiligheid_kind", explanation="Vader dreigde het kind te straffen.", today=TODAY, by=ACT
    )
    notify(case)
    assert case.step is Step.REPORTED


def test_an_exception_for_the_parents_without_explanation_is_refused() -> None:
    with pytest.raises(ExceptionNeedsLegalGround):
        report_decided().record_parents_informing_exception(
            ground="veiligheid_kind", explanation="", today=TODAY, by=ACT
        )


def test_a_report_about_a_pupil_of_12_or_older_is_refused_until_the_pupil_is_informed() -> None:
    case = report_decided()
    inform_parents(case)
    twelfth_birthday = date(TODAY.year - 12, TODAY.month, TODAY.day)
    with pytest.raises(ChildOver12MustBeInformed):
        notify(case, born=twelfth_birthday)
    inform_child(case)
    notify(case, born=twelfth_birthday)
    assert case.step is Step.REPORTED


def test_a_pupil_who_turns_12_after_the_reporting_date_need_not_be_informed() -> None:
    case = report_decided()
    inform_parents(case)
    notify(case, born=date(TODAY.year - 12, TODAY.month, TODAY.day) + timedelta(days=1))
    notified = case.pending_events[-1]
    assert isinstance(notified, Case.AmkNotified)
    assert notified.pupil_age_on_report == 11


def test_a_recorded_exception_for_a_pupil_of_12_or_older_allows_the_report() -> None:
    case = report_decided()
    inform_parents(case)
    case.record_child_informing_exception(
        ground="ontwikkelingsniveau", explanation="Ernstige verstandelijke beperking.", today=TODAY, by=ACT
    )
    notify(case, born=BORN_13_YEARS_AGO)
    assert case.step is Step.REPORTED


def test_informing_the_parents_of_a_report_is_refused_when_no_report_was_decided() -> None:
    with pytest.raises(ReportNotDecided):
        inform_parents(help_decided())


def test_the_obligations_say_exactly_what_is_still_needed_before_the_report() -> None:
    case = report_decided()
    assert [o.code for o in case.missing_for_report()] == ["ouders_informeren", "kind_informeren_vanaf_12"]
    assert [o.code for o in case.missing_for_report(pupil_date_of_birth=BORN_11_YEARS_AGO, on=TODAY)] == [
        "ouders_informeren"
    ]
    inform_parents(case)
    assert case.missing_for_report(pupil_date_of_birth=BORN_11_YEARS_AGO, on=TODAY) == []
    assert "Informeer de ouders over de voorgenomen melding" in errors_text(report_decided())


def errors_text(case: Case) -> str:
    return " ".join(o.text for o in case.open_obligations())


# --- rule 9: backed by facts ----------------------------------------------------------------------------


def test_a_report_without_signals_is_refused() -> None:
    case = report_decided()
    inform_parents(case)
    with pytest.raises(ReportNeedsSignals):
        notify(case, signal_ids=[])


def test_a_report_referring_to_signals_of_another_case_is_refused() -> None:
    case = report_decided()
    inform_parents(case)
    with pytest.raises(ReportSignalsOfAnotherCase):
        notify(case, signal_ids=[case.signal_ids[0], uuid.uuid4()])


# --- rule 10: on name, anonymity by exception ----------------------------------------------------------


def test_anonymity_on_a_legal_ground_with_an_argument_marks_the_report_anonymous_to_the_family() -> None:
    case = report_decided()
    case.agree_reporter_anonymity(
        ground="bedreiging_melder_of_collegas",
        argument="Vader bedreigde eerder een leerkracht.",
        today=TODAY,
        by=ACT,
    )
    inform_parents(case)
    notify(case)
    notified = case.pending_events[-1]
    assert isinstance(notified, Case.AmkNotified)
    assert notified.reporter_anonymous_to_family is True


def test_a_report_is_on_name_by_default() -> None:
    notified = reported().pending_events[-1]
    assert isinstance(notified, Case.AmkNotified)
    assert notified.reporter_anonymous_to_family is False


def test_anonymity_without_an_argument_is_refused() -> None:
    with pytest.raises(AnonymityNeedsLegalGround) as refused:
        report_decided().agree_reporter_anonymity(
            ground="verstoring_relatie_gezin", argument="", today=TODAY, by=ACT
        )
    assert refused.value.rule == "rule-10-anonymity-legal-ground"


def test_anonymity_on_a_ground_outside_the_three_legal_grounds_is_refused() -> None:
    with pytest.raises(UnknownChoice):
        report_decided().agree_reporter_anonymity(
            ground="liever_niet", argument="De melder wil liever anoniem blijven.", today=TODAY, by=ACT
        )


# --- rule 11: feedback --------------------------------------------------------------------------------


def test_feedback_from_veilig_thuis_before_any_report_is_refused() -> None:
    with pytest.raises(FeedbackBeforeReport):
        report_decided().receive_veilig_thuis_feedback(
            received_on=TODAY, steps_taken="x", today=TODAY, by=ACT
        )


def test_feedback_after_the_report_settles_the_feedback_obligation() -> None:
    case = reported()
    assert "terugkoppeling_veilig_thuis" in codes(case)
    case.receive_veilig_thuis_feedback(
        received_on=TODAY, steps_taken="Gezin uitgenodigd.", today=TODAY, by=ACT
    )
    assert "terugkoppeling_veilig_thuis" not in codes(case)


# --- rule 12: follow-up ----------------------------------------------------------------------------------


def test_follow_up_before_the_decided_report_is_refused() -> None:
    case = report_decided()
    organise_help(case)
    with pytest.raises(FollowUpBeforeReport):
        case.assign_care_coordinator(coordinator_id="smw-1", today=TODAY, by=ACT)


def test_an_evaluation_date_must_lie_after_today() -> None:
    case = help_decided()
    organise_help(case)
    case.assign_care_coordinator(coordinator_id="smw-1", today=TODAY, by=ACT)
    with pytest.raises(EvaluationDateNotAfterToday):
        case.schedule_follow_up(evaluation_on=TODAY, today=TODAY, by=ACT)


def test_an_evaluation_without_lasting_safety_reopens_the_decision_and_the_next_one_must_report() -> None:
    case = help_decided()
    organise_help(case)
    follow_up(case)
    case.evaluate_follow_up(lasting_safety=False, findings="Nieuwe verwondingen gezien.", today=TODAY, by=ACT)
    assert case.step is Step.WEIGHED
    assert codes(case) == ["besluit_opnieuw_melden"]
    with pytest.raises(NoLastingSafetyRequiresReport):
        decide(case, Answers(True, False, True, True), Outcome.HELP)
    decide(case, Answers(True, False, True, True, False), Outcome.REPORT)
    assert case.step is Step.DECIDED
    assert "ouders_informeren" in codes(case)


# --- rule 13: closing ------------------------------------------------------------------------------------


def test_closing_without_a_reason_is_refused() -> None:
    with pytest.raises(CloseNeedsReason):
        opened().close(reason="", today=TODAY, by=ACT)


def test_closing_before_any_weighing_is_allowed_with_a_reason() -> None:
    case = talked()
    case.close(reason="Zorgen ontkracht in het gesprek met de ouders.", today=TODAY, by=ACT)
    assert case.step is Step.CLOSED


def test_closing_after_the_weighing_needs_a_decision() -> None:
    with pytest.raises(CloseNeedsDecision):
        weighed().close(reason="Het gaat inmiddels beter thuis.", today=TODAY, by=ACT)


def test_closing_after_help_is_refused_until_an_evaluation_found_lasting_safety() -> None:
    case = help_decided()
    organise_help(case)
    follow_up(case)
    with pytest.raises(EvaluationBeforeClosingAfterHelp):
        case.close(reason="Hulp loopt goed volgens de ouders.", today=TODAY, by=ACT)
    case.evaluate_follow_up(lasting_safety=True, findings="Veilig.", today=TODAY, by=ACT)
    case.close(reason="Blijvende veiligheid vastgesteld.", today=TODAY, by=ACT)
    assert case.step is Step.CLOSED


def test_closing_an_acute_or_structurally_unsafe_case_without_a_report_is_refused() -> None:
    case = report_decided()
    with pytest.raises(UnsafeCaseNeedsReport) as refused:
        case.close(reason="Ouders willen geen bemoeienis.", today=TODAY, by=ACT)
    assert refused.value.rule == "rule-13-unsafety-not-closed-without-report"


def test_a_closed_case_refuses_further_steps_and_can_be_reopened_without_losing_anything() -> None:
    case = weighed(suspicion=False)
    decide(case, Answers(False), "no_suspicion_close", who_reports=None)
    case.close(reason="Geen vermoeden na weging.", today=TODAY, by=ACT)
    before = len(case.pending_events)
    with pytest.raises(CaseClosedAlready):
        talked(case)
    case.reopen(reason="Nieuwe signalen van de leerkracht.", today=TODAY, by=ACT)
    assert case.step is Step.WEIGHED
    assert case.decision_round.decision is None
    assert len(case.pending_events) == before + 1


# --- rule 14: moving school -------------------------------------------------------------------------------


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


def left(case: Case) -> Case:
    case.record_pupil_left_school(left_on=TODAY, destination_school="34CD", today=TODAY, by=ACT)
    return case


def test_a_transfer_with_a_legal_basis_hands_the_case_to_the_new_school() -> None:
    case = left(talked())
    assert codes(case)[0] == "overdracht"
    transfer(case)
    assert (case.school, case.case_owner_id) == ("34CD", "ib-34cd")
    moved = case.pending_events[-1]
    assert isinstance(moved, Case.CaseTransferred)
    assert (moved.school, moved.to_school) == ("12AB", "34CD")
    assert "overdracht" not in codes(case)


def test_a_transfer_without_a_legal_basis_is_refused() -> None:
    with pytest.raises(TransferNeedsLegalBasis) as refused:
        transfer(left(talked()), legal_basis=None)
    assert refused.value.rule == "rule-14-transfer-legal-basis"


def test_a_transfer_outside_the_samenwerkingsverband_is_refused() -> None:
    with pytest.raises(TransferOutsideSamenwerkingsverband):
        transfer(left(talked()), to_school_tenant="swv-noord")


def test_a_transfer_to_a_school_the_registry_does_not_know_is_refused_and_changes_nothing() -> None:
    case = left(talked())
    with pytest.raises(TransferToUnknownSchool) as refused:
        transfer(case, to_school="99ZZ", to_school_tenant=None)
    assert refused.value.rule == "rule-14-known-school"
    assert "99ZZ" in refused.value.message
    assert case.school == "12AB" and case.transfers == 0


def test_a_transfer_before_the_pupil_left_is_refused() -> None:
    with pytest.raises(TransferNeedsPupilLeft):
        transfer(talked())


# --- errors ---------------------------------------------------------------------------------------------


def test_every_domain_error_names_a_stable_rule_and_a_status() -> None:
    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, DomainError)]
    for cls in classes:
        assert cls.status in (403, 404, 409, 422), cls
        if cls not in (DomainError, errors.StateConflict, errors.InvalidContent):
            assert cls.rule != "domain", cls
