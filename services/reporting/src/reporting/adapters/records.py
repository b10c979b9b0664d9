"""Rows of the read-model tables <-> the domain's values (asyncpg records in, JSON columns out)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from ..domain.access import AccessEntry
from ..domain.cases import CaseChange, CaseRow, Obligation
from ..domain.pupils import PupilRow


def obligations_json(obligations: tuple[Obligation, ...]) -> str:
    return json.dumps(
        [{"kind": o.kind, "due_on": o.due_on.isoformat() if o.due_on else None} for o in obligations]
    )


def obligations_of(value: str | None) -> tuple[Obligation, ...]:
    return tuple(
        Obligation(o["kind"], date.fromisoformat(o["due_on"]) if o.get("due_on") else None)
        for o in json.loads(value or "[]")
    )


def pupil_of(record: Any) -> PupilRow:
    return PupilRow(
        pupil_id=record["pupil_id"],
        tenant=record["tenant"],
        school=record["school"],
        registered_at=record["registered_at"],
        pupil_number=record["pupil_number"],
        given_name=record["given_name"],
        family_name=record["family_name"],
        date_of_birth=record["date_of_birth"],
    )


def case_row_of(r: Any) -> CaseRow:
    return CaseRow(
        case_id=r["case_id"],
        tenant=r["tenant"],
        school=r["school"],
        pupil_id=r["pupil_id"],
        step=r["step"],
        case_owner_id=r["case_owner_id"],
        signal_ids=tuple(r["signal_ids"]),
        opened_at=r["opened_at"],
        last_event_at=r["last_event_at"],
        outcome=r["outcome"],
        reported_on=r["reported_on"],
        reports=r["reports"],
        pupil_left_school=r["pupil_left_school"],
        left_school_on=r["left_school_on"],
        transferred_from=r["transferred_from"],
        transferred_on=r["transferred_on"],
        last_sequence=r["last_sequence"],
        step_since=r["step_since"],
        obligations=obligations_of(r["obligations"]),
    )


def case_change_of(r: Any) -> CaseChange:
    return CaseChange(
        event_id=r["event_id"],
        event_type=r["event_type"],
        case_id=r["case_id"],
        tenant=r["tenant"],
        school=r["school"],
        pupil_id=r["pupil_id"],
        occurred_at=r["occurred_at"],
        sequence=r["sequence"],
        owner_id=r["owner_id"],
        signal_ids=tuple(r["signal_ids"]),
        outcome=r["outcome"],
        day=r["day"],
        to_school=r["to_school"],
        decision_reopened=r["decision_reopened"],
        step=r["step"],
        obligations=obligations_of(r["obligations"]),
    )


def access_of(r: Any) -> AccessEntry:
    return AccessEntry(
        access_id=r["access_id"],
        event_id=r["event_id"],
        occurred_at=r["occurred_at"],
        tenant=r["tenant"],
        school=r["school"],
        user_id=r["user_id"],
        role=r["role"],
        on_behalf_of=r["on_behalf_of"],
        service=r["service"],
        action=r["action"],
        resource=r["resource"],
        pupil_id=r["pupil_id"],
        case_id=r["case_id"],
        client_address=r["client_address"],
        client_application=r["client_application"],
    )
