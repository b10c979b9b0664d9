"""The next person is told, in a real browser against the real services: the IB'er invites a
zorgteam member into a case, and the member's task list shows the task named by pupil, with the
count in the navigation. Checked with axe-core, on a phone's width as well."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from meldcode_testkit import eventually
from meldcode_testkit.pages import until_shown

Check = Callable[[Any], Awaitable[None]]


async def seed_case_with_invited_member(portal: Any, member: str) -> str:
    """Bram Jansen of 12AB, a teacher's signal, a case opened by the IB'er and `member` invited."""
    async with httpx.AsyncClient(timeout=10) as http:
        registered = await http.post(
            f"{portal.signals_url}/pupils",
            headers=portal.headers("ib-bram"),
            json={
                "school": "12AB",
                "pupil_number": f"t-{uuid.uuid4().hex[:8]}",
                "given_name": "Bram",
                "family_name": "Jansen",
                "date_of_birth": "2017-05-01",
            },
        )
        assert registered.status_code == 201, registered.text
        pupil_id = registered.json()["pupil_id"]
        recorded = await http.post(
            f"{portal.signals_url}/pupils/{pupil_id}/signals",
            headers=portal.headers("leerkracht-anna"),
            json={
                "observed_on": (datetime.now(UTC) - timedelta(days=1)).date().isoformat(),
                "description": "Komt al een week zonder jas naar school.",
                "source": {"kind": "own_observation"},
                "categories": ["neglect"],
            },
        )
        assert recorded.status_code == 201, recorded.text
        signal_id = recorded.json()["signal_id"]

        async def casework_knows_the_signal() -> bool:
            known = await http.get(
                f"{portal.casework_url}/pupils/{pupil_id}/signals", headers=portal.headers("ib-bram")
            )
            return known.status_code == 200 and any(s.get("signal_id") == signal_id for s in known.json())

        await eventually(casework_knows_the_signal, timeout=60)  # it learns of it from its topic
        opened = await http.post(
            f"{portal.casework_url}/cases",
            headers=portal.headers("ib-bram"),
            json={"pupil_id": pupil_id, "signal_ids": [signal_id]},
        )
        assert opened.status_code in (200, 201), opened.text
        case_id: str = opened.json()["case_id"]
        invited = await http.post(
            f"{portal.casework_url}/cases/{case_id}/zorgteam-invitations",
            headers=portal.headers("ib-bram"),
            json={"member_id": member, "organisation": "GGD Zuid JGZ"},
        )
        assert invited.status_code == 200, invited.text
    return case_id


async def test_the_invited_zorgteam_member_sees_the_task_named_by_pupil_and_the_count(
    portal: Any, browser_page: Any, login: Any, check_accessibility: Check, screenshot: Any
) -> None:
    page = browser_page
    case_id = await seed_case_with_invited_member(portal, "jgz-arts")
    await login(page, "jgz-arts")

    task = f'#inhoud a[href="/zaken/{case_id}"]'
    await until_shown(page, "/taken", task)

    title = " ".join((await page.locator(task).inner_text()).split())
    assert title == "Bram Jansen: Neem deel aan de weging in het zorgteam"
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    # the count in text for everyone: the link's accessible name is "Takenlijst (1)"
    badge = menu.get_by_role("link", name=re.compile(r"^Takenlijst \([1-9]\d*\)$"))
    assert await badge.count() == 1
    await check_accessibility(page)
    await screenshot(page, "zorgteam-takenlijst")

    # on another page the badge comes with htmx
    await page.goto("/zaken")
    await menu.get_by_test_id("task-count").wait_for()
    await check_accessibility(page)

    # and on a phone's width the list fits
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto("/taken")
    overflow = await page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the task list is {overflow}px wider than a phone"
    await check_accessibility(page)
