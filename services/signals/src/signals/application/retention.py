"""The retention use case (rule 16): erase the personal data of pupils whose retention term has passed.

A run catches up the departures from the event store, reads the candidates whose term may have
passed, lets the domain rule decide about each (today = the Dutch calendar day) and erases each
due pupil through `SignalsApplication.erase_personal_data` as the system, with the reason
`bewaartermijn_verstreken`. The `PersonalDataErased` event is the durable record; the log and the
run's record hold ids and counts only. A pupil that fails is logged and retried next run. One run
works at a time, under the store's lock.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import anyio

from meldcode_contracts import Role
from meldcode_edge.acting import Acting
from meldcode_edge.logging import get_logger

from ..commands import EraseForRetention
from ..domain.erasure import ErasureReason
from ..domain.retention import NotDue, RetentionTerms, RunCounts, why_not_due
from .ports import RetentionStore
from .signals_application import SignalsApplication

log = get_logger(__name__)

RETENTION_ACTOR = "meldcode-signals-retention"
"""The user id the erasures of the job are recorded under (role `system`)."""


class RetentionBusy(Exception):
    """Another replica or operator is running the retention job right now."""


@dataclass
class RetentionReport:
    run_id: uuid.UUID
    today: date
    dry_run: bool
    candidates: int = 0
    due: list[uuid.UUID] = field(default_factory=list)
    erased: list[uuid.UUID] = field(default_factory=list)
    kept_case_open: list[uuid.UUID] = field(default_factory=list)
    failed: list[uuid.UUID] = field(default_factory=list)
    stopped: bool = False

    def counts(self) -> RunCounts:
        return RunCounts(
            candidates=self.candidates,
            due=len(self.due),
            erased=len(self.erased),
            kept_case_open=len(self.kept_case_open),
            failed=len(self.failed),
        )

    def as_json(self) -> dict[str, Any]:
        """Pseudonymous ids and counts only."""
        return {
            "run_id": str(self.run_id),
            "today": self.today.isoformat(),
            "dry_run": self.dry_run,
            "candidates": self.candidates,
            "due": [str(p) for p in self.due],
            "erased": [str(p) for p in self.erased],
            "kept_case_open": [str(p) for p in self.kept_case_open],
            "failed": [str(p) for p in self.failed],
            "stopped": self.stopped,
        }


# (done, total): how far a run is, for the operator's progress bar (`meldcode-signals retention run`).
Progress = Callable[[int, int | None], None]


def no_progress(done: int, total: int | None) -> None:
    """A run without a terminal (the schedule) reports its progress nowhere."""


def never_stop() -> bool:
    return False


class Retention:
    def __init__(
        self,
        application: SignalsApplication,
        store: RetentionStore,
        terms: RetentionTerms,
        *,
        batch_size: int = 100,
    ) -> None:
        self._app = application
        self._store = store
        self._terms = terms
        self._batch_size = batch_size

    async def erase_for_retention(
        self,
        command: EraseForRetention,
        *,
        should_stop: Callable[[], bool] = never_stop,
        progress: Progress = no_progress,
    ) -> RetentionReport:
        """One run under the lock; raises RetentionBusy when another run holds it."""
        async with self._store.lock() as got:
            if not got:
                raise RetentionBusy("another retention run is in progress")
            return await self._run(command, should_stop, progress)

    async def erase_for_retention_if_due(
        self, command: EraseForRetention, *, interval_seconds: float, should_stop: Callable[[], bool]
    ) -> RetentionReport | None:
        """The scheduled run: only by the replica that holds the lock, and only when the last
        completed run is `interval_seconds` ago."""
        async with self._store.lock() as got:
            if not got or not await self._store.run_is_due(interval_seconds):
                return None
            return await self._run(command, should_stop)

    async def _run(
        self, command: EraseForRetention, should_stop: Callable[[], bool], progress: Progress = no_progress
    ) -> RetentionReport:
        today, dry_run = command.today, command.dry_run
        report = RetentionReport(run_id=uuid.uuid4(), today=today, dry_run=dry_run)
        caught_up = await self._store.catch_up()
        await self._store.start_run(report.run_id, trigger=command.trigger, dry_run=dry_run, today=today)
        log.info(
            "retention_run_started",
            run_id=str(report.run_id),
            trigger=command.trigger,
            dry_run=dry_run,
            today=today.isoformat(),
            departures_caught_up=caught_up,
        )
        total = await self._store.count_candidates(self._terms, today)
        progress(0, total)
        after: uuid.UUID | None = None
        while not report.stopped:
            batch = await self._store.candidates(self._terms, today, after=after, limit=self._batch_size)
            for candidate in batch:
                if should_stop():
                    report.stopped = True
                    break
                report.candidates += 1
                reason = why_not_due(candidate, today, self._terms)
                if reason is NotDue.CASE_OPEN:
                    report.kept_case_open.append(candidate.pupil_id)
                elif reason is None:
                    report.due.append(candidate.pupil_id)
                    if not dry_run:
                        await self._erase(report, candidate.pupil_id, candidate.tenant)
                progress(report.candidates, max(total, report.candidates))
            if len(batch) < self._batch_size:
                break
            after = batch[-1].pupil_id
        counts = report.counts()
        await self._store.finish_run(report.run_id, counts)
        log.info(
            "retention_run_finished",
            run_id=str(report.run_id),
            dry_run=dry_run,
            candidates=counts.candidates,
            due=counts.due,
            erased=counts.erased,
            kept_case_open=counts.kept_case_open,
            failed=counts.failed,
            stopped=report.stopped,
        )
        return report

    async def _erase(self, report: RetentionReport, pupil_id: uuid.UUID, tenant: str) -> None:
        # Asked again right before erasing: a case opened since the candidates were read wins.
        if await self._store.has_open_case(pupil_id):
            report.kept_case_open.append(pupil_id)
            report.due.remove(pupil_id)
            return
        acting = Acting(
            user_id=RETENTION_ACTOR,
            role=Role.SYSTEM.value,
            tenant=tenant,
            correlation_id=f"retention-{report.run_id}",
        )
        try:
            erasure = await anyio.to_thread.run_sync(
                lambda: self._app.erase_personal_data(
                    pupil_id, reason=ErasureReason.RETENTION_EXPIRED, acting=acting
                )
            )
        except Exception as exc:
            report.failed.append(pupil_id)
            log.error(
                "retention_erasure_failed",
                run_id=str(report.run_id),
                pupil_id=str(pupil_id),
                error_type=type(exc).__name__,
            )
            return
        await self._store.mark_erased(pupil_id, erasure.erased_on)
        if erasure.repeated:
            # Erased on request since the projection was caught up: nothing left to do.
            report.due.remove(pupil_id)
            return
        report.erased.append(pupil_id)
        log.info(
            "retention_pupil_erased",
            run_id=str(report.run_id),
            pupil_id=str(pupil_id),
            reason=ErasureReason.RETENTION_EXPIRED.value,
        )
