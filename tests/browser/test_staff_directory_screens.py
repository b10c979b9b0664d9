"""Choosing people from the staff directory, in a real browser against the real services (issue 17):
the IB'er invites a zorgteam member by her name from the school's directory and the case page names
her; a person the directory does not list is refused by casework (rule 17), not only by the screen —
a forged form value gets the service's refusal at the top of the page, and so does the API.

The conftest lists the demo users in their schools' directories, as `make run` does. Every page is
checked with axe-core, at a phone's width and for English or technical words.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from meldcode_testkit import eventually

from .seed import STAFF_REFUSED, register_pupil

Check = Callable[[Any], Awaitable[None]]
NOT_LISTED = "onbekende-olga"
"""A user id no school's directory lists: what a forged request or a stale form could send."""


async def seed_open_case(portal: Any) -> str:
    """A pupil of 12AB with a teacher's signal and a case the IB'er opened from it."""
    pupil = await register_pupil(portal, given_name="Noor")
    async with httpx.AsyncClient(timeout=20) as http:
        recorded = await http.post(
            f"{portal.signals_url}/pupils/{pupil['pupil_id']}/signals",
            headers=portal.headers("leerkracht-anna"),
            json={
                "observed_on": (datetime.now(UTC) - timedelta(days=2)).date().isoformat(),
                "description": "Komt al dagen moe en zonder lunch naar school.",
                "source": {"kind": "own_observation"},
                "categories": ["neglect"],
            },
        )
        assert recorded.status_code == 201, recorded.text
        signal_id = recorded.json()["signal_id"]

        async def known_to_casework() -> bool:
            known = await http.get(
                f"{portal.casework_url}/pupils/{pupil['pupil_id']}/signals", headers=portal.headers("ib-bram")
            )
            return known.status_code == 200 and signal_id in {s["signal_id"] for s in known.json()}

        await eventually(known_to_casework, timeout=30)
        opened = await http.post(
            f"{portal.casework_url}/cases",
            headers=portal.headers("ib-bram"),
            json={"pupil_id": pupil["pupil_id"], "signal_ids": [signal_id]},
        )
        assert opened.status_code == 201, opened.text
        return str(opened.json()["case_id"])


async def test_the_ib_er_invites_a_zorgteam_member_by_name_and_the_case_names_her(
    portal: Any, browser_page: Any, login: Any, check_accessibility: Check, screenshot: Any
) -> None:
    page = browser_page
    case_id = await seed_open_case(portal)
    await login(page, "ib-bram")
    await page.goto(f"{portal.url}/zaken/{case_id}/stap/zorgteam-uitnodigen")

    # the picker offers the school's zorgteam by name, the user ids stay out of sight
    picker = page.locator("select#member_id")
    await picker.wait_for()
    offered = {
        (await o.get_attribute("value"), (await o.inner_text()).strip())
        for o in await picker.locator("option").all()
    }
    zorgteam = {
        (u["id"], u["name"])
        for u in portal.users.values()
        if u["role"] == "zorgteam" and "12AB" in u.get("schools", [])
    }
    assert zorgteam <= offered, offered
    assert not {text for _, text in offered} & {u["id"] for u in portal.users.values()}
    await check_accessibility(page)

    await picker.select_option(label="Zoë Visser")
    await screenshot(page, "ib-zorgteamlid-kiezen")
    await page.get_by_test_id("step-form").locator("button[type=submit]").click()
    await page.wait_for_url(re.compile(rf".*/zaken/{case_id}\?vastgelegd=zorgteam-uitnodigen$"))
    await page.get_by_test_id("done-message").wait_for()
    people = await page.get_by_test_id("case-people").inner_text()
    assert "Zoë Visser" in people
    assert await page.get_by_test_id("case-owner").inner_text() == "Bram Bakker"
    shown = await page.evaluate("() => document.body.innerText")
    assert "zorgteam-zoe" not in shown and "ib-bram" not in shown, "user ids on the case page"
    await check_accessibility(page)


async def test_a_person_not_in_the_directory_is_refused_by_the_service_not_only_the_screen(
    portal: Any, browser_page: Any, login: Any, check_accessibility: Check
) -> None:
    page = browser_page
    case_id = await seed_open_case(portal)
    await login(page, "ib-bram")
    await page.goto(f"{portal.url}/zaken/{case_id}/stap/zorgteam-uitnodigen")
    picker = page.locator("select#member_id")
    await picker.wait_for()
    await check_accessibility(page)
    assert await picker.locator(f'option[value="{NOT_LISTED}"]').count() == 0

    # a forged request: the form sends a value the picker never offered
    await picker.evaluate(
        """(select, id) => {
            const option = document.createElement('option');
            option.value = id;
            option.textContent = 'Olga (niet in het personeelsoverzicht)';
            select.append(option);
            select.value = id;
        }""",
        NOT_LISTED,
    )
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if r.request.method == "POST" else None)
    await page.get_by_test_id("step-form").locator("button[type=submit]").click()
    summary = page.locator("[data-error-summary]")
    await summary.wait_for()
    refusal = await summary.inner_text()
    assert "personeelsoverzicht" in refusal and NOT_LISTED in refusal, refusal
    await page.wait_for_function("() => document.activeElement && document.activeElement.id === 'probleem'")
    summary_box, form_box = await summary.bounding_box(), await picker.bounding_box()
    assert summary_box and form_box and summary_box["y"] < form_box["y"], "the refusal is above the form"
    assert 409 in statuses, statuses
    await check_accessibility(page)

    # the case did not change: nobody was invited
    await page.goto(f"{portal.url}/zaken/{case_id}")
    assert await page.get_by_test_id("case-people").count() == 0
    await check_accessibility(page)

    # the service itself refuses the same command, whatever screen sent it
    async with httpx.AsyncClient(timeout=20) as http:
        refused = await http.post(
            f"{portal.casework_url}/cases/{case_id}/zorgteam-invitations",
            headers=portal.headers("ib-bram"),
            json={"member_id": NOT_LISTED},
        )
    assert refused.status_code == 409, refused.text
    assert refused.json()["rule"] == STAFF_REFUSED
    assert "personeelsoverzicht" in refused.json()["detail"]
