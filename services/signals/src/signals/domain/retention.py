"""Retention (rule 16): when a pupil's personal data is due for erasure.

A samenwerkingsverband sets its own term; the default is two years after the pupil left school.
A pupil is due from the day `left_on + term` (that day included), as long as the pupil's data is
not erased yet and no case about the pupil is open. A pupil who never left school is never due.
Pure: "today" is the Dutch calendar day, given by the caller.
"""

from __future__ import annotations

import calendar
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

MAX_YEARS = 100

DEFAULT_KEY = "default"
"""The key of the default term in the terms setting; every other key is a samenwerkingsverband."""

_DURATION = re.compile(r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<days>\d+)D)?$")


class InvalidRetentionTerm(ValueError):
    """A term that is not an ISO-8601 duration of years, months and days (e.g. P2Y, P18M, P1Y6M)."""


@dataclass(frozen=True, order=True)
class Term:
    """A calendar term: whole years, months and days (no hours: retention counts school days)."""

    years: int = 0
    months: int = 0
    days: int = 0

    def __post_init__(self) -> None:
        if min(self.years, self.months, self.days) < 0:
            raise InvalidRetentionTerm("a retention term cannot be negative")
        if self.years * 12 + self.months > 12 * MAX_YEARS or self.days > 366 * MAX_YEARS:
            raise InvalidRetentionTerm(f"a retention term longer than {MAX_YEARS} years is not a term")

    @classmethod
    def parse(cls, text: str) -> Term:
        match = _DURATION.match(text.strip().upper())
        if match is None:
            raise InvalidRetentionTerm(
                f"{text!r} is not an ISO-8601 duration of years, months and days (e.g. P2Y, P18M)"
            )
        return cls(**{name: int(value) for name, value in match.groupdict().items() if value})

    def iso(self) -> str:
        parts = [(self.years, "Y"), (self.months, "M"), (self.days, "D")]
        return "P" + ("".join(f"{n}{unit}" for n, unit in parts if n) or "0D")

    def after(self, day: date) -> date:
        """`day` plus this term; a month end that does not exist becomes the last day of the month
        (29 February plus one year is 28 February)."""
        months = day.month - 1 + self.months + 12 * self.years
        year, month = day.year + months // 12, months % 12 + 1
        last = calendar.monthrange(year, month)[1]
        return date(year, month, min(day.day, last)) + timedelta(days=self.days)

    def latest_due_left_on(self, today: date) -> date:
        """A left-on date no due pupil lies after: a cheap, safe bound for selecting candidates
        (a few days generous at month ends; the rule itself decides exactly)."""
        before = today - timedelta(days=self.days)
        months = before.month - 1 - self.months - 12 * self.years
        year, month = before.year + months // 12, months % 12 + 1
        last = calendar.monthrange(year, month)[1]
        return date(year, month, min(before.day, last)) + timedelta(days=3)


TWO_YEARS = Term(years=2)


@dataclass(frozen=True)
class RetentionTerms:
    """The term per samenwerkingsverband, and the default for the others."""

    default: Term = TWO_YEARS
    per_tenant: Mapping[str, Term] = field(default_factory=dict)

    @classmethod
    def parse(cls, setting: Mapping[str, str], *, default: Term = TWO_YEARS) -> RetentionTerms:
        """From the setting's JSON object: `{"default": "P2Y", "swv-zuid": "P3Y", ...}`; `default`
        when the setting names none."""
        terms = {key: Term.parse(value) for key, value in setting.items()}
        default = terms.pop(DEFAULT_KEY, default)
        return cls(default=default, per_tenant=terms)

    def term_for(self, tenant: str) -> Term:
        return self.per_tenant.get(tenant, self.default)


@dataclass(frozen=True)
class RetentionCandidate:
    """What the rule needs to know about one pupil."""

    pupil_id: uuid.UUID
    tenant: str
    left_on: date | None
    erased: bool
    has_open_case: bool


@dataclass(frozen=True)
class RunCounts:
    """What one run of the retention job found and did (counts only: no personal data)."""

    candidates: int
    due: int
    erased: int
    kept_case_open: int
    failed: int


class NotDue(StrEnum):
    """Why a pupil is not due (for counts in the job's log)."""

    AT_SCHOOL = "at_school"
    TERM_RUNNING = "term_running"
    ALREADY_ERASED = "already_erased"
    CASE_OPEN = "case_open"


def retention_ends_on(left_on: date, term: Term) -> date:
    """The first day on which the pupil's data may be erased."""
    return term.after(left_on)


def why_not_due(candidate: RetentionCandidate, today: date, terms: RetentionTerms) -> NotDue | None:
    """None when the pupil's personal data is due for erasure on `today`, else the reason it is not."""
    if candidate.erased:
        return NotDue.ALREADY_ERASED
    if candidate.left_on is None:
        return NotDue.AT_SCHOOL
    if today < retention_ends_on(candidate.left_on, terms.term_for(candidate.tenant)):
        return NotDue.TERM_RUNNING
    if candidate.has_open_case:
        return NotDue.CASE_OPEN
    return None


def is_due(candidate: RetentionCandidate, today: date, terms: RetentionTerms) -> bool:
    return why_not_due(candidate, today, terms) is None
