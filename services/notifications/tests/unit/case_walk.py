"""One case walked through the application with the in-memory store, for the unit tests of the
case's tasks: its events, casework's publications, and the tasks they leave."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from notifications import application
from notifications.domain.cases import (
    CaseEvent,
    CaseEventType,
    Detail,
    ObligationsPublished,
    PublishedObligation,
)
from notifications.domain.decisions import CaseNoticed
from notifications.domain.tasks import SYSTEM, Task, TaskKind

from .fakes import InMemoryTaskStore

TENANT = "swv-zuid"
SCHOOL = "12AB"
OPENED_AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)  # a Monday
PUPIL = uuid.uuid4()
T = CaseEventType


def published(step: str, *obligations: str | tuple[str, date | None]) -> ObligationsPublished:
    """Casework's step and open obligations: each a kind, or a (kind, due day) pair."""
    return ObligationsPublished(
        step,
        tuple(PublishedObligation(o) if isinstance(o, str) else PublishedObligation(*o) for o in obligations),
    )


def end_of(day: date) -> datetime:
    """The end of a Dutch winter-time day, in UTC."""
    return datetime(day.year, day.month, day.day, 23, 0, tzinfo=UTC)


class Case:
    """One case walked through the application with the in-memory store; each step an hour later."""

    def __init__(self, owner: str = "ib-1") -> None:
        self.store = InMemoryTaskStore()
        self.case_id = uuid.uuid4()
        self.owner = owner
        self.at = OPENED_AT

    async def open(self) -> CaseNoticed:
        fact = CaseNoticed(
            event_id=uuid.uuid4(),
            occurred_at=self.at,
            tenant=TENANT,
            school=SCHOOL,
            case_id=self.case_id,
            pupil_id=PUPIL,
            signal_ids=(uuid.uuid4(),),
            case_owner_id=self.owner,
        )
        await application.case_opened(self.store, fact)
        return fact

    def event(
        self, type: CaseEventType, detail: Detail | None = None, at: datetime | None = None
    ) -> CaseEvent:
        self.at = at or self.at + timedelta(hours=1)
        return CaseEvent(
            type=type,
            event_id=uuid.uuid4(),
            occurred_at=self.at,
            tenant=TENANT,
            school=SCHOOL,
            case_id=self.case_id,
            pupil_id=PUPIL,
            detail=detail,
        )

    async def record(
        self, type: CaseEventType, detail: Detail | None = None, at: datetime | None = None
    ) -> CaseEvent:
        fact = self.event(type, detail, at)
        await application.case_event(self.store, fact)
        return fact

    async def publish(self, step: str, *obligations: str | tuple[str, date | None]) -> CaseEvent:
        """Casework's `CaseObligationsChanged` after a command."""
        return await self.record(T.OBLIGATIONS_CHANGED, published(step, *obligations))

    def of_kind(self, kind: TaskKind) -> list[Task]:
        return sorted(
            (t for t in self.store.tasks.values() if t.kind is kind), key=lambda t: (t.created_at, t.task_id)
        )

    def only(self, kind: TaskKind) -> Task:
        [task] = self.of_kind(kind)
        return task


async def opened_case(owner: str = "ib-1") -> Case:
    case = Case(owner)
    await case.open()
    return case


def done_by(task: Task, event: CaseEvent) -> bool:
    done = task.completion
    return done is not None and (done.completed_by, done.fulfilled_by_event_id, done.completed_at) == (
        SYSTEM,
        event.event_id,
        event.occurred_at,
    )
