"""`GET /schools/{brin}/my-signals` on the real service fed through Kafka: what became of each of the
teacher's signals (with the IB'er, or taken into a case with the advice for her), the latest
observation first, and nothing else of the case."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from meldcode_testkit import Suite, eventually
from meldcode_testkit.builders import CaseFile, Events, at
from meldcode_testkit.people import TEACHER, auth
from meldcode_testkit.publishing import publish_as_owners as publish


async def test_the_teacher_sees_which_signals_a_case_took_up_and_the_advice_meant_for_her(
    suite: Suite, events: Events
) -> None:
    svc = await suite.service("reporting")
    registered = events.pupil()
    twin = events.pupil()  # same name, another pupil
    pupil_id = registered.payload.pupil_id
    old = events.signal(pupil_id, when=at(30), observed_on=date(2026, 10, 1), description="Eerste signaal.")
    taken = events.signal(
        pupil_id, when=at(10), observed_on=date(2026, 10, 20), description="Tweede signaal."
    )
    added = events.signal(
        pupil_id, when=at(11), observed_on=date(2026, 10, 10), description="Later toegevoegd."
    )
    waiting = events.signal(
        twin.payload.pupil_id, when=at(12), observed_on=date(2026, 10, 25), description="Nog bij de IB'er."
    )
    opened = events.case(pupil_id, [taken.payload.signal_id], when=at(20))
    file = CaseFile(events, opened)
    await publish(
        suite,
        registered,
        twin,
        old,
        taken,
        added,
        waiting,
        opened,
        file.signals_added(at(40), [added.payload.signal_id]),
        file.help_organised(at(50)),
    )

    async with httpx.AsyncClient(base_url=svc.url) as http:

        async def advised() -> dict[str, Any] | None:
            response = await http.get("/schools/12AB/my-signals", headers=auth(suite, **TEACHER))
            body: dict[str, Any] = response.json()
            if response.status_code != 200 or len(body["signals"]) != 4:
                return None
            # Every event the assertions read has arrived: the pupils' registrations (names and
            # numbers, on their own partitions), the case's signals and its last event, the help
            # with the advice (the consumer may take them in several batches).
            in_case = body["signals"][1:3]
            arrived = all(s["pupil_number"] for s in body["signals"]) and all(
                s["status"] == "in_case" and s["teacher_advice"] for s in in_case
            )
            return body if arrived else None

        seen = await eventually(advised)
        other_teacher = await http.get(
            "/schools/12AB/my-signals", headers=auth(suite, sub="lk-2", role="leerkracht", schools=("12AB",))
        )

    signals = seen["signals"]
    assert [s["description"] for s in signals] == [
        "Nog bij de IB'er.",
        "Tweede signaal.",
        "Later toegevoegd.",
        "Eerste signaal.",
    ], "the latest observation first, not the latest recording"
    by_text = {s["description"]: s for s in signals}
    assert by_text["Nog bij de IB'er."]["status"] == "received"
    assert by_text["Eerste signaal."]["status"] == "received"
    assert by_text["Eerste signaal."]["teacher_advice"] == []
    for text in ("Tweede signaal.", "Later toegevoegd."):
        assert by_text[text]["status"] == "in_case"
        assert by_text[text]["teacher_advice"] == ["Let op de jas en de lunch; meld nieuwe signalen."]
    first, twin_signal = by_text["Tweede signaal."], by_text["Nog bij de IB'er."]
    assert first["pupil_display_name"] == twin_signal["pupil_display_name"]
    assert first["pupil_number"] != twin_signal["pupil_number"] and first["pupil_birth_year"] == 2014
    assert first["observed_on"] == "2026-10-20" and first["recorded_at"].startswith("20")
    assert "case_id" not in str(seen) and str(file.case_id) not in str(seen), "nothing of the case itself"
    assert "Gezinscoach" not in str(seen), "the help itself is not for the teacher"
    assert other_teacher.status_code == 200 and other_teacher.json()["signals"] == []
