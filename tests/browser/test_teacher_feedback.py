"""The teacher hears back: her signal shows "Opgenomen in een zaak" once the IB'er opened a case from
it, with the handelingsgerichte adviezen the case recorded for her, and nothing else of the case;
"Nog een signaal" goes straight to the form for the same pupil."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx

from meldcode_testkit import eventually
from meldcode_testkit.demo_case import walk_reported_case
from meldcode_vocabulary.dutch_days import dutch_today

from .seed import register_pupil

Check = Callable[[Any], Awaitable[None]]


async def test_a_teacher_sees_her_signal_taken_into_a_case_with_the_advice_for_her(
    portal: Any, browser_page: Any, login: Any, check_accessibility: Check, screenshot: Any
) -> None:
    pupil = await register_pupil(portal)
    teacher, ib, zorgteam = (portal.headers(u) for u in ("leerkracht-anna", "ib-bram", "zorgteam-zoe"))
    today = dutch_today()
    async with httpx.AsyncClient(timeout=30) as http:
        signal_ids = []
        for days_ago, text in ((2, "Huilde in de kring over ruzie thuis."), (6, "Had geen gymspullen mee.")):
            recorded = await http.post(
                f"{portal.signals_url}/pupils/{pupil['pupil_id']}/signals",
                headers=teacher,
                json={
                    "observed_on": (today - timedelta(days=days_ago)).isoformat(),
                    "description": text,
                    "source": {"kind": "own_observation"},
                    "categories": ["emotional"],
                },
            )
            assert recorded.status_code == 201, recorded.text
            signal_ids.append(recorded.json()["signal_id"])

        async def casework_knows() -> bool:
            known = await http.get(f"{portal.casework_url}/pupils/{pupil['pupil_id']}/signals", headers=ib)
            return known.status_code == 200 and signal_ids[0] in {s["signal_id"] for s in known.json()}

        await eventually(casework_knows, timeout=60)
        opened = await http.post(
            f"{portal.casework_url}/cases",
            headers=ib,
            json={"pupil_id": pupil["pupil_id"], "signal_ids": signal_ids[:1]},
        )
        assert opened.status_code == 201, opened.text
        await walk_reported_case(
            http, portal.casework_url, ib, zorgteam, opened.json()["case_id"], signal_ids[:1]
        )

        async def advised() -> bool:
            mine = await http.get(f"{portal.reporting_url}/schools/12AB/my-signals", headers=teacher)
            return any(s["teacher_advice"] for s in mine.json()["signals"] if s["signal_id"] == signal_ids[0])

        await eventually(advised, timeout=60)

    page = browser_page
    await login(page, "leerkracht-anna")
    await page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn signalen").click()
    rows = page.get_by_test_id("signal-table").get_by_role("row").filter(has_text=pupil["family_name"])
    await rows.first.wait_for()
    assert await rows.count() == 2
    newest, older = rows.nth(0), rows.nth(1)
    assert "Huilde in de kring" in await newest.inner_text(), "the latest observation first"
    assert "Opgenomen in een zaak" in await newest.inner_text()
    assert "Ontvangen door de IB'er" in await older.inner_text()
    assert "vastgelegd" in await newest.inner_text() and "geboren in 2014" in await newest.inner_text()
    await check_accessibility(page)
    await screenshot(page, "leerkracht-mijn-signalen-terugkoppeling")

    await newest.get_by_role("link", name="Adviezen voor u").click()
    await page.get_by_role("heading", name="Handelingsgerichte adviezen voor u").wait_for()
    assert (
        "Let op verzuim en meld nieuwe signalen." in await page.get_by_test_id("teacher-advice").inner_text()
    )
    main = await page.locator("main").inner_text()
    assert "Veilig Thuis" not in main and "Gezinscoach" not in main, "nothing of the case beyond the advice"
    await check_accessibility(page)

    await page.get_by_role("link", name="Nog een signaal over Sanne vastleggen").click()
    await page.get_by_test_id("pupil-name").wait_for()
    assert pupil["family_name"] in await page.get_by_test_id("pupil-name").inner_text()
