"""Seeding data for browser tests over the services' real APIs (not through the screens)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from meldcode_testkit import eventually


async def register_pupil(portal: Any, *, given_name: str = "Sanne", school: str = "12AB") -> dict[str, str]:
    """A new pupil with a unique family name, registered by the IB'er, found by reporting's search."""
    family_name = f"Test{uuid.uuid4().hex[:8]}"
    number = uuid.uuid4().hex[:8]
    async with httpx.AsyncClient(timeout=20) as client:
        response = await client.post(
            f"{portal.signals_url}/pupils",
            headers=portal.headers("ib-bram"),
            json={
                "school": school,
                "pupil_number": number,
                "given_name": given_name,
                "family_name": family_name,
                "date_of_birth": "2014-03-09",
            },
        )
        assert response.status_code == 201, response.text
        pupil_id = str(response.json()["pupil_id"])

        async def known_to_reporting() -> bool:
            found = await client.get(
                f"{portal.reporting_url}/schools/{school}/pupils",
                params={"q": family_name},
                headers=portal.headers("ib-bram"),
            )
            return found.status_code == 200 and bool(found.json()["pupils"])

        await eventually(known_to_reporting, timeout=30)
    return {
        "pupil_id": pupil_id,
        "given_name": given_name,
        "family_name": family_name,
        "pupil_number": number,
    }


STAFF_REFUSED = "rule-17-person-in-staff-directory"
PROBE_PASSED_RULE_17 = "rule-4-signals-of-this-pupil"
"""The probe's case names a pupil its signal is not about: refused after rule 17, nothing opened."""


def staff_csv(users: list[dict[str, Any]], school: str) -> str:
    """The users of `school` as a staff import (the columns a school's export has)."""
    rows = ["gebruikersnaam;naam;rol;e-mail"]
    rows += [
        f"{u['id']};{u['name']};{u['role']};{u.get('email', '')}"
        for u in users
        if school in u.get("schools", [])
    ]
    return "\n".join(rows) + "\n"


async def list_demo_staff(portal: Any) -> None:
    """List the demo users in their schools' staff directories as `make run` does (the beheerder's
    CSV import of signals), then wait until signals lists them and casework applies rule 17 with
    them: an unlisted person refused, every listed one of 12AB accepted."""
    schools = sorted({s for u in portal.users.values() for s in u.get("schools", [])})
    beheerder = portal.headers("coordinator-carla")
    async with httpx.AsyncClient(timeout=20) as client:
        for school in schools:
            imported = await client.post(
                f"{portal.signals_url}/schools/{school}/staff/import",
                headers={**beheerder, "Content-Type": "text/csv"},
                content=staff_csv(list(portal.users.values()), school).encode(),
            )
            assert imported.status_code == 200, imported.text
            wanted = {u["id"] for u in portal.users.values() if school in u.get("schools", [])}

            async def listed_by_signals(school: str = school, wanted: set[str] = wanted) -> bool:
                found = await client.get(f"{portal.signals_url}/schools/{school}/staff", headers=beheerder)
                return found.status_code == 200 and {p["user_id"] for p in found.json()["items"]} == wanted

            await eventually(listed_by_signals, timeout=30)
        await _until_casework_applies_rule_17(portal, client)


async def _until_casework_applies_rule_17(portal: Any, client: httpx.AsyncClient) -> None:
    """Casework learns the listings from the signals topic (each listing its own subject, so in no
    fixed order). A probe signal at 12AB lets it be asked per person without changing anything:
    opening a case with it for another pupil checks the named owner (rule 17) first, then refuses."""
    pupil = await register_pupil(portal, given_name="Proef")
    recorded = await client.post(
        f"{portal.signals_url}/pupils/{pupil['pupil_id']}/signals",
        headers=portal.headers("leerkracht-anna"),
        json={
            "observed_on": (datetime.now(UTC) - timedelta(days=1)).date().isoformat(),
            "description": "Proefsignaal: wacht tot de zaakbehandeling het personeelsoverzicht kent.",
            "source": {"kind": "own_observation"},
            "categories": ["neglect"],
        },
    )
    assert recorded.status_code == 201, recorded.text
    signal_id = recorded.json()["signal_id"]

    async def rule_of(owner: str) -> str | None:
        answer = await client.post(
            f"{portal.casework_url}/cases",
            headers=portal.headers("ib-bram"),
            json={"pupil_id": str(uuid.uuid4()), "signal_ids": [signal_id], "case_owner_id": owner},
        )
        assert answer.status_code >= 400, f"the probe opened a case: {answer.text}"
        return answer.json().get("rule")

    listed = sorted(u["id"] for u in portal.users.values() if "12AB" in u.get("schools", []))

    seen: list[dict[str, str | None]] = []

    async def applied() -> bool:
        rules = {owner: await rule_of(owner) for owner in [f"onbekend-{uuid.uuid4().hex[:8]}", *listed]}
        seen.append(rules)
        unknown, *known = rules.values()
        return unknown == STAFF_REFUSED and all(r == PROBE_PASSED_RULE_17 for r in known)

    try:
        await eventually(applied, timeout=60)
    except AssertionError:
        raise AssertionError(
            f"casework does not apply the staff directory; last answers: {seen[-1:]}"
        ) from None
