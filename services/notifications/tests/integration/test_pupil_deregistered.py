"""Rule 14 at the pupil level: a pupil deregistered by the school, through Kafka into the running
notifications service."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx

from meldcode_contracts import SIGNALS_EVENTS, PupilDeregistered, PupilDeregisteredPayload
from meldcode_testkit import Suite, eventually
from meldcode_testkit.builders import NOW, envelope, pupil_registered, signal_recorded
from meldcode_testkit.people import auth
from meldcode_testkit.publishing import publish

# Without an open case the alert naming the pupil is the IB'er's: the zorgteam sees only the cases
# it is invited into, and gets a school-level notice that names no pupil (ADR 11, rule 14).
IB = {"sub": "ib-1", "role": "intern_begeleider", "schools": ("12AB",)}
ZORGTEAM = {"sub": "zt-1", "role": "zorgteam", "schools": ("12AB",)}


def deregistered(pupil_id: uuid.UUID) -> PupilDeregistered:
    fields = envelope(pupil_id)
    fields.update(occurred_at=NOW + timedelta(days=30), recorded_at=NOW + timedelta(days=30))
    return PupilDeregistered(
        **fields,
        payload=PupilDeregisteredPayload(
            pupil_id=pupil_id, left_on=(NOW + timedelta(days=30)).date(), destination_school="34CD"
        ),
    )


async def alerts_about(http: httpx.AsyncClient, suite: Suite, pupil_id: uuid.UUID) -> list[dict[str, Any]]:
    response = await http.get("/tasks", params={"status": "all"}, headers=auth(suite, IB))
    assert response.status_code == 200, response.text
    return [t for t in response.json() if t["kind"] == "pupil_left_school" and t["pupil_id"] == str(pupil_id)]


async def zorgteam_tasks(http: httpx.AsyncClient, suite: Suite) -> list[dict[str, Any]]:
    response = await http.get("/tasks", params={"status": "all"}, headers=auth(suite, ZORGTEAM))
    assert response.status_code == 200, response.text
    return list(response.json())


async def test_a_pupil_with_recent_signals_and_no_case_leaving_alerts_the_ib_er_and_the_zorgteam_once_and_one_without_does_not(
    suite: Suite,
) -> None:
    svc = await suite.service("notifications")
    with_signal, without = uuid.uuid4(), uuid.uuid4()
    for pupil_id in (with_signal, without):
        await publish(suite, SIGNALS_EVENTS, pupil_registered(pupil_id))
    await publish(suite, SIGNALS_EVENTS, signal_recorded(with_signal))
    leaving = deregistered(with_signal)
    for event in (leaving, leaving, deregistered(without)):  # the first one redelivered
        await publish(suite, SIGNALS_EVENTS, event)

    async with httpx.AsyncClient(base_url=svc.url) as http:
        [alert] = await eventually(lambda: alerts_about(http, suite, with_signal))
        assert alert["assignee_role"] == "intern_begeleider"
        assert alert["case_id"] is None
        [notice] = await eventually(lambda: zorgteam_tasks(http, suite))
        assert notice["kind"] == "leaving_pupil_notice"
        assert (notice["pupil_id"], notice["case_id"], notice["signal_id"]) == (None, None, None)
        assert notice["title"] == (
            "Een leerling met recente signalen heeft de school verlaten; de IB'er bespreekt dit met het zorgteam"
        )
        # One key per pupil keeps its events in order: once a later event of the quiet pupil is
        # handled, its deregistration was handled too.
        await publish(suite, SIGNALS_EVENTS, signal_recorded(without))
        await eventually(
            lambda: _has_new_signal_task(http, suite, without),
        )
        assert await alerts_about(http, suite, without) == []
        assert len(await alerts_about(http, suite, with_signal)) == 1
        assert [t["kind"] for t in await zorgteam_tasks(http, suite)] == ["leaving_pupil_notice"]


async def _has_new_signal_task(http: httpx.AsyncClient, suite: Suite, pupil_id: uuid.UUID) -> bool:
    ib = {"sub": "ib-1", "role": "intern_begeleider", "schools": ("12AB",)}
    response = await http.get("/tasks", params={"status": "all"}, headers=auth(suite, ib))
    return any(t["kind"] == "new_signal" and t["pupil_id"] == str(pupil_id) for t in response.json())
