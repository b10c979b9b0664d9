"""Tenant isolation inside the consumer: an event that names a pupil of another samenwerkingsverband
is parked, never projected, whatever was put on the topic."""

from __future__ import annotations

import httpx

from meldcode_contracts import dead_letter_topic
from meldcode_testkit import Suite, eventually, read_topic
from meldcode_testkit.builders import Events, at
from meldcode_testkit.people import IB, auth
from meldcode_testkit.publishing import publish_as_owners as publish

from .reading import chronology_with

NOORD_IB = {"sub": "ib-9", "role": "intern_begeleider", "schools": ("56CD",)}


async def test_a_signal_naming_a_pupil_of_another_samenwerkingsverband_is_parked_and_shown_to_nobody(
    suite: Suite,
) -> None:
    svc = await suite.service("reporting")
    zuid, noord = Events(), Events(tenant="swv-noord", school="56CD")
    registered = zuid.pupil()
    pupil_id = registered.payload.pupil_id
    own = zuid.signal(pupil_id, when=at(10))
    smuggled = noord.signal(pupil_id, when=at(20), description="Smokkelwaar uit een ander verband.")
    later = zuid.signal(pupil_id, when=at(30))
    await publish(suite, registered, own, smuggled, later)

    async with httpx.AsyncClient(base_url=svc.url) as http:
        body = await eventually(lambda: chronology_with(http, suite, pupil_id, 2))
        [parked] = await read_topic(
            suite.infra.kafka, suite.topic(dead_letter_topic("reporting")), expected=1
        )
        as_noord = await http.get(
            f"/pupils/{pupil_id}/chronology", headers=auth(suite, tenant="swv-noord", **NOORD_IB)
        )
        again = await http.get(f"/pupils/{pupil_id}/chronology", headers=auth(suite, **IB))

    assert [e["signal_id"] for e in again.json()["entries"]] == [
        str(own.payload.signal_id),
        str(later.payload.signal_id),
    ]
    assert "Smokkelwaar" not in again.text and "Smokkelwaar" not in body.__repr__()
    assert parked["headers"]["x-error"] == b"TenantMismatch"
    assert parked["value"] and b"Smokkelwaar" in parked["value"]  # kept with its error, not lost
    assert as_noord.status_code == 403
