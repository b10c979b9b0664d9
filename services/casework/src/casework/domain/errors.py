"""Domain errors of casework (steps 2-6): each names the Meldcode rule it enforces and says it in Dutch."""

from __future__ import annotations


class DomainError(Exception):
    """A command the Meldcode does not allow. `rule` is stable for programs, the message is for users."""

    rule = "domain"
    status = 422

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CaseNotFound(DomainError):
    rule = "case-not-found"
    status = 404


class CaseNeedsSignals(DomainError):
    """Rule 4 (and 9): a case is opened from one or more recorded signals."""

    rule = "rule-4-case-from-signals"


class UnknownSignals(DomainError):
    rule = "rule-4-signals-recorded"

    def __init__(self, signal_ids: list[str]) -> None:
        super().__init__(
            "Deze signalen zijn (nog) niet bekend bij de zaakbehandeling: " + ", ".join(signal_ids) + "."
        )
        self.signal_ids = signal_ids
        self.details = {"unknown_signal_ids": signal_ids}


class SignalsOfAnotherPupil(DomainError):
    rule = "rule-4-signals-of-this-pupil"


class OnlyCareStaffOpensCases(DomainError):
    """Rule 4: a case is opened by an IB'er / aandachtsfunctionaris."""

    rule = "rule-4-opened-by-ib"
    status = 403


# --- shared ----------------------------------------------------------------------------------------


class StateConflict(DomainError):
    """A command in the wrong order or state: HTTP 409."""

    status = 409


class InvalidContent(DomainError):
    """A command with missing or invalid content: HTTP 422."""

    status = 422


class CaseClosedAlready(StateConflict):
    """Rule 13: a closed case takes no further steps until it is reopened."""

    rule = "rule-13-case-closed"


class DateInFuture(InvalidContent):
    rule = "dates-not-in-future"


class UnknownChoice(InvalidContent):
    """A value outside a fixed list (a reason, ground, discipline, outcome ...)."""

    rule = "fixed-choice"


# --- rule 4: one case owner -------------------------------------------------------------------------


class CaseOwnerUnchanged(InvalidContent):
    rule = "rule-4-one-case-owner"


class InvitationNeedsMember(InvalidContent):
    rule = "zorgteam-invitation-needs-member"


class AlreadyInvited(StateConflict):
    rule = "zorgteam-already-invited"


class NotInvited(StateConflict):
    rule = "zorgteam-not-invited"


# --- rule 5: parents first --------------------------------------------------------------------------


class ParentsConversationFirst(StateConflict):
    rule = "rule-5-parents-conversation-before-weighing"


class ConversationNeedsContent(InvalidContent):
    rule = "rule-5-parents-conversation-recorded"


class SkipNeedsReason(InvalidContent):
    rule = "rule-5-skip-reason"


# --- rule 6: weighing -------------------------------------------------------------------------------


class WeighingNeedsTwoDisciplines(InvalidContent):
    rule = "rule-6-two-disciplines"


class WeighingNeedsContent(InvalidContent):
    rule = "rule-6-nature-severity-risk"


class WeighingAnswersInconsistent(InvalidContent):
    rule = "rule-6-afwegingskader-questions-1-2"


class WeighingAfterDecision(StateConflict):
    rule = "rule-6-weighing-before-decision"


# --- rule 7: decision by the afwegingskader ---------------------------------------------------------


class NoDecisionBeforeWeighing(StateConflict):
    rule = "rule-7-decision-after-weighing"


class DecisionAlreadyMade(StateConflict):
    rule = "rule-7-one-decision-at-a-time"


class DecisionNeedsAnswers(InvalidContent):
    rule = "rule-7-afwegingskader-answered-in-order"


class DecisionContradictsWeighing(InvalidContent):
    rule = "rule-7-decision-matches-weighing"


class DecisionContradictsAnswers(InvalidContent):
    rule = "rule-7-outcome-matches-answers"


class AcuteUnsafetyRequiresReport(InvalidContent):
    rule = "rule-7-acute-or-structural-unsafety-requires-report"


class AfwegingskaderRequiresReport(InvalidContent):
    """Questions 3, 4 or 5 answered "no": the afwegingskader says report."""

    rule = "rule-7-afwegingskader-requires-report"


class NoLastingSafetyRequiresReport(InvalidContent):
    rule = "rule-12-no-lasting-safety-report-again"


class DecisionNeedsReasons(InvalidContent):
    rule = "rule-7-decision-reasons"


class DecisionNeedsWhoReports(InvalidContent):
    rule = "rule-7-who-reports"


class DecisionNeedsWhoInformsParents(InvalidContent):
    rule = "rule-7-who-informs-parents"


class HelpNotDecided(StateConflict):
    rule = "rule-7-help-as-decided"


class HelpNeedsContent(InvalidContent):
    rule = "rule-7-help-described"


# --- rule 8-10: before and at the report ------------------------------------------------------------


class ReportNotDecided(StateConflict):
    rule = "rule-8-report-as-decided"


class ReportAlreadyMade(StateConflict):
    rule = "rule-8-report-made-once-per-decision"


class ReportNeedsParentsInformed(StateConflict):
    rule = "rule-8-parents-informed-before-report"


class ChildOver12MustBeInformed(StateConflict):
    rule = "rule-8-child-12-plus-informed-before-report"


class InformingNeedsContent(InvalidContent):
    rule = "rule-8-informing-recorded"


class ExceptionNeedsLegalGround(InvalidContent):
    rule = "rule-8-exception-legal-ground"


class ReportNeedsSignals(InvalidContent):
    rule = "rule-9-report-backed-by-signals"


class ReportSignalsOfAnotherCase(InvalidContent):
    rule = "rule-9-signals-of-this-case"


class ReportNeedsContent(InvalidContent):
    rule = "rule-9-report-content"


class SignalsToAddNeeded(InvalidContent):
    """Rule 9: adding signals to a case names at least one."""

    rule = "rule-9-signals-to-add"


class UnknownSignalsToAdd(UnknownSignals):
    """Rule 9: only signals casework knows (from the signals service) are added to a case."""

    rule = "rule-9-added-signals-recorded"


class AddedSignalsOfAnotherPupil(InvalidContent):
    """Rule 9: a case's signals are all about its pupil, at its school."""

    rule = "rule-9-added-signals-of-this-pupil"


class SignalsAlreadyInCase(StateConflict):
    rule = "rule-9-signals-already-in-case"

    def __init__(self, signal_ids: list[str]) -> None:
        super().__init__("Deze signalen horen al bij de zaak: " + ", ".join(signal_ids) + ".")
        self.details = {"signal_ids_in_case": signal_ids}


class ReporterNotAsDecided(InvalidContent):
    rule = "rule-7-reporter-as-decided"


class DateOfBirthInvalid(InvalidContent):
    rule = "rule-8-date-of-birth"


class DateOfBirthUnknown(StateConflict):
    """Whether the pupil must be told first (12+) cannot be decided without the date of birth."""

    rule = "rule-8-date-of-birth-known"


class AnonymityNeedsLegalGround(InvalidContent):
    rule = "rule-10-anonymity-legal-ground"


# --- rule 11-12: feedback and follow-up -------------------------------------------------------------


class FeedbackBeforeReport(StateConflict):
    rule = "rule-11-feedback-after-report"


class FeedbackBeforeReportDay(InvalidContent):
    rule = "rule-11-feedback-dated-after-report"


class FeedbackNeedsContent(InvalidContent):
    rule = "rule-11-feedback-recorded"


class FollowUpNeedsDecision(StateConflict):
    rule = "rule-12-follow-up-after-decision"


class FollowUpBeforeReport(StateConflict):
    rule = "rule-12-follow-up-after-report"


class FollowUpBeforeHelp(StateConflict):
    rule = "rule-12-follow-up-after-help-organised"


class FollowUpNeedsCareCoordinator(StateConflict):
    rule = "rule-12-care-coordinator-named"


class CareCoordinatorNeeded(InvalidContent):
    rule = "rule-12-care-coordinator-named"


class EvaluationDateNotAfterToday(InvalidContent):
    rule = "rule-12-evaluation-date-after-today"


class EvaluationNotScheduled(StateConflict):
    rule = "rule-12-evaluation-scheduled"


class EvaluationNeedsFindings(InvalidContent):
    rule = "rule-12-evaluation-findings"


# --- rule 13: closing and reopening -----------------------------------------------------------------


class CloseNeedsReason(InvalidContent):
    rule = "rule-13-close-reason"


class CloseNeedsDecision(StateConflict):
    rule = "rule-13-decision-before-closing"


class UnsafeCaseNeedsReport(StateConflict):
    rule = "rule-13-unsafety-not-closed-without-report"


class DecidedReportNotMade(StateConflict):
    rule = "rule-13-decided-report-before-closing"


class EvaluationBeforeClosingAfterHelp(StateConflict):
    rule = "rule-13-evaluation-before-closing-after-help"


class CaseNotClosed(StateConflict):
    rule = "rule-13-reopen-closed-case"


class ReopenNeedsReason(InvalidContent):
    rule = "rule-13-reopen-reason"


# --- rule 14: moving school -------------------------------------------------------------------------


class PupilAlreadyLeft(StateConflict):
    rule = "rule-14-pupil-left-once"


class TransferNeedsPupilLeft(StateConflict):
    rule = "rule-14-transfer-after-leaving"


class TransferNeedsLegalBasis(InvalidContent):
    rule = "rule-14-transfer-legal-basis"


class TransferOutsideSamenwerkingsverband(InvalidContent):
    rule = "rule-14-same-samenwerkingsverband"


class TransferToUnknownSchool(InvalidContent):
    rule = "rule-14-known-school"


class TransferToSameSchool(InvalidContent):
    rule = "rule-14-another-school"


# --- working with JGZ: consultation (rule 3) and hand-over on a recorded legal basis ----------------


class JgzConsultationNotByIbOrCaseOwner(DomainError):
    """Rule 3: the IB'er / aandachtsfunctionaris (or the case owner) consults the JGZ."""

    rule = "rule-3-jgz-consultation-by-ib-or-case-owner"
    status = 403


class JgzPartnerNotConfigured(StateConflict):
    """The samenwerkingsverband has no JGZ partner configured to send a request or hand-over to."""

    rule = "rule-3-jgz-partner-configured"


class JgzConsultationNeedsQuestion(InvalidContent):
    rule = "rule-3-jgz-consultation-question"


class JgzResultNeedsContent(InvalidContent):
    rule = "rule-3-jgz-consultation-advice-recorded"


class JgzResultForUnknownRequest(InvalidContent):
    rule = "rule-3-jgz-result-answers-a-request-of-this-case"


class JgzHandoverNeedsLegalBasis(InvalidContent):
    """The case file goes to JGZ only on a recorded legal basis (like a hand-over under rule 14)."""

    rule = "rule-14-jgz-handover-legal-basis"


class JgzHandoverNeedsSummary(InvalidContent):
    rule = "rule-14-jgz-handover-summary"


# --- rule 17: people from the school's staff directory ------------------------------------------------

ROLE_NAMES = {
    "leerkracht": "leerkracht",
    "intern_begeleider": "intern begeleider",
    "zorgteam": "zorgteamlid",
    "beheerder": "beheerder",
    "auditor": "auditor",
    "system": "systeem",
}


class PersonNotInStaffDirectory(StateConflict):
    """Rule 17: a person a command names is listed in the school's staff directory (once it has one)."""

    rule = "rule-17-person-in-staff-directory"

    def __init__(self, user_id: str, school: str) -> None:
        super().__init__(
            f"{user_id} staat niet in het personeelsoverzicht van school {school}; kies iemand die "
            "op die school werkt (regel 17)."
        )
        self.details = {"user_id": user_id, "school": school}


class ZorgteamMemberNotCareStaff(StateConflict):
    """Rule 17: a zorgteam member is listed at the school as care staff (IB'er or zorgteamlid)."""

    rule = "rule-17-zorgteam-member-is-care-staff"

    def __init__(self, user_id: str, school: str, role: str) -> None:
        super().__init__(
            f"{user_id} staat in het personeelsoverzicht van school {school} als "
            f"{ROLE_NAMES.get(role, role)}; het zorgteam weegt en besluit met de intern begeleider en "
            "zorgprofessionals. Nodig een zorgteamlid uit (regel 17)."
        )
        self.details = {"user_id": user_id, "school": school, "role": role}
