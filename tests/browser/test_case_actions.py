"""Only the actions that fit (issue 17, item 4): the case page in a real browser against the real
services offers what casework allows now, for three states (just opened, weighed with "melden is
verplicht", closed) and three roles (the IB'er, an invited zorgteam member, and a teacher, who gets no
case page at all). The next step's action is greyed with casework's reason. Every page is checked
with axe-core.

The cases are brought to their state over casework's API (as the IB'er); the screens are only read.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from meldcode_testkit import eventually
from meldcode_vocabulary.dutch_days import dutch_today

from .seed import register_pupil

Login = Callable[[Any, str], Awaitable[None]]
Check = Callable[[Any], Awaitable[None]]


async def open_case(portal: Any, http: httpx.AsyncClient) -> str:
    """A pupil with a teacher's signal and a case opened from it by the IB'er, zorgteam-zoe invited."""
    pupil = await register_pupil(portal)
    recorded = await http.post(
        f"{portal.signals_url}/pupils/{pupil['pupil_id']}/signals",
        headers=portal.headers("leerkracht-anna"),
        json={
            "observed_on": dutch_today().isoformat(),
            "description": "Blauwe plek op de bovenarm, zichtbaar bij de gymles.",
            "source": {"kind": "own_observation"},
            "categories": ["physical"],
        },
    )
    assert recorded.status_code == 201, recorded.text
    signal_id = recorded.json()["signal_id"]
    opened: dict[str, Any] = {}

    async def case_opened() -> bool:
        answer = await http.post(
            f"{portal.casework_url}/cases",
            headers=portal.headers("ib-bram"),
            json={"pupil_id": pupil["pupil_id"], "signal_ids": [signal_id]},
        )
        opened.update(answer.json())
        return answer.status_code == 201  # casework learns the signal from the topic a moment later

    await eventually(case_opened, timeout=30)
    case_id = str(opened["case_id"])
    await command(portal, http, case_id, "zorgteam-invitations", {"member_id": "zorgteam-zoe"})
    return case_id


async def command(
    portal: Any, http: httpx.AsyncClient, case_id: str, path: str, body: dict[str, Any]
) -> None:
    answer = await http.post(
        f"{portal.casework_url}/cases/{case_id}/{path}", headers=portal.headers("ib-bram"), json=body
    )
    assert answer.status_code == 200, answer.text


async def weigh_with_unsafety(portal: Any, http: httpx.AsyncClient, case_id: str) -> None:
    today = dutch_today().isoformat()
    await command(
        portal,
        http,
        case_id,
        "parents-conversation",
        {"held_on": today, "participants": ["ib-bram", "moeder"], "summary": "Zorgen besproken."},
    )
    await command(
        portal,
        http,
        case_id,
        "risk-weighing",
        {
            "participants": [
                {"name": "Bram Bakker", "role": "intern begeleider", "discipline": "onderwijs"},
                {"name": "Zoë Visser", "role": "jeugdverpleegkundige", "discipline": "jeugdgezondheidszorg"},
            ],
            "nature": "Herhaalde blauwe plekken en angst om naar huis te gaan.",
            "severity": "ernstig",
            "risk_level": "hoog",
            "suspicion": True,
            "acute_unsafety": False,
            "structural_unsafety": True,
        },
    )


async def actions_of(page: Any, check: Check, url: str) -> tuple[set[str], set[str]]:
    """(the actions offered as links, the actions greyed) on the case page at `url`."""
    await page.goto(url)
    await page.get_by_test_id("case-step").wait_for()
    await check(page)
    shown = set(
        await page.locator("li[data-action]:not([data-disabled])").evaluate_all(
            "els => els.map(e => e.dataset.action)"
        )
    )
    greyed = set(
        await page.locator("li[data-action][data-disabled]").evaluate_all(
            "els => els.map(e => e.dataset.action)"
        )
    )
    assert await page.locator("li[data-disabled] a").count() == 0  # a greyed action is not a link
    return shown, greyed


IB_ONLY = {"zorgteam-uitnodigen", "zorgteam-uitnodiging-intrekken"}
LATER = {"afwegingskader", "hulp", "melding-veilig-thuis", "terugkoppeling-veilig-thuis", "zorgcoordinator"}


async def test_the_case_page_offers_only_the_actions_that_fit_the_state_and_the_role(
    portal: Any, chromium: Any, browser_page: Any, login: Login, check_accessibility: Check
) -> None:
    async with httpx.AsyncClient(timeout=20) as http:
        weighed, closed = await open_case(portal, http), await open_case(portal, http)
    weighed_url, closed_url = f"{portal.url}/zaken/{weighed}", f"{portal.url}/zaken/{closed}"

    ib = browser_page
    await login(ib, "ib-bram")
    zorgteam_context = await chromium.new_context(
        base_url=portal.url,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        viewport={"width": 1280, "height": 900},
    )
    zorgteam_context.set_default_timeout(20_000)
    teacher_context = await chromium.new_context(
        base_url=portal.url,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        viewport={"width": 1280, "height": 900},
    )
    teacher_context.set_default_timeout(20_000)
    try:
        zoe, anna = await zorgteam_context.new_page(), await teacher_context.new_page()
        await login(zoe, "zorgteam-zoe")
        await login(anna, "leerkracht-anna")

        # just opened: the parents conversation; the weighing greyed with casework's reason
        shown, greyed = await actions_of(ib, check_accessibility, weighed_url)
        assert {"gesprek-ouders", "gesprek-ouders-overslaan", "zorgteam-uitnodigen", "afsluiten"} <= shown
        assert greyed == {"weging"}
        assert (
            "Voer eerst het gesprek met de ouders"
            in await ib.locator('li[data-action="weging"]').inner_text()
        )
        assert not (LATER | {"heropenen"}) & (shown | greyed)
        assert 'data-state="current">Stap 2' in await ib.get_by_test_id("progress").inner_html()

        zoe_shown, zoe_greyed = await actions_of(zoe, check_accessibility, weighed_url)
        assert "gesprek-ouders" in zoe_shown and not IB_ONLY & (zoe_shown | zoe_greyed)
        assert "jgz-consultatie" not in zoe_shown  # the IB'er or the case owner asks the JGZ

        await anna.goto(weighed_url)
        await check_accessibility(anna)
        assert await anna.locator("li[data-action]").count() == 0

        # weighed with structural unsafety: the decision, and it can only report
        async with httpx.AsyncClient(timeout=20) as http:
            await weigh_with_unsafety(portal, http, weighed)
        shown, greyed = await actions_of(ib, check_accessibility, weighed_url)
        assert {"afwegingskader", "weging"} <= shown
        assert not {"afsluiten", "heropenen", "terugkoppeling-veilig-thuis", "hulp"} & shown
        assert "melding-veilig-thuis" in greyed and "afsluiten" not in greyed
        progress = await ib.get_by_test_id("progress").inner_html()
        assert 'data-state="not_recorded">Stap 2' in progress  # no consultation was recorded
        assert 'data-state="done">Stap 3' in progress
        await ib.locator('li[data-action="afwegingskader"] a').click()
        await ib.wait_for_url(re.compile(r".*/stap/afwegingskader$"))
        await check_accessibility(ib)
        outcomes = set(await ib.locator("select#outcome option").evaluate_all("els => els.map(e => e.value)"))
        assert outcomes == {"", "report", "report_and_help"}
        assert await ib.locator('[data-from-weighing="true"]').count() == 2

        zoe_shown, zoe_greyed = await actions_of(zoe, check_accessibility, weighed_url)
        assert "afwegingskader" in zoe_shown and not IB_ONLY & (zoe_shown | zoe_greyed)

        # closed: reopening (and recording that the pupil left), nothing else
        async with httpx.AsyncClient(timeout=20) as http:
            await command(
                portal, http, closed, "close", {"reason": "Zorgen weggenomen in het gesprek met de ouders."}
            )
        shown, greyed = await actions_of(ib, check_accessibility, closed_url)
        # (withdrawing an invitation takes the closed case away from the zorgteam member)
        assert shown == {"heropenen", "leerling-vertrokken", "zorgteam-uitnodiging-intrekken"} and not greyed
        zoe_shown, zoe_greyed = await actions_of(zoe, check_accessibility, closed_url)
        assert zoe_shown == {"heropenen", "leerling-vertrokken"} and not zoe_greyed
        await anna.goto(closed_url)
        await check_accessibility(anna)
        assert await anna.locator("li[data-action]").count() == 0
    finally:
        await zorgteam_context.close()
        await teacher_context.close()
