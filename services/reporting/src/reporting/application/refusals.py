"""What a use case refuses with; the HTTP entrypoints turn each into its problem body."""

from __future__ import annotations


class Refused(Exception):
    """A refusal with a Dutch message for the user and the rule id it cites."""

    def __init__(self, detail: str, *, rule: str) -> None:
        super().__init__(detail)
        self.detail = detail
        self.rule = rule


class NotKnown(Refused):
    """The pupil or case is unknown, or not to be revealed to this caller (ADR 11)."""


class Unanswerable(Refused):
    """The question cannot be answered as asked (a period that ends before it starts, ...)."""


def unknown_pupil() -> NotKnown:
    return NotKnown("Deze leerling is niet bekend.", rule="pupil-not-found")


def unknown_case() -> NotKnown:
    return NotKnown("Deze zaak is niet bekend.", rule="case-not-found")
