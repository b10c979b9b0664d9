"""Queries of pupils and their chronology: the chronology screen, the parents' export, the teacher's
pupil search and own signals."""

from __future__ import annotations

import json
import uuid

import asyncpg

from ..domain.chronology import ChronologyEntry, RecordedSignal, StoredEntry
from ..domain.pupils import PupilRow, display_name
from .records import pupil_of


class PupilReads:
    """The pupils and chronology read models."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def find_pupil(self, pupil_id: uuid.UUID) -> PupilRow | None:
        record = await self._pool.fetchrow("select * from pupils where pupil_id = $1", pupil_id)
        return pupil_of(record) if record is not None else None

    async def chronology_of(self, tenant: str, pupil_id: uuid.UUID) -> list[StoredEntry]:
        """The pupil's entries in time order: occurred_at, then sequence (event id breaks ties)."""
        records = await self._pool.fetch(
            """select * from chronology where tenant = $1 and pupil_id = $2
               order by occurred_at, sequence, event_id""",
            tenant,
            pupil_id,
        )
        return [
            StoredEntry(
                entry=ChronologyEntry(
                    event_id=r["event_id"],
                    tenant=r["tenant"],
                    school=r["school"],
                    pupil_id=r["pupil_id"],
                    event_type=r["event_type"],
                    occurred_at=r["occurred_at"],
                    sequence=r["sequence"],
                    actor_id=r["actor_id"],
                    actor_role=r["actor_role"],
                    facts=json.loads(r["body"]),
                    observed_on=r["observed_on"],
                    signal_id=r["signal_id"],
                    case_id=r["case_id"],
                ),
                corrections=r["corrections"],
                latest_correction_id=r["latest_correction_id"],
            )
            for r in records
        ]

    async def search_pupils(self, tenant: str, school: str, query: str, *, limit: int = 20) -> list[PupilRow]:
        """Pupils of one school whose name or leerlingnummer contains `query` (case-insensitive)."""
        pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        records = await self._pool.fetch(
            """select * from pupils
               where tenant = $1 and school = $2
                 and (given_name || ' ' || family_name ilike $3 or pupil_number ilike $3)
               order by family_name, given_name, pupil_id
               limit $4""",
            tenant,
            school,
            pattern,
            limit,
        )
        return [pupil_of(r) for r in records]

    async def signals_recorded_by(
        self, tenant: str, school: str, actor_id: str, *, limit: int = 200
    ) -> list[RecordedSignal]:
        """The signals `actor_id` recorded at `school`, as last corrected, the latest observation
        first; each with its pupil, how many cases cite it and the advice for the teacher they hold."""
        records = await self._pool.fetch(
            """select c.signal_id, c.pupil_id, coalesce(lc.observed_on, c.observed_on) as observed_on,
                      c.occurred_at, c.corrections, coalesce(lc.body, c.body) as body,
                      p.given_name, p.family_name, p.pupil_number, p.date_of_birth,
                      coalesce(cardinality(citing.case_ids), 0) as cases_citing,
                      coalesce(advice.texts, '{}') as teacher_advice
               from chronology c
               left join chronology lc on lc.event_id = c.latest_correction_id
               left join pupils p on p.pupil_id = c.pupil_id
               left join lateral (
                   select array_agg(distinct cc.case_id) as case_ids from case_changes cc
                   where cc.signal_ids @> array[c.signal_id]
                     and cc.event_type in ('CaseOpened', 'CaseSignalsAdded')
               ) citing on true
               left join lateral (
                   select array_agg(h.body ->> 'teacher_advice' order by h.occurred_at, h.sequence) as texts
                   from chronology h
                   where h.case_id = any(citing.case_ids) and h.event_type = 'HelpOrganised'
                     and coalesce(h.body ->> 'teacher_advice', '') <> ''
               ) advice on true
               where c.tenant = $1 and c.school = $2 and c.actor_id = $3 and c.event_type = 'SignalRecorded'
               order by coalesce(lc.observed_on, c.observed_on) desc nulls last, c.occurred_at desc, c.event_id
               limit $4""",
            tenant,
            school,
            actor_id,
            limit,
        )
        return [
            RecordedSignal(
                signal_id=r["signal_id"],
                pupil_id=r["pupil_id"],
                pupil_display_name=display_name(r["given_name"], r["family_name"])
                if r["given_name"] is not None
                else None,
                observed_on=r["observed_on"],
                occurred_at=r["occurred_at"],
                corrections=r["corrections"],
                facts=json.loads(r["body"]),
                pupil_number=r["pupil_number"],
                pupil_birth_year=r["date_of_birth"].year if r["date_of_birth"] is not None else None,
                cases_citing=r["cases_citing"],
                teacher_advice=tuple(r["teacher_advice"]),
            )
            for r in records
        ]
