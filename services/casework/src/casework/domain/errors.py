"""Domain errors of steps 3-6: each names the Meldcode rule it enforces and says it in Dutch."""

from __future__ import annotations


class DomainError(Exception):
    """A command the Meldcode does not allow. `rule` is stable for programs, the message is for users."""

    rule = "domain"
    status = 422

    def __init__(self, message: str) -> None:
        super().__init__(message)


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
