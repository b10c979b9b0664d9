"""The school's case list: each case with the step it stands in and its one case owner (rule 4).

The step follows the state machine of casework (`casework.domain.case`, the source of truth):

    geopend ──conversation held / skipped──▶ gesprek_ouders ──RiskWeighed──▶ weging
    weging ──DecisionMade──▶ besluit ──AmkNotified──▶ melding
    besluit | melding ──CareCoordinatorAssigned──▶ volgen (FollowUpScheduled keeps it there)
    volgen ──FollowUpEvaluated(decision reopened)──▶ weging
    any open step ──CaseClosed──▶ gesloten ──CaseReopened──▶ weging
                                              (or the step before closing, if never weighed)

A parents conversation held or skipped later (step 3 recurs at every step) does not move a case
back. The other events (owner changed, help organised, informing, anonymity, feedback, JGZ
consultation requested / result received, handed over to the JGZ, pupil left school, transfer)
leave the step as it is.

Each case event is first reduced to a `CaseChange`: the few facts the case list needs, none of
them personal. The case row is then *folded* from all changes of the case in their sequence
order (`case_row`), so the row comes out the same however often, and in whatever order, the
events were applied, and the same as after a rebuild from the event log.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Final

from meldcode_contracts import (
    AmkNotified,
    CaseOpened,
    CaseOwnerChanged,
    CaseTransferred,
    DecisionMade,
    Envelope,
    FollowUpEvaluated,
    FollowUpScheduled,
    PupilLeftSchool,
)
from meldcode_contracts.cases import CasePayload


class CaseStep(StrEnum):
    """Where a case stands in the six steps of the Meldcode, as casework names it."""

    OPENED = "geopend"
    PARENTS_CONVERSATION = "gesprek_ouders"
    WEIGHED = "weging"
    DECIDED = "besluit"
    REPORTED = "melding"
    FOLLOW_UP = "volgen"
    CLOSED = "gesloten"


STEP_LABELS: Final[Mapping[str, str]] = {
    CaseStep.OPENED: "Stap 2: zaak geopend na collegiale consultatie",
    CaseStep.PARENTS_CONVERSATION: "Stap 3: gesprek met ouders gevoerd of overgeslagen; weging volgt",
    CaseStep.WEIGHED: "Stap 4: weging en risicotaxatie in het zorgteam; besluit volgt",
    CaseStep.DECIDED: "Stap 5: besluit volgens het afwegingskader genomen",
    CaseStep.REPORTED: "Stap 5: gemeld bij Veilig Thuis",
    CaseStep.FOLLOW_UP: "Stap 6: hulp volgen en evalueren met de zorgcoördinator",
    CaseStep.CLOSED: "Zaak gesloten",
}


def step_label(step: str) -> str:
    """The Dutch description of a step for screens; unknown (newer) steps are shown as they are."""
    return STEP_LABELS.get(step, step)


class ChangeType(StrEnum):
    """The case events that change something in the case list besides `last_event_at`."""

    OPENED = "CaseOpened"
    OWNER_CHANGED = "CaseOwnerChanged"
    CONVERSATION_HELD = "ParentsConversationHeld"
    CONVERSATION_SKIPPED = "ParentsConversationSkipped"
    RISK_WEIGHED = "RiskWeighed"
    DECISION_MADE = "DecisionMade"
    AMK_NOTIFIED = "AmkNotified"
    CARE_COORDINATOR_ASSIGNED = "CareCoordinatorAssigned"
    FOLLOW_UP_SCHEDULED = "FollowUpScheduled"
    FOLLOW_UP_EVALUATED = "FollowUpEvaluated"
    CLOSED = "CaseClosed"
    REOPENED = "CaseReopened"
    PUPIL_LEFT_SCHOOL = "PupilLeftSchool"
    TRANSFERRED = "CaseTransferred"
    # Not step-changing, but the open obligations of a case depend on them:
    PARENTS_INFORMED = "ParentsInformed"
    PARENTS_INFORMING_EXCEPTION = "ParentsInformingExceptionRecorded"
    CHILD_INFORMED = "ChildInformed"
    CHILD_INFORMING_EXCEPTION = "ChildInformingExceptionRecorded"
    FEEDBACK_RECEIVED = "VeiligThuisFeedbackReceived"


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
    """The day the event names: reported_on, left_on, transferred_on or (FollowUpScheduled) evaluation_on."""
    to_school: str | None = None
    decision_reopened: bool = False


@dataclass(frozen=True)
class CaseRow:
    """One row of a school's case list. Holds ids, dates and codes only: no personal data."""

    case_id: uuid.UUID
    tenant: str
    school: str
    """The school whose case it is now (after a transfer: the new school)."""
    pupil_id: uuid.UUID
    step: str
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
    weighed: bool = False
    """The case was weighed at least once: a reopened case goes back to `weging`."""
    step_before_close: str | None = None
    last_sequence: int = 0
    step_since: datetime | None = None
    """When the case reached its current step (the event that moved it there)."""
    parents_informed: bool = False
    """Parents informed of the intended report, or an exception recorded (current decision)."""
    child_informed: bool = False
    """Pupil informed of the report, or an exception recorded (current decision)."""
    reported_for_decision: bool = False
    """The current decision's report to Veilig Thuis was made."""
    feedback_received: bool = False
    """Veilig Thuis gave its feedback after the latest report."""
    evaluation_on: date | None = None
    """The scheduled evaluation of the help (current decision)."""
    evaluated: bool = False
    """The scheduled evaluation took place."""

    @property
    def is_open(self) -> bool:
        return self.step != CaseStep.CLOSED

    @property
    def reported(self) -> bool:
        return self.reports > 0


def case_change(event: Envelope) -> CaseChange | None:
    """The case-list change of a casework event, or None for events of other aggregates."""
    payload = getattr(event, "payload", None)
    if not isinstance(payload, CasePayload):
        return None
    change = CaseChange(
        event_id=event.event_id,
        event_type=event.event_type,
        case_id=payload.case_id,
        tenant=event.tenant,
        school=event.school,
        pupil_id=payload.pupil_id,
        occurred_at=event.occurred_at,
        sequence=event.sequence,
    )
    if isinstance(event, CaseOpened):
        o = event.payload
        return replace(change, owner_id=o.case_owner_id, signal_ids=tuple(o.signal_ids))
    if isinstance(event, CaseOwnerChanged):
        return replace(change, owner_id=event.payload.new_owner_id)
    if isinstance(event, DecisionMade):
        return replace(change, outcome=event.payload.outcome)
    if isinstance(event, AmkNotified):
        return replace(change, day=event.payload.reported_on)
    if isinstance(event, FollowUpEvaluated):
        return replace(change, decision_reopened=event.payload.decision_reopened)
    if isinstance(event, PupilLeftSchool):
        return replace(change, day=event.payload.left_on)
    if isinstance(event, CaseTransferred):
        t = event.payload
        return replace(change, owner_id=t.new_case_owner_id, day=t.transferred_on, to_school=t.to_school)
    if isinstance(event, FollowUpScheduled):
        return replace(change, day=event.payload.evaluation_on)
    return change


def opened(change: CaseChange) -> CaseRow:
    """The row a CaseOpened starts: step `geopend`."""
    return CaseRow(
        case_id=change.case_id,
        tenant=change.tenant,
        school=change.school,
        pupil_id=change.pupil_id,
        step=CaseStep.OPENED,
        case_owner_id=change.owner_id or "",
        signal_ids=change.signal_ids,
        opened_at=change.occurred_at,
        last_event_at=change.occurred_at,
        last_sequence=change.sequence,
        step_since=change.occurred_at,
    )


def _forget_decision(row: CaseRow) -> CaseRow:
    """A new or reopened decision starts its preparations and follow-up afresh (as casework does)."""
    return replace(
        row,
        outcome=None,
        parents_informed=False,
        child_informed=False,
        reported_for_decision=False,
        evaluation_on=None,
        evaluated=False,
    )


def advance(row: CaseRow, change: CaseChange) -> CaseRow:
    """The row after one more event of the case (casework's state machine, see the module doc).

    A change the row already went past (same or lower sequence) changes nothing.
    """
    if change.sequence <= row.last_sequence:
        return row
    after = _advance(row, change)
    if after.step != row.step:
        after = replace(after, step_since=change.occurred_at)
    return after


def _advance(row: CaseRow, change: CaseChange) -> CaseRow:
    row = replace(
        row,
        last_event_at=max(row.last_event_at, change.occurred_at),
        last_sequence=change.sequence,
    )
    match change.event_type:
        case ChangeType.OWNER_CHANGED:
            return replace(row, case_owner_id=change.owner_id or row.case_owner_id)
        case ChangeType.CONVERSATION_HELD | ChangeType.CONVERSATION_SKIPPED:
            if row.step == CaseStep.OPENED:
                return replace(row, step=CaseStep.PARENTS_CONVERSATION)
            return row
        case ChangeType.RISK_WEIGHED:
            return replace(row, step=CaseStep.WEIGHED, weighed=True)
        case ChangeType.DECISION_MADE:
            return replace(_forget_decision(row), step=CaseStep.DECIDED, outcome=change.outcome)
        case ChangeType.PARENTS_INFORMED | ChangeType.PARENTS_INFORMING_EXCEPTION:
            return replace(row, parents_informed=True)
        case ChangeType.CHILD_INFORMED | ChangeType.CHILD_INFORMING_EXCEPTION:
            return replace(row, child_informed=True)
        case ChangeType.AMK_NOTIFIED:
            return replace(
                row,
                step=CaseStep.REPORTED,
                reported_on=change.day,
                reports=row.reports + 1,
                reported_for_decision=True,
                feedback_received=False,
            )
        case ChangeType.FEEDBACK_RECEIVED:
            return replace(row, feedback_received=True)
        case ChangeType.CARE_COORDINATOR_ASSIGNED:
            return replace(row, step=CaseStep.FOLLOW_UP)
        case ChangeType.FOLLOW_UP_SCHEDULED:
            return replace(row, step=CaseStep.FOLLOW_UP, evaluation_on=change.day, evaluated=False)
        case ChangeType.FOLLOW_UP_EVALUATED:
            if change.decision_reopened:
                return replace(_forget_decision(row), step=CaseStep.WEIGHED, evaluated=True)
            return replace(row, evaluated=True)
        case ChangeType.CLOSED:
            return replace(row, step_before_close=row.step, step=CaseStep.CLOSED)
        case ChangeType.REOPENED:
            back = CaseStep.WEIGHED if row.weighed else (row.step_before_close or CaseStep.OPENED)
            return replace(_forget_decision(row), step=back)
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
