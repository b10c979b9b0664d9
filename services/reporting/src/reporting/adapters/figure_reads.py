"""Queries of aggregate figures and of the access log: the dashboards' facts, the NEN 7513 log."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import asyncpg

from ..domain.access import AccessEntry
from ..domain.cases import CaseChange
from ..domain.dashboard import DashboardFacts, StepPeriod, step_periods
from .records import access_of, case_change_of


class FigureReads:
    """The dashboards' counts and the access log."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def dashboard_facts(
        self,
        tenant: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> DashboardFacts:
        """The counts behind the dashboards of a samenwerkingsverband, per school and calendar month
        (Dutch time): every school's, since each dashboard is cut from the whole grid.

        Events count when they happened in [since, until); open cases are those open now.
        """
        args = (tenant, since, until)
        where = """tenant = $1
                   and ($2::timestamptz is null or occurred_at >= $2)
                   and ($3::timestamptz is null or occurred_at < $3)"""
        month = "(date_trunc('month', occurred_at at time zone 'Europe/Amsterdam'))::date as month"
        signals = await self._pool.fetch(
            f"""select school, {month}, count(*)::int as n from chronology
                where {where} and event_type = 'SignalRecorded' group by school, month""",  # noqa: S608
            *args,
        )
        open_cases = await self._pool.fetch(
            """select school, step, count(*)::int as n from school_cases
               where tenant = $1 and step <> 'gesloten'
               group by school, step""",
            tenant,
        )
        changes = await self._pool.fetch(
            f"""select school, {month}, event_type, outcome,
                       count(distinct case_id)::int as cases, count(*)::int as n
                from case_changes
                where {where} and event_type in ('DecisionMade', 'AmkNotified', 'PupilLeftSchool')
                group by school, month, event_type, outcome""",  # noqa: S608
            *args,
        )
        decisions, reports, left = _tally_case_changes(changes)
        return DashboardFacts(
            signals_recorded={(r["school"], r["month"]): r["n"] for r in signals},
            open_cases={(r["school"], r["step"]): r["n"] for r in open_cases},
            decisions=decisions,
            reports=reports,
            pupils_left=left,
            periods=await self._step_periods(tenant, since, until),
        )

    async def _step_periods(
        self, tenant: str, since: datetime | None, until: datetime | None
    ) -> list[StepPeriod]:
        """How long each case of the samenwerkingsverband stayed in each step, for the periods that
        ended in [since, until)."""
        history = await self._pool.fetch(
            "select * from case_changes where tenant = $1 order by case_id, sequence",
            tenant,
        )
        by_case: dict[uuid.UUID, list[CaseChange]] = {}
        for r in history:
            by_case.setdefault(r["case_id"], []).append(case_change_of(r))
        return [
            p
            for case_changes in by_case.values()
            for p in step_periods(case_changes)
            if (since is None or p.left_at >= since) and (until is None or p.left_at < until)
        ]

    async def access_log_entries(
        self,
        tenant: str,
        *,
        pupil_id: uuid.UUID | None = None,
        user_id: str | None = None,
        between: tuple[datetime, datetime] | None = None,
        limit: int,
        offset: int,
    ) -> list[AccessEntry]:
        """The samenwerkingsverband's access log for one pupil, one employee or one period; newest first."""
        records = await self._pool.fetch(
            """select * from access_log
               where tenant = $1
                 and ($2::uuid is null or pupil_id = $2)
                 and ($3::text is null or user_id = $3)
                 and ($4::timestamptz is null or occurred_at >= $4)
                 and ($5::timestamptz is null or occurred_at < $5)
               order by occurred_at desc, access_id
               limit $6 offset $7""",
            tenant,
            pupil_id,
            user_id,
            between[0] if between else None,
            between[1] if between else None,
            limit,
            offset,
        )
        return [access_of(r) for r in records]


def _tally_case_changes(
    changes: list[Any],
) -> tuple[dict[tuple[str, date, str], int], dict[tuple[str, date], int], dict[tuple[str, date], int]]:
    """Decisions per outcome, reports and pupils who left, per school and month, from the grouped
    `case_changes` rows."""
    decisions: dict[tuple[str, date, str], int] = {}
    reports: dict[tuple[str, date], int] = {}
    left: dict[tuple[str, date], int] = {}
    for r in changes:
        if r["event_type"] == "DecisionMade":
            key = (r["school"], r["month"], r["outcome"] or "")
            decisions[key] = decisions.get(key, 0) + r["n"]
        elif r["event_type"] == "AmkNotified":
            reports[(r["school"], r["month"])] = reports.get((r["school"], r["month"]), 0) + r["n"]
        else:
            left[(r["school"], r["month"])] = left.get((r["school"], r["month"]), 0) + r["cases"]
    return decisions, reports, left
