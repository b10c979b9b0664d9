"""Steps of the demo scenario through the real HTTP APIs, shared by the end-to-end, security and
fault tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from . import Suite, eventually
from .builders.envelopes import SCHOOL, TENANT
from .people import bearer

__all__ = [
    "DEMO_SIGNALS",
    "SCHOOL",
    "TENANT",
    "Staff",
    "bearer",
    "chronology_signal_ids",
    "erase_on_request",
    "open_case_from_demo_signals",
    "record_signal",
    "register_pupil",
    "signal_body",
]


class Staff:
    """Tokens of the people in the demo: a teacher, the IB'er and the beheerder of school 12AB."""

    def __init__(self, suite: Suite) -> None:
        self.teacher = bearer(
            suite.infra.token(sub="leerkracht-anna", role="leerkracht", tenant=TENANT, schools=(SCHOOL,))
        )
        self.ib = bearer(
            suite.infra.token(sub="ib-bram", role="intern_begeleider", tenant=TENANT, schools=(SCHOOL,))
        )
        self.beheerder = bearer(
            suite.infra.token(sub="beheerder-bea", role="beheerder", tenant=TENANT, schools=(SCHOOL,))
        )
        self.ib_elsewhere = bearer(
            suite.infra.token(sub="ib-other", role="intern_begeleider", tenant=TENANT, schools=("34CD",))
        )


async def erase_on_request(
    client: httpx.AsyncClient,
    signals_url: str,
    staff: Staff,
    pupil_id: str,
    reason: str = "verzoek_betrokkene",
) -> httpx.Response:
    """Erasure on request with four eyes: the IB'er asks, the beheerder approves (and so erases);
    the approval's answer."""
    asked = await client.post(
        f"{signals_url}/pupils/{pupil_id}/erasure-requests", headers=staff.ib, json={"reason": reason}
    )
    assert asked.status_code in (200, 201), asked.text
    return await client.post(
        f"{signals_url}/pupils/{pupil_id}/erasure-requests/{asked.json()['request_id']}/approval",
        headers=staff.beheerder,
    )


async def register_pupil(
    client: httpx.AsyncClient, signals_url: str, staff: Staff, number: str | None = None
) -> str:
    response = await client.post(
        f"{signals_url}/pupils",
        headers=staff.ib,
        json={
            "school": SCHOOL,
            "pupil_number": number or uuid.uuid4().hex[:8],
            "given_name": "Sanne",
            "family_name": "Jansen",
            "date_of_birth": "2013-05-14",
        },
    )
    assert response.status_code == 201, response.text
    return str(response.json()["pupil_id"])


def signal_body(days_ago: int, description: str) -> dict[str, Any]:
    observed = (datetime.now(UTC) - timedelta(days=days_ago)).date().isoformat()
    return {
        "observed_on": observed,
        "description": description,
        "source": {"kind": "own_observation"},
        "categories": ["physical"],
    }


DEMO_SIGNALS = [
    (21, "Blauwe plek op de bovenarm, zichtbaar bij de gymles."),
    (10, "Komt drie dagen achter elkaar zonder ontbijt en zonder jas naar school."),
    (2, "Schrikt hevig wanneer een volwassene onverwacht de klas binnenkomt."),
]


async def record_signal(
    client: httpx.AsyncClient, signals_url: str, staff: Staff, pupil_id: str, days_ago: int, description: str
) -> str:
    response = await client.post(
        f"{signals_url}/pupils/{pupil_id}/signals",
        headers=staff.teacher,
        json=signal_body(days_ago, description),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["signal_id"])


async def open_case_from_demo_signals(
    http: httpx.AsyncClient, suite: Suite, staff: Staff
) -> tuple[str, str, list[str]]:
    """A pupil of 12AB, the three demo signals, and a case the IB'er opened from them once casework
    knows the signals: (pupil id, case id, signal ids)."""
    signals, casework = suite.services["signals"], suite.services["casework"]
    pupil_id = await register_pupil(http, signals.url, staff)
    signal_ids = [await record_signal(http, signals.url, staff, pupil_id, d, t) for d, t in DEMO_SIGNALS]

    async def known() -> bool:
        response = await http.get(f"{casework.url}/pupils/{pupil_id}/signals", headers=staff.ib)
        return response.status_code == 200 and len(response.json()) == len(signal_ids)

    await eventually(known)
    opened = await http.post(
        f"{casework.url}/cases", headers=staff.ib, json={"pupil_id": pupil_id, "signal_ids": signal_ids}
    )
    assert opened.status_code == 201, opened.text
    return pupil_id, opened.json()["case_id"], signal_ids


async def chronology_signal_ids(http: httpx.AsyncClient, url: str, staff: Staff, pupil_id: str) -> list[str]:
    """The signal ids in the pupil's chronology, as the IB'er reads it (empty while unknown)."""
    response = await http.get(f"{url}/pupils/{pupil_id}/chronology", headers=staff.ib)
    if response.status_code != 200:
        return []
    return [str(e["signal_id"]) for e in response.json()["entries"] if e["event_type"] == "SignalRecorded"]
