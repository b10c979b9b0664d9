"""`GET /cases/{case_id}/signals` on the real service fed through Kafka: the signals a case is built
on (opened from and added later), for the case's IB'er and the zorgteam members invited into it."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from meldcode_testkit import Suite, eventually
from meldcode_testkit.builders import CaseFile, Events, at
from meldcode_testkit.people import IB, ZORGTEAM, auth
from meldcode_testkit.publishing import publish_as_owners as publish

NOT_INVITED = {"sub": "zt-2", "role": "zorgteam", "schools": ("12AB",)}


async def test_an_invited_zorgteam_member_gets_the_signals_of_the_case_and_nothing_else_of_the_pupil(
    suite: Suite, events: Events
) -> None:
    svc = await suite.service("reporting")
    registered = events.pupil()
    pupil_id = registered.payload.pupil_id
    first = events.signal(pupil_id, when=at(10), description="Komt zonder ontbijt naar school.")
    outside = events.signal(pupil_id, when=at(11), description="Signaal buiten de zaak.")
    opened = events.case(pupil_id, [first.payload.signal_id], when=at(20))
    file = CaseFile(events, opened)
    later = events.signal(pupil_id, when=at(40), description="Blauwe plek op de arm.")
    await publish(
        suite,
        registered,
        first,
        outside,
        events.correction(first, when=at(12)),
        opened,
        file.invited(at(21), member_id="zt-1"),
        later,
        file.signals_added(at(50), [later.payload.signal_id]),
    )
    path = f"/cases/{file.case_id}/signals"

    async with httpx.AsyncClient(base_url=svc.url) as http:

        async def both_signals() -> dict[str, Any] | None:
            response = await http.get(path, headers=auth(suite, **ZORGTEAM))
            body: dict[str, Any] = response.json()
            return body if response.status_code == 200 and len(body["signals"]) == 2 else None

        seen = await eventually(both_signals)
        by_ib = await http.get(path, headers=auth(suite, **IB))
        not_invited = await http.get(path, headers=auth(suite, **NOT_INVITED))
        other_school = await http.get(
            path, headers=auth(suite, sub="ib-5", role="intern_begeleider", schools=("56EF",))
        )
        teacher = await http.get(path, headers=auth(suite, sub="lk-1", role="leerkracht", schools=("12AB",)))
        unknown = await http.get(f"/cases/{uuid.uuid4()}/signals", headers=auth(suite, **IB))

    assert seen["case_id"] == str(file.case_id) and seen["pupil_id"] == str(pupil_id)
    assert [s["signal_id"] for s in seen["signals"]] == [
        str(first.payload.signal_id),
        str(later.payload.signal_id),
    ]
    corrected, added = seen["signals"]
    assert corrected["description"] == "Komt zonder ontbijt naar school."
    assert corrected["observed_on"] == "2026-10-31" and corrected["corrections"] == 1  # as corrected
    assert corrected["interpretation"] == "Mogelijk verwaarlozing"
    assert corrected["source_kind"] == "own_observation"
    assert added["description"] == "Blauwe plek op de arm." and added["corrections"] == 0
    assert "Signaal buiten de zaak." not in str(seen)
    assert by_ib.status_code == 200 and by_ib.json() == seen
    assert (not_invited.status_code, not_invited.json()["rule"]) == (404, "case-not-found")
    assert (other_school.status_code, other_school.json()["rule"]) == (403, "school")
    assert (teacher.status_code, teacher.json()["rule"]) == (403, "role")
    assert (unknown.status_code, unknown.json()["rule"]) == (404, "case-not-found")
