"""A case handed over to another school (rule 14), across signals, casework and reporting: each school
sees the chronology of its own time with the pupil, the new school also what the transfer handed
over (the case and the signals it was built on), and the old school nothing the new one records."""

from __future__ import annotations

import json
from typing import Any

import httpx

from meldcode_testkit import Suite, eventually
from meldcode_testkit.scenario import TENANT, Staff, bearer, open_case_from_demo_signals, record_signal
from meldcode_vocabulary.dutch_days import dutch_today

NEW_SCHOOL = "34CD"
NEW_SCHOOL_WORK = "Gesprek op de nieuwe school: moeder vertelt over de verhuizing."
OLD_SCHOOL_ONLY = "Na de opening van de zaak: huilt in de pauze."


async def test_after_a_transfer_the_old_school_sees_its_own_time_and_the_new_school_the_handed_over_case(
    suite: Suite,
) -> None:
    for name in ("signals", "reporting"):
        await suite.service(name)
    # The new school has no pupils here yet: the samenwerkingsverband's school list names it (rule 14).
    await suite.service("casework", CASEWORK_SCHOOLS=json.dumps({TENANT: [NEW_SCHOOL]}))
    staff = Staff(suite)
    signals, casework = suite.services["signals"].url, suite.services["casework"].url
    reporting = suite.services["reporting"].url
    auditor = bearer(suite.infra.token(sub="audit-1", role="auditor", tenant=TENANT, schools=()))
    today = dutch_today().isoformat()

    async with httpx.AsyncClient(timeout=30) as http:
        pupil_id, case_id, signal_ids = await open_case_from_demo_signals(http, suite, staff)
        not_in_case = await record_signal(http, signals, staff, pupil_id, 1, OLD_SCHOOL_ONLY)

        async def step(headers: dict[str, str], path: str, body: dict[str, Any]) -> None:
            response = await http.post(f"{casework}/cases/{case_id}/{path}", headers=headers, json=body)
            assert response.status_code == 200, response.text

        await step(staff.ib, "pupil-left-school", {"left_on": today, "destination_school": NEW_SCHOOL})
        await step(
            staff.ib,
            "transfer",
            {
                "to_school": NEW_SCHOOL,
                "legal_basis": "wettelijke_plicht",
                "legal_basis_explanation": "Onderwijskundig rapport aan de nieuwe school.",
                "new_case_owner_id": "ib-other",
            },
        )
        await step(
            staff.ib_elsewhere,
            "parents-conversation",
            {"held_on": today, "participants": ["IB'er", "moeder"], "summary": NEW_SCHOOL_WORK},
        )
        chronology = f"{reporting}/pupils/{pupil_id}/chronology"

        async def everything_projected() -> list[dict[str, Any]] | None:
            response = await http.get(chronology, headers=auditor)
            entries: list[dict[str, Any]] = response.json()["entries"] if response.status_code == 200 else []
            types = [e["event_type"] for e in entries]
            return (
                entries if "ParentsConversationHeld" in types and types.count("SignalRecorded") == 4 else None
            )

        await eventually(everything_projected, timeout=60)
        old = await http.get(chronology, headers=staff.ib)
        old_export = await http.get(f"{reporting}/pupils/{pupil_id}/parents-export", headers=staff.ib)
        new = await http.get(chronology, headers=staff.ib_elsewhere)
        new_export = await http.get(
            f"{reporting}/pupils/{pupil_id}/parents-export", headers=staff.ib_elsewhere
        )
        old_case = await http.get(f"{casework}/cases/{case_id}", headers=staff.ib)

    assert old.status_code == 200 and old_export.status_code == 200
    old_types = [e["event_type"] for e in old.json()["entries"]]
    assert "CaseTransferred" in old_types and "ParentsConversationHeld" not in old_types
    assert NEW_SCHOOL_WORK not in old.text and NEW_SCHOOL_WORK not in old_export.text
    assert {e["signal_id"] for e in old.json()["entries"] if e["signal_id"]} == {*signal_ids, not_in_case}
    assert (old_case.status_code, old_case.json()["rule"]) == (403, "school")

    assert new.status_code == 200, new.text
    new_entries = new.json()["entries"]
    assert [e["event_type"] for e in new_entries if e["case_id"] == case_id] == [
        "CaseOpened",
        "PupilLeftSchool",
        "CaseTransferred",
        "ParentsConversationHeld",
    ]
    assert {e["signal_id"] for e in new_entries if e["signal_id"]} == set(signal_ids)
    assert OLD_SCHOOL_ONLY not in new.text and OLD_SCHOOL_ONLY not in new_export.text
    assert new_export.status_code == 200 and NEW_SCHOOL_WORK in new_export.text


async def test_a_transfer_to_a_school_outside_the_samenwerkingsverband_is_refused_and_the_case_stays(
    suite: Suite,
) -> None:
    for name in ("signals", "reporting"):
        await suite.service(name)
    await suite.service("casework", CASEWORK_SCHOOLS=json.dumps({"swv-noord": ["56EF"]}))
    staff = Staff(suite)
    casework = suite.services["casework"].url
    today = dutch_today().isoformat()
    async with httpx.AsyncClient(timeout=30) as http:
        _, case_id, _ = await open_case_from_demo_signals(http, suite, staff)
        left = await http.post(
            f"{casework}/cases/{case_id}/pupil-left-school",
            headers=staff.ib,
            json={"left_on": today, "destination_school": "56EF"},
        )
        assert left.status_code == 200, left.text
        handover = {
            "legal_basis": "wettelijke_plicht",
            "legal_basis_explanation": "Onderwijskundig rapport aan de nieuwe school.",
            "new_case_owner_id": "ib-noord",
        }
        other = await http.post(
            f"{casework}/cases/{case_id}/transfer", headers=staff.ib, json={**handover, "to_school": "56EF"}
        )
        unknown = await http.post(
            f"{casework}/cases/{case_id}/transfer", headers=staff.ib, json={**handover, "to_school": "99ZZ"}
        )
        case = await http.get(f"{casework}/cases/{case_id}", headers=staff.ib)
    assert (other.status_code, other.json()["rule"]) == (422, "rule-14-same-samenwerkingsverband")
    assert (unknown.status_code, unknown.json()["rule"]) == (422, "rule-14-known-school")
    assert case.status_code == 200 and case.json()["school"] != "56EF"
