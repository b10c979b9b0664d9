"""What the melding document and the JGZ messages need, projected from events into PostgreSQL.

Inside the consumer's transaction; every write is idempotent (keyed by the event's own ids), and a
signal's correction replaces the stored version only when it is newer (`version_at`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import asyncpg

from meldcode_contracts.jgz import PupilReference

from ..domain.melding import (
    ConsultationFact,
    DecisionFact,
    HelpFact,
    InformingFact,
    MeldingFile,
    PupilIdentity,
    SignalFact,
)
from .staff_contacts import names_of


async def remember_identity(
    conn: asyncpg.Connection, pupil_id: uuid.UUID, tenant: str, school: str, pupil: PupilIdentity
) -> None:
    await conn.execute(
        """insert into pupil_identity (pupil_id, tenant, school, given_name, family_name, date_of_birth,
               pupil_number)
           values ($1, $2, $3, $4, $5, $6, $7) on conflict (pupil_id) do nothing""",
        pupil_id,
        tenant,
        school,
        pupil.given_name,
        pupil.family_name,
        pupil.date_of_birth,
        pupil.pupil_number,
    )


async def pupil_reference(
    conn: asyncpg.Connection, tenant: str, school: str, pupil_id: uuid.UUID
) -> PupilReference:
    """What the JGZ partner gets to find the child; only the ids when the pupil is not known here."""
    row = await conn.fetchrow(
        """select given_name, family_name, date_of_birth, pupil_number from pupil_identity
           where pupil_id = $1 and tenant = $2""",
        pupil_id,
        tenant,
    )
    if row is None:
        return PupilReference(pupil_id=pupil_id, school=school)
    return PupilReference(pupil_id=pupil_id, school=school, **dict(row))


async def remember_signal(
    conn: asyncpg.Connection, tenant: str, pupil_id: uuid.UUID, fact: SignalFact, version_at: datetime
) -> None:
    await conn.execute(
        """insert into signal_facts (signal_id, tenant, pupil_id, observed_on, source_kind, source_name,
               description, categories, interpretation, corrected_on, version_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
           on conflict (signal_id) do update set observed_on = excluded.observed_on,
               source_kind = excluded.source_kind, source_name = excluded.source_name,
               description = excluded.description, categories = excluded.categories,
               interpretation = excluded.interpretation, corrected_on = excluded.corrected_on,
               version_at = excluded.version_at
           where signal_facts.tenant = excluded.tenant and signal_facts.version_at < excluded.version_at""",
        fact.signal_id,
        tenant,
        pupil_id,
        fact.observed_on,
        fact.source_kind,
        fact.source_name,
        fact.description,
        list(fact.categories),
        fact.interpretation,
        fact.corrected_on,
        version_at,
    )


async def remember_consultation(
    conn: asyncpg.Connection,
    tenant: str,
    consultation_id: uuid.UUID,
    pupil_id: uuid.UUID,
    fact: ConsultationFact,
) -> None:
    await conn.execute(
        """insert into consultations (consultation_id, tenant, pupil_id, consulted_on, consulted_name,
               consulted_role, organisation, advice)
           values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (consultation_id) do nothing""",
        consultation_id,
        tenant,
        pupil_id,
        fact.consulted_on,
        fact.consulted_name,
        fact.consulted_role,
        fact.organisation,
        fact.advice,
    )


async def remember_case_fact(
    conn: asyncpg.Connection,
    event_id: uuid.UUID,
    tenant: str,
    case_id: uuid.UUID,
    kind: str,
    occurred_at: datetime,
    data: dict[str, Any],
) -> None:
    await conn.execute(
        """insert into case_facts (event_id, tenant, case_id, kind, occurred_at, data)
           values ($1, $2, $3, $4, $5, $6::jsonb) on conflict (event_id) do nothing""",
        event_id,
        tenant,
        case_id,
        kind,
        occurred_at,
        json.dumps(data),
    )


async def request_melding_document(
    conn: asyncpg.Connection,
    *,
    document_id: uuid.UUID,
    report_event_id: uuid.UUID,
    tenant: str,
    school: str,
    case_id: uuid.UUID,
    pupil_id: uuid.UUID,
    reported_on: date,
    reported_at: datetime,
    report: dict[str, Any],
    now: datetime,
) -> None:
    """A pending document: the document worker builds it (outside the consumer's transaction)."""
    await conn.execute(
        """insert into melding_documents (document_id, report_event_id, tenant, school, case_id, pupil_id,
               reported_on, reported_at, report, created_at, next_attempt_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $10) on conflict (document_id) do nothing""",
        document_id,
        report_event_id,
        tenant,
        school,
        case_id,
        pupil_id,
        reported_on,
        reported_at,
        json.dumps(report),
        now,
    )


def _informing(data: dict[str, Any], names: Mapping[str, str]) -> InformingFact:
    by = data.get("by")
    return InformingFact(
        on=date.fromisoformat(data["on"]),
        informed=bool(data["informed"]),
        by=by,
        by_name=names.get(by) if by else None,
        ground=data.get("ground"),
        explanation=data.get("explanation"),
    )


async def _signals(
    conn: asyncpg.Connection, tenant: str, signal_ids: tuple[uuid.UUID, ...]
) -> tuple[SignalFact, ...]:
    rows = await conn.fetch(
        """select signal_id, observed_on, source_kind, source_name, description, categories, interpretation,
               corrected_on from signal_facts where tenant = $1 and signal_id = any($2::uuid[])""",
        tenant,
        list(signal_ids),
    )
    return tuple(
        SignalFact(
            signal_id=s["signal_id"],
            observed_on=s["observed_on"],
            source_kind=s["source_kind"],
            source_name=s["source_name"],
            description=s["description"],
            categories=tuple(s["categories"]),
            interpretation=s["interpretation"],
            corrected_on=s["corrected_on"],
        )
        for s in rows
    )


async def _consultations(
    conn: asyncpg.Connection, tenant: str, pupil_id: uuid.UUID, until: date
) -> tuple[ConsultationFact, ...]:
    rows = await conn.fetch(
        """select consulted_on, consulted_name, consulted_role, organisation, advice from consultations
           where tenant = $1 and pupil_id = $2 and consulted_on <= $3 order by consulted_on""",
        tenant,
        pupil_id,
        until,
    )
    return tuple(ConsultationFact(**dict(c)) for c in rows)


async def _case_facts(
    conn: asyncpg.Connection, tenant: str, case_id: uuid.UUID, until: datetime
) -> tuple[dict[str, dict[str, Any]], tuple[HelpFact, ...]]:
    """The latest fact of each kind up to `until`, and all the help organised until then."""
    facts = await conn.fetch(
        """select kind, data from case_facts where tenant = $1 and case_id = $2 and occurred_at <= $3
           order by occurred_at, event_id""",
        tenant,
        case_id,
        until,
    )
    latest: dict[str, dict[str, Any]] = {}
    help_: list[HelpFact] = []
    for fact in facts:
        data = json.loads(fact["data"]) if isinstance(fact["data"], str) else fact["data"]
        if fact["kind"] == "help":
            help_.append(
                HelpFact(
                    date.fromisoformat(data["organised_on"]), data["description"], tuple(data["providers"])
                )
            )
        else:
            latest[fact["kind"]] = data
    return latest, tuple(help_)


async def melding_file(conn: asyncpg.Connection, row: asyncpg.Record) -> MeldingFile:
    """Everything the document of the pending `melding_documents` row shows, as known now."""
    report = json.loads(row["report"]) if isinstance(row["report"], str) else row["report"]
    tenant, case_id, pupil_id = row["tenant"], row["case_id"], row["pupil_id"]
    signal_ids = tuple(uuid.UUID(s) for s in report["signal_ids"])
    signals = await _signals(conn, tenant, signal_ids)
    consultations = await _consultations(conn, tenant, pupil_id, row["reported_on"])
    latest, help_ = await _case_facts(conn, tenant, case_id, row["reported_at"])
    identity = await conn.fetchrow(
        """select given_name, family_name, date_of_birth, pupil_number from pupil_identity
           where pupil_id = $1 and tenant = $2""",
        pupil_id,
        tenant,
    )
    names = await names_of(
        conn,
        tenant,
        [report["reporter_id"], *(latest[k].get("by") or "" for k in ("parents", "child") if k in latest)],
    )
    decision = latest.get("decision")
    return MeldingFile(
        document_id=row["document_id"],
        report_event_id=row["report_event_id"],
        tenant=tenant,
        school=row["school"],
        case_id=case_id,
        pupil_id=pupil_id,
        reported_at=row["reported_at"],
        reported_on=row["reported_on"],
        veilig_thuis_organisation=report["veilig_thuis_organisation"],
        veilig_thuis_region=report["veilig_thuis_region"],
        reporter_id=report["reporter_id"],
        reporter_name=names.get(report["reporter_id"]),
        anonymous_to_family=bool(report["reporter_anonymous_to_family"]),
        anonymity_ground=latest["anonymity"]["ground"] if "anonymity" in latest else None,
        pupil=PupilIdentity(**dict(identity)) if identity else None,
        pupil_age_on_report=int(report["pupil_age_on_report"]),
        signal_ids=signal_ids,
        signals=signals,
        consultations=consultations,
        parents=_informing(latest["parents"], names) if "parents" in latest else None,
        child=_informing(latest["child"], names) if "child" in latest else None,
        school_continues=report["school_continues"],
        help=help_,
        decision=DecisionFact(date.fromisoformat(decision["decided_on"]), decision["outcome"])
        if decision
        else None,
    )
