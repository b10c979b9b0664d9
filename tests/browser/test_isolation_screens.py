"""A teacher of another school who types a pupil's URL by hand is refused, and the page shows
nothing of the pupil."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from playwright.async_api import expect

from .seed import register_pupil

Check = Callable[[Any], Awaitable[None]]


async def test_a_teacher_of_another_school_typing_the_pupils_url_is_refused_without_pupil_data(
    portal: Any, browser_page: Any, login: Any, check_accessibility: Check, screenshot: Any
) -> None:
    pupil = await register_pupil(portal, given_name="Noor")
    async with httpx.AsyncClient(timeout=20) as client:
        recorded = await client.post(
            f"{portal.signals_url}/pupils/{pupil['pupil_id']}/signals",
            headers=portal.headers("leerkracht-anna"),
            json={
                "observed_on": "2026-01-12",
                "description": "Noor vertelde dat ze bang is om naar huis te gaan.",
                "source": {"kind": "pupil_said"},
                "categories": ["emotional"],
            },
        )
        assert recorded.status_code == 201, recorded.text
    signal_id = recorded.json()["signal_id"]

    page = browser_page
    await login(page, "leerkracht-kees")  # a teacher of school 34CD, same samenwerkingsverband
    for url in (
        f"{portal.url}/leerkracht/leerlingen/{pupil['pupil_id']}/signaal",
        f"{portal.url}/leerkracht/signalen/{signal_id}",
    ):
        response = await page.goto(url)
        assert response is not None and response.status == 403
        await expect(page.get_by_role("heading", level=1)).to_have_text("Geen toegang")
        await expect(page.get_by_test_id("error-detail")).to_contain_text("andere school")
        content = await page.content()
        for personal in (pupil["family_name"], pupil["pupil_number"], "bang om naar huis"):
            assert personal not in content
        await check_accessibility(page)
    await screenshot(page, "leerkracht-andere-school-geweigerd")

    blocked = await page.request.post(
        f"{portal.url}/leerkracht/leerlingen/{pupil['pupil_id']}/signaal",
        form={"observed_on": "2026-01-13", "description": "poging zonder formulier-token"},
    )
    assert blocked.status == 403
    assert "Formulier verlopen" in await blocked.text()
