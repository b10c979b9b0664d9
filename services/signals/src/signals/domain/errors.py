"""Domain errors of steps 1-2: each names the Meldcode rule it enforces and says it in Dutch."""

from __future__ import annotations


class DomainError(Exception):
    """A command the Meldcode does not allow. `rule` is stable for programs, the message is for users."""

    rule = "domain"
    status = 422

    def __init__(self, message: str) -> None:
        super().__init__(message)


class StateConflict(DomainError):
    """A command in the wrong order or state: HTTP 409."""

    status = 409


class NotFound(DomainError):
    """Something this service does not know (or the caller may not know of): HTTP 404."""

    status = 404


class PersonalDataAlreadyErased(StateConflict):
    rule = "personal-data-already-erased"


class PersonalDataErasedForGood(DomainError):
    """Nothing new is recorded about a pupil whose personal data was erased."""

    rule = "personal-data-erased"
    status = 410


class PupilNotFound(NotFound):
    rule = "pupil-not-found"


class SignalNotFound(NotFound):
    rule = "signal-not-found"


class PupilAlreadyRegistered(StateConflict):
    rule = "pupil-already-registered"

    def __init__(self, pupil_id: str) -> None:
        super().__init__(f"Deze leerling is al geregistreerd (leerling-id {pupil_id}).")
        self.details = {"pupil_id": pupil_id}


class SignalNeedsFacts(DomainError):
    """Rule 1: a signal is a factual description, with its observation date and source."""

    rule = "rule-1-facts-not-opinions"


class SignalCorrectedOnlyByObserver(DomainError):
    """Rule 1: a signal holds its observer's words. Only the observer corrects it, or the IB'er
    (recorded as such), so every text has one known author. 422 like every Meldcode rule: the
    caller may use the route (403 is the route's door), the rule refuses this correction."""

    rule = "rule-1-correction-by-observer"


class SignalNotYetObserved(DomainError):
    rule = "rule-1-observed-date-not-in-future"


class ThirdPartySourceMustBeNamed(DomainError):
    rule = "rule-1-source-named"


class DateOfBirthInvalid(DomainError):
    rule = "pupil-date-of-birth"


class ConsultationNeedsContent(DomainError):
    """Rule 3: a consultation records who was consulted (role, organisation), when, and the advice."""

    rule = "rule-3-consultation-recorded"


class AdviceRequestIdentifiesPupil(DomainError):
    """Rule 3: an anonymous advice request to Veilig Thuis carries nothing that identifies the pupil."""

    rule = "rule-3-anonymous-advice-request"


class ConsultationNotFound(NotFound):
    rule = "consultation-not-found"


class PupilLeftOnInFuture(DomainError):
    """Rule 14: a pupil is deregistered on the day they left, not ahead of it."""

    rule = "rule-14-left-on-not-in-future"


class PupilAlreadyDeregistered(StateConflict):
    rule = "rule-14-already-deregistered"


class DestinationIsOwnSchool(DomainError):
    rule = "rule-14-destination-other-school"


class PupilNoLongerAtSchool(StateConflict):
    """Rule 14: after the pupil left, the old school records no signals observed later."""

    rule = "rule-14-pupil-left-school"


class ErasureWhileCaseOpen(StateConflict):
    """Rule 16: no erasure, neither after the retention term nor on request, while a case is open."""

    rule = "erasure-case-open"


class ErasureReasonNotOnRequest(DomainError):
    """Only a lawful request or a court order is erased on request; the retention term is the job's."""

    rule = "erasure-reason-on-request"


class ErasureRequestNotFound(NotFound):
    rule = "erasure-request-not-found"


class ErasureNeedsSecondPerson(DomainError):
    """Four eyes: an erasure on request is approved by another person of the other role (the IB'er
    approves the beheerder's request, or the other way round)."""

    rule = "erasure-four-eyes"


class ErasureTooSoonAfterClosing(StateConflict):
    """No erasure on request within the waiting period after a case about the pupil was closed,
    unless a court order (or the like) demands it."""

    rule = "erasure-waiting-period"

    def __init__(self, message: str, *, erasable_from: str) -> None:
        super().__init__(message)
        self.details = {"erasable_from": erasable_from}


class StaffNameMissing(DomainError):
    """The staff directory shows people by name: a listing without one is refused."""

    rule = "staff-name"


class StaffRoleNotListable(DomainError):
    rule = "staff-role"


class StaffEmailInvalid(DomainError):
    rule = "staff-email"


class StaffMemberNotFound(NotFound):
    rule = "staff-member-not-found"


class StaffImportMalformed(DomainError):
    """A staff import with a bad row is refused as a whole: nothing of it is listed."""

    rule = "staff-import-malformed"

    def __init__(self, message: str, *, rows: list[dict[str, object]]) -> None:
        super().__init__(message)
        self.rows = rows
        self.details = {"rows": rows}


class StaffSchoolOfOtherTenant(DomainError):
    """The school's directory is kept by another samenwerkingsverband."""

    rule = "tenant"
    status = 403


class AttachmentTypeRefused(DomainError):
    """Only photos (JPEG, PNG) and PDFs are kept, as their bytes say: nothing a browser would run."""

    rule = "attachment-type"
    status = 415


class AttachmentTooLarge(DomainError):
    rule = "attachment-too-large"
    status = 413


class AttachmentEmpty(DomainError):
    rule = "attachment-empty"


class AttachmentOnlyByObserver(DomainError):
    """Like a correction (rule 1): who recorded the signal, or the IB'er, adds to it."""

    rule = "rule-1-attachment-by-observer"


class AttachmentNotFound(NotFound):
    rule = "attachment-not-found"


class AttachmentErased(DomainError):
    """The pupil's personal data was erased: the attachment's key is gone with it (ADR 10)."""

    rule = "personal-data-erased"
    status = 410
