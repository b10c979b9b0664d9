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
