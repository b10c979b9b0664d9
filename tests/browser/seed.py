"""Seeding data for browser tests over the services' real APIs (not through the screens)."""

from __future__ import annotations

import uuid
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
