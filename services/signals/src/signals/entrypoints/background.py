"""The retention job (rule 16): erases the personal data of pupils whose retention term has passed.

Runs in the service (a loop in its lifespan: every replica looks now and then, and under a
PostgreSQL advisory lock one of them runs when the last completed run is `retention_interval_seconds`
ago, by the database's clock) and as `meldcode-signals retention run [--dry-run]`.

A run catches up the departures projection from the event store, reads the candidates whose term
may have passed, lets the domain rule decide about each (today = the Dutch calendar day) and erases
each due pupil through `SignalsApplication.erase_personal_data` as the system, with the reason
`bewaartermijn_verstreken`. The `PersonalDataErased` event is the durable record; the log and the
`retention_runs` row hold ids and counts only. A pupil that fails is logged and retried next run.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import anyio
import asyncpg
from fastapi import FastAPI

from meldcode_contracts import ErasureReason, Role
from meldcode_servicekit.acting import Acting
from meldcode_servicekit.clock import school_today
from meldcode_servicekit.db import create_pool
from meldcode_servicekit.hashchain import events_table, install_hash_chain
from meldcode_servicekit.keystore import connect_key_store
from meldcode_servicekit.logging import get_logger
from meldcode_servicekit.migrations import migrate_pool

from ..adapters import open_cases, retention_store
from ..adapters.migrations import MIGRATIONS
from ..adapters.retention_store import RETENTION_LOCK, RunCounts
from ..application import SignalsApplication
from ..config import Settings
from ..domain.retention import NotDue, RetentionTerms, why_not_due

log = get_logger(__name__)

"""Signals' own tables besides the event store: the open cases and the retention projection."""

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


@asynccontextmanager
async def retention_lock(pool: asyncpg.Pool) -> AsyncIterator[bool]:
    """A session advisory lock on a connection of its own: True when this process got it."""
    async with pool.acquire() as conn:
        got = bool(await conn.fetchval("select pg_try_advisory_lock(hashtext($1))", RETENTION_LOCK))
        try:
            yield got
        finally:
            if got:
                await conn.execute("select pg_advisory_unlock(hashtext($1))", RETENTION_LOCK)


class RetentionJob:
    def __init__(
        self,
        application: SignalsApplication,
        pool: asyncpg.Pool,
        terms: RetentionTerms,
        *,
        batch_size: int = 100,
    ) -> None:
        self._app = application
        self._pool = pool
        self._terms = terms
        self._batch_size = batch_size

    async def run(
        self,
        *,
        today: date | None = None,
        dry_run: bool = False,
        trigger: str = "cli",
        should_stop: Callable[[], bool] = lambda: False,
    ) -> RetentionReport:
        """One run under the advisory lock; raises RetentionBusy when another run holds it."""
        async with retention_lock(self._pool) as got:
            if not got:
                raise RetentionBusy("another retention run is in progress")
            return await self._run(today or school_today(), dry_run, trigger, should_stop)

    async def run_if_due(
        self, interval_seconds: float, should_stop: Callable[[], bool]
    ) -> RetentionReport | None:
        """The scheduled run: only by the replica that holds the lock, and only when it is time."""
        async with retention_lock(self._pool) as got:
            if not got or not await retention_store.run_is_due(self._pool, interval_seconds):
                return None
            return await self._run(school_today(), False, "schedule", should_stop)

    async def _run(
        self, today: date, dry_run: bool, trigger: str, should_stop: Callable[[], bool]
    ) -> RetentionReport:
        report = RetentionReport(run_id=uuid.uuid4(), today=today, dry_run=dry_run)
        caught_up = await retention_store.catch_up(self._pool, self._app)
        await retention_store.start_run(
            self._pool, report.run_id, trigger=trigger, dry_run=dry_run, today=today
        )
        log.info(
            "retention_run_started",
            run_id=str(report.run_id),
            trigger=trigger,
            dry_run=dry_run,
            today=today.isoformat(),
            departures_caught_up=caught_up,
        )
        after: uuid.UUID | None = None
        while not report.stopped:
            batch = await retention_store.candidates(
                self._pool, self._terms, today, after=after, limit=self._batch_size
            )
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
            if len(batch) < self._batch_size:
                break
            after = batch[-1].pupil_id
        await retention_store.finish_run(self._pool, report.run_id, report.counts())
        counts = report.counts()
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
        if await open_cases.has_open_case(self._pool, pupil_id):
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
        await retention_store.mark_erased(self._pool, pupil_id, erasure.erased_on)
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


async def _schedule(job: RetentionJob, interval: float, stop: asyncio.Event) -> None:
    tick = min(interval, 300.0)
    while not stop.is_set():
        try:
            await job.run_if_due(interval, stop.is_set)
        except Exception as exc:
            log.warning("retention_round_failed", error_type=type(exc).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=tick)


@asynccontextmanager
async def retention_work(app: FastAPI, settings: Settings) -> AsyncIterator[RetentionJob]:
    """The periodic retention run, after `runtime.database` and the application; on shutdown a
    run in progress stops after the pupil it is erasing."""
    job = RetentionJob(
        app.state.signals, app.state.pool, settings.retention(), batch_size=settings.retention_batch_size
    )
    app.state.retention = job
    stop = asyncio.Event()
    task = asyncio.create_task(
        _schedule(job, settings.retention_interval_seconds, stop), name="signals-retention"
    )
    try:
        yield job
    finally:
        stop.set()
        await task


async def run_retention_once(
    settings: Settings, *, dry_run: bool, today: date | None = None
) -> RetentionReport:
    """`meldcode-signals retention run`: one run beside (or without) the running service. The
    erasure events it stores are published by the service's outbox relay."""
    keystore = await anyio.to_thread.run_sync(connect_key_store, settings)
    try:
        application = await anyio.to_thread.run_sync(
            lambda: SignalsApplication(settings.database_url, keystore=keystore)
        )
        try:
            pool = await create_pool(settings.database_url, max_size=3)
            try:
                await migrate_pool(pool, MIGRATIONS)
                await install_hash_chain(pool, events_table(application))
                job = RetentionJob(
                    application, pool, settings.retention(), batch_size=settings.retention_batch_size
                )
                return await job.run(today=today, dry_run=dry_run, trigger="cli")
            finally:
                await pool.close()
        finally:
            application.close()
    finally:
        await anyio.to_thread.run_sync(keystore.close)
