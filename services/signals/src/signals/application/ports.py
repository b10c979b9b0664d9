"""What the use cases need to know from elsewhere; `adapters/` implements these, unit tests fake them."""

from __future__ import annotations

import uuid
from contextlib import AbstractAsyncContextManager
from datetime import date
from typing import Protocol

from ..domain.retention import RetentionCandidate, RetentionTerms, RunCounts


class OpenCases(Protocol):
    """Which cases about a pupil are open (a projection of casework's events)."""

    async def has_open_case(self, pupil_id: uuid.UUID) -> bool: ...

    async def last_case_closed_on(self, pupil_id: uuid.UUID) -> date | None:
        """The Dutch calendar day the most recently closed case about the pupil was closed."""
        ...


class RetentionStore(Protocol):
    """The departures the retention job reads, the record of its runs, and its lock."""

    def lock(self) -> AbstractAsyncContextManager[bool]:
        """Held by one run at a time, across replicas: True when this run got it."""
        ...

    async def run_is_due(self, interval_seconds: float) -> bool:
        """Whether the last completed run (not a dry run) is at least `interval_seconds` ago."""
        ...

    async def catch_up(self) -> int:
        """Bring the departures up to date with the event store; returns how many events it applied."""
        ...

    async def candidates(
        self, terms: RetentionTerms, today: date, *, after: uuid.UUID | None, limit: int
    ) -> list[RetentionCandidate]:
        """Pupils not erased whose term may have passed, in pupil id order after `after`."""
        ...

    async def count_candidates(self, terms: RetentionTerms, today: date) -> int:
        """How many candidates a run starting now will look at (its progress)."""
        ...

    async def has_open_case(self, pupil_id: uuid.UUID) -> bool:
        """Asked again right before erasing: a case opened since the candidates were read wins."""
        ...

    async def mark_erased(self, pupil_id: uuid.UUID, erased_on: date) -> None: ...

    async def start_run(self, run_id: uuid.UUID, *, trigger: str, dry_run: bool, today: date) -> None: ...

    async def finish_run(self, run_id: uuid.UUID, counts: RunCounts) -> None: ...


class AttachmentStore(Protocol):
    """The sealed bytes of signals' attachments (what they are is in the signal's events)."""

    async def put(
        self,
        *,
        attachment_id: uuid.UUID,
        signal_id: uuid.UUID,
        pupil_id: uuid.UUID,
        tenant: str,
        school: str,
        sealed: bytes,
    ) -> None: ...

    async def sealed(self, attachment_id: uuid.UUID) -> bytes | None:
        """The sealed bytes, or None when none were stored under that id."""
        ...
