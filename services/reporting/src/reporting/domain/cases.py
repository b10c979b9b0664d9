"""The school's case list: each case with the step and the open obligations casework published,
and its one case owner (rule 4).

Casework owns the rules (docs/adr/0018-casework-owns-the-rules.md): it decides the step of a case
and its open obligations with their due days, and publishes them as `CaseObligationsChanged` after
every command that changes them. Reporting keeps the latest of those (highest sequence) and derives
none of it; the only thing it computes is whether a due day has passed (`is_overdue`). A case whose
history has no `CaseObligationsChanged` yet (written before casework published it) has no known
step (None, shown as "onbekend") and no obligations until casework publishes them.

The other events give facts only: the owner, the outcome of the current decision, the reports to
Veilig Thuis, the pupil leaving the school, a transfer.

Each case event is first reduced to a `CaseChange`: the few facts the case list needs, none of
them personal. The case row is then *folded* from all changes of the case in their sequence
order (`case_row`), so the row comes out the same however often, and in whatever order, the
events were applied, and the same as after a rebuild from the event log.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Final

from meldcode_vocabulary import CaseStep, step_label


class ChangeType(StrEnum):
    """The case events that change something in the case list besides `last_event_at`."""

    OPENED = "CaseOpened"
    OWNER_CHANGED = "CaseOwnerChanged"
    DECISION_MADE = "DecisionMade"
    AMK_NOTIFIED = "AmkNotified"
    FOLLOW_UP_EVALUATED = "FollowUpEvaluated"
    REOPENED = "CaseReopened"
    PUPIL_LEFT_SCHOOL = "PupilLeftSchool"
    TRANSFERRED = "CaseTransferred"
    OBLIGATIONS_CHANGED = "CaseObligationsChanged"
    """Casework's step and open obligations of the case."""


UNKNOWN_STEP_LABEL: Final = "Stap nog onbekend (nog niet door de zaakbehandeling doorgegeven)"


def shown_step_label(step: str | None) -> str:
    """The Dutch description of a published step; a case without one says so."""
    return step_label(step) if step is not None else UNKNOWN_STEP_LABEL


@dataclass(frozen=True)
class Obligation:
    """An open obligation as casework published it: an `ObligationKind` code (a code this version
    does not know is kept as it is) and its due day, if it has a term."""

    kind: str
    due_on: date | None = None


def is_overdue(obligation: Obligation, today: date) -> bool:
    """The only thing a reader computes: the due day (Dutch calendar) has passed."""
    return obligation.due_on is not None and today > obligation.due_on


@dataclass(frozen=True)
class CaseChange:
    """What one case event means for the case list. Ids, dates and codes only: no personal data."""

    event_id: uuid.UUID
    event_type: str
    case_id: uuid.UUID
    tenant: str
    school: str
    """The case's school at the time of the event (for a transfer: the school it leaves)."""
    pupil_id: uuid.UUID
    occurred_at: datetime
    sequence: int
    owner_id: str | None = None
    """The case owner after the event (opened, owner changed, transferred)."""
    signal_ids: tuple[uuid.UUID, ...] = ()
    outcome: str | None = None
    """The decision's outcome (DecisionMade)."""
    day: date | None = None
    """The day the event names: reported_on, left_on or transferred_on."""
    to_school: str | None = None
    decision_reopened: bool = False
    step: str | None = None
    """The step casework published (CaseObligationsChanged)."""
    obligations: tuple[Obligation, ...] = ()
    """The open obligations casework published (CaseObligationsChanged)."""


@dataclass(frozen=True)
class CaseRow:
    """One row of a school's case list. Holds ids, dates and codes only: no personal data."""

    case_id: uuid.UUID
    tenant: str
    school: str
    """The school whose case it is now (after a transfer: the new school)."""
    pupil_id: uuid.UUID
    step: str | None
    """The step casework published last; None while casework has published none for the case."""
    case_owner_id: str
    signal_ids: tuple[uuid.UUID, ...]
    opened_at: datetime
    last_event_at: datetime
    outcome: str | None = None
    """Outcome of the current decision; None before a decision and after it was reopened."""
    reported_on: date | None = None
    """Day of the latest report to Veilig Thuis."""
    reports: int = 0
    pupil_left_school: bool = False
    left_school_on: date | None = None
    transferred_from: str | None = None
    """The school the case was last handed over from."""
    transferred_on: date | None = None
    last_sequence: int = 0
    step_since: datetime | None = None
    """When casework published the current step (None while the step is unknown)."""
    obligations: tuple[Obligation, ...] = ()
    """The open obligations casework published last, in its order."""

    @property
    def is_open(self) -> bool:
        return self.step != CaseStep.CLOSED

    @property
    def reported(self) -> bool:
        return self.reports > 0


@dataclass(frozen=True)
class SchoolCase:
    """A row of the case list with the pupil's name, when reporting knows the pupil."""

    case: CaseRow
    pupil_display_name: str | None


def opened(change: CaseChange) -> CaseRow:
    """The row a CaseOpened starts: the step is unknown until casework publishes it."""
    return CaseRow(
        case_id=change.case_id,
        tenant=change.tenant,
        school=change.school,
        pupil_id=change.pupil_id,
        step=None,
        case_owner_id=change.owner_id or "",
        signal_ids=change.signal_ids,
        opened_at=change.occurred_at,
        last_event_at=change.occurred_at,
        last_sequence=change.sequence,
    )


def advance(row: CaseRow, change: CaseChange) -> CaseRow:
    """The row after one more event of the case. A change the row already went past (same or
    lower sequence) changes nothing."""
    if change.sequence <= row.last_sequence:
        return row
    row = replace(
        row,
        last_event_at=max(row.last_event_at, change.occurred_at),
        last_sequence=change.sequence,
    )
    match change.event_type:
        case ChangeType.OBLIGATIONS_CHANGED:
            since = row.step_since if change.step == row.step else change.occurred_at
            return replace(row, step=change.step, obligations=change.obligations, step_since=since)
        case ChangeType.OWNER_CHANGED:
            return replace(row, case_owner_id=change.owner_id or row.case_owner_id)
        case ChangeType.DECISION_MADE:
            return replace(row, outcome=change.outcome)
        case ChangeType.AMK_NOTIFIED:
            return replace(row, reported_on=change.day, reports=row.reports + 1)
        case ChangeType.FOLLOW_UP_EVALUATED if change.decision_reopened:
            return replace(row, outcome=None)
        case ChangeType.REOPENED:
            return replace(row, outcome=None)
        case ChangeType.PUPIL_LEFT_SCHOOL:
            return replace(row, pupil_left_school=True, left_school_on=change.day)
        case ChangeType.TRANSFERRED:
            return replace(
                row,
                school=change.to_school or row.school,
                case_owner_id=change.owner_id or row.case_owner_id,
                transferred_from=change.school,
                transferred_on=change.day,
                pupil_left_school=False,
                left_school_on=None,
            )
        case _:
            return row


def case_row(changes: Iterable[CaseChange]) -> CaseRow | None:
    """The case row folded from all changes of one case, in sequence order; None before it opened.

    Duplicates (same event id) count once, so the result does not depend on how often or in what
    order the changes were stored.
    """
    unique = {c.event_id: c for c in changes}.values()
    row: CaseRow | None = None
    for change in sorted(unique, key=lambda c: (c.sequence, c.occurred_at, str(c.event_id))):
        if change.event_type == ChangeType.OPENED:
            row = opened(change) if row is None else row
        elif row is not None:
            row = advance(row, change)
    return row
