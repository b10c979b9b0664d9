"""`GET /schools` on the real service: the names of the caller's samenwerkingsverband's schools,
from the register the settings name."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from meldcode_testkit import Suite
from meldcode_testkit.people import IB, auth


async def test_every_role_gets_the_school_names_of_its_own_samenwerkingsverband_only(
    suite: Suite, tmp_path: Path
) -> None:
    register = tmp_path / "schools.json"
    register.write_text(
        json.dumps(
            {
                "swv-zuid": [{"brin": "12AB", "name": "Basisschool De Regenboog"}, {"brin": "34CD", "name": "Het Baken"}],
                "swv-noord": [{"brin": "56EF", "name": "De Noorderschool"}],
            }
        )
    )  # fmt: skip
    svc = await suite.service("reporting", REPORTING_SCHOOLS_FILE=str(register))

    async with httpx.AsyncClient(base_url=svc.url) as http:
        by_ib = await http.get("/schools", headers=auth(suite, **IB))
        coordinator = await http.get("/schools", headers=auth(suite, sub="c-1", role="beheerder", schools=()))
        unauthenticated = await http.get("/schools")

    expected = {
        "items": [{"brin": "12AB", "name": "Basisschool De Regenboog"}, {"brin": "34CD", "name": "Het Baken"}]
    }
    assert by_ib.status_code == 200 and by_ib.json() == expected
    assert coordinator.status_code == 200 and coordinator.json() == expected
    assert "Noorderschool" not in by_ib.text
    assert unauthenticated.status_code == 401
