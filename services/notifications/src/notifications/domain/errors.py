"""Domain errors of notifications: each names its rule and says it in Dutch."""

from __future__ import annotations


class DomainError(Exception):
    """Something the task rules do not allow. `rule` is stable for programs, the message is for users."""

    rule = "domain"
    status = 422

    def __init__(self, message: str) -> None:
        super().__init__(message)


class TaskNotFound(DomainError):
    rule = "task-not-found"
    status = 404

    def __init__(self) -> None:
        super().__init__("Deze taak bestaat niet.")


class NotYourTask(DomainError):
    """A task is completed only by someone it is shown to (see `access.can_see`)."""

    rule = "task-of-someone-else"
    status = 403

    def __init__(self) -> None:
        super().__init__("Deze taak is niet aan u of uw rol op uw school toegewezen.")


class TaskAlreadyDone(DomainError):
    rule = "task-done-once"
    status = 409

    def __init__(self) -> None:
        super().__init__("Deze taak is al afgerond.")


class TaskNotDone(DomainError):
    rule = "task-reopen-only-done"
    status = 409

    def __init__(self) -> None:
        super().__init__("Deze taak staat nog open; er is niets ongedaan te maken.")


class UndoNotAllowed(DomainError):
    """Only the person who completed a task undoes it, and only shortly after (see `access`)."""

    rule = "task-undo-window"
    status = 409

    def __init__(self, minutes: int) -> None:
        super().__init__(
            "Afronden kan alleen ongedaan worden gemaakt door wie de taak afrondde, binnen "
            f"{minutes} minuten. Een taak die door een stap in de zaak is afgerond, blijft afgerond."
        )
