"""What casework's integration tests set up through the real signals and casework services: pupils
with signals that casework has learned of, and a case opened from them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import httpx

from meldcode_testkit import ServiceProcess, Suite, eventually
from meldcode_testkit.people import IB, TEACHER, auth, bearer
from meldcode_testkit.scenario import TENANT
from meldcode_vocabulary.dutch_days import dutch_today

SIGNAL = {
    "observed_on": "2026-11-02",
    "description": "Komt al een week zonder jas.",
    "source": {"kind": "own_observation"},
}


def as_user(suite: Suite, sub: str, role: str, tenant: str = TENANT) -> dict[str, str]:
    """The header of a token of `sub` in `role`, for every school of the samenwerkingsverband's test."""
    return bearer(suite.infra.token(sub=sub, role=role, tenant=tenant))


async def pupil_with_signals(suite: Suite, signals_url: str, count: int) -> tuple[str, list[str]]:
    async with httpx.AsyncClient(base_url=signals_url) as http:
        pupil = {
            "school": "12AB",
            "pupil_number": uuid.uuid4().hex[:6],
            "given_name": "A",
            "family_name": "B",
            "date_of_birth": "2015-01-01",
        }
        pupil_id = (await http.post("/pupils", json=pupil, headers=auth(suite, **IB))).json()["pupil_id"]
        signal_ids = [
            (
                await http.post(f"/pupils/{pupil_id}/signals", json=SIGNAL, headers=auth(suite, **TEACHER))
            ).json()["signal_id"]
            for _ in range(count)
        ]
    return pupil_id, signal_ids


async def known_signals(http: httpx.AsyncClient, suite: Suite, pupil_id: str) -> list[str]:
    response = await http.get(f"/pupils/{pupil_id}/signals", headers=auth(suite, **IB))
    return [s["signal_id"] for s in response.json()] if response.status_code == 200 else []


async def has_all(http: httpx.AsyncClient, suite: Suite, pupil_id: str, signal_ids: list[str]) -> bool:
    """Casework knows exactly these signals of the pupil."""
    return set(await known_signals(http, suite, pupil_id)) == set(signal_ids)


async def opened_case(suite: Suite) -> tuple[ServiceProcess, str, str, list[str]]:
    """A pupil of 13 with two signals and a case opened from them: (casework, case_id, pupil_id, signal_ids)."""
    signals, casework = await suite.service("signals"), await suite.service("casework")
    ib, teacher = as_user(suite, "ib-bram", "intern_begeleider"), as_user(suite, "lk-anna", "leerkracht")
    born = date(datetime.now(UTC).year - 13, 1, 1).isoformat()
    async with httpx.AsyncClient() as http:
        pupil = await http.post(
            f"{signals.url}/pupils",
            headers=ib,
            json={
                "school": "12AB",
                "pupil_number": uuid.uuid4().hex[:6],
                "given_name": "Sam",
                "family_name": "de Vries",
                "date_of_birth": born,
            },
        )
        pupil_id = pupil.json()["pupil_id"]
        signal_ids = []
        for text in ("Blauwe plek op de arm.", "Schrikt bij harde geluiden."):
            recorded = await http.post(
                f"{signals.url}/pupils/{pupil_id}/signals",
                headers=teacher,
                json={
                    "observed_on": dutch_today().isoformat(),
                    "description": text,
                    "source": {"kind": "own_observation"},
                },
            )
            signal_ids.append(recorded.json()["signal_id"])

        async def known() -> bool:
            response = await http.get(f"{casework.url}/pupils/{pupil_id}/signals", headers=ib)
            return response.status_code == 200 and len(response.json()) == len(signal_ids)

        await eventually(known)
        opened = await http.post(
            f"{casework.url}/cases", headers=ib, json={"pupil_id": pupil_id, "signal_ids": signal_ids}
        )
        assert opened.status_code == 201, opened.text
    return casework, opened.json()["case_id"], pupil_id, signal_ids
