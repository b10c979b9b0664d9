"""A refused form in a real browser: the error summary at the top takes focus, its links lead to the
fields, and no field is marked red before the teacher typed or sent anything — also on a phone."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from .seed import register_pupil

Check = Callable[[Any], Awaitable[None]]
BORDER = "(e) => getComputedStyle(e).borderTopColor"


async def test_the_error_summary_takes_focus_and_leads_to_the_fields(
    portal: Any, browser_page: Any, login: Any, check_accessibility: Check, screenshot: Any
) -> None:
    pupil = await register_pupil(portal)
    page = browser_page
    await page.set_viewport_size({"width": 390, "height": 844})
    await login(page, "leerkracht-anna")
    await page.goto(f"{portal.url}/leerkracht/leerlingen/{pupil['pupil_id']}/signaal")

    # nothing typed yet: the required fields look like the optional one
    required, optional = page.locator("#description"), page.locator("#interpretation")
    assert await required.evaluate(BORDER) == await optional.evaluate(BORDER)
    assert await page.locator("[data-error-summary]").count() == 0
    await check_accessibility(page)

    await page.fill("#observed_on", "")
    await page.get_by_role("button", name="Signaal vastleggen").click()
    summary = page.locator("[data-error-summary]")
    await summary.wait_for()
    await page.wait_for_function("() => document.activeElement && document.activeElement.id === 'probleem'")
    assert "Er is een probleem" in await summary.inner_text()
    summary_box, form_box = await summary.bounding_box(), await page.locator("#observed_on").bounding_box()
    assert summary_box and form_box and summary_box["y"] < form_box["y"], "the summary is above the fields"
    await check_accessibility(page)
    await screenshot(page, "leerkracht-foutmelding-telefoon")

    await summary.get_by_role(
        "link", name="Wat u zag of hoorde: Beschrijf wat u heeft gezien of gehoord."
    ).click()
    await page.wait_for_function(
        "() => document.activeElement && document.activeElement.id === 'description'"
    )
    assert await page.locator("#description").get_attribute("aria-invalid") == "true"
    assert await required.evaluate(BORDER) != await optional.evaluate(BORDER), "a field in error is marked"
