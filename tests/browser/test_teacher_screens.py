"""A teacher (leerkracht) finds a pupil of the own school, records a signal and sees it in "mijn
signalen"; a signal the rules refuse shows the Dutch message beside the form and keeps the input."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from playwright.async_api import expect

from .seed import register_pupil

Check = Callable[[Any], Awaitable[None]]


async def test_a_teacher_finds_a_pupil_records_a_signal_and_sees_it_in_mijn_signalen(
    portal: Any, browser_page: Any, login: Any, check_accessibility: Check, screenshot: Any
) -> None:
    pupil = await register_pupil(portal)
    page = browser_page

    await page.goto(f"{portal.url}/login")
    await page.wait_for_url(f"{portal.issuer_url}/authorize**")
    await expect(page.get_by_role("heading", name="Inloggen (ontwikkelomgeving)")).to_be_visible()
    await check_accessibility(page)
    await screenshot(page, "inloggen")

    await login(page, "leerkracht-anna")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Anna de Leerkracht")
    await expect(page.get_by_test_id("user-role")).to_have_text("Leerkracht")
    await check_accessibility(page)
    await screenshot(page, "leerkracht-start")

    await (
        page.get_by_role("navigation", name="Hoofdmenu")
        .get_by_role("link", name="Signaal vastleggen")
        .click()
    )
    await page.get_by_label("Naam of leerlingnummer").fill(pupil["family_name"])
    await page.get_by_role("button", name="Zoeken").click()
    result = page.get_by_test_id("pupil-results").get_by_role("link", name=f"Sanne {pupil['family_name']}")
    await expect(result).to_be_visible()
    await check_accessibility(page)
    await result.click()

    await expect(page.get_by_test_id("pupil-name")).to_have_text(f"Sanne {pupil['family_name']}")
    facts = "Kwam zonder jas naar school terwijl het vroor; had een schaafwond op de knie."
    await page.get_by_label("Wat heeft u gezien of gehoord? (feiten)").fill(facts)
    await page.get_by_label("Uw interpretatie").fill("Ik maak me zorgen of er thuis genoeg zorg is.")
    await page.get_by_label("Eigen waarneming").check()
    await page.get_by_label("Lichamelijke verwaarlozing").check()
    await page.get_by_label("Lichamelijke mishandeling").check()
    await check_accessibility(page)
    await screenshot(page, "leerkracht-signaal-vastleggen")
    await page.get_by_role("button", name="Signaal vastleggen").click()

    await expect(page.get_by_test_id("confirmation")).to_contain_text("Uw signaal is vastgelegd")
    await expect(page.locator(".portal-facts")).to_contain_text(facts)
    await expect(page.locator(".portal-facts")).to_contain_text("Lichamelijke verwaarlozing")
    await check_accessibility(page)

    await page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn signalen").click()
    row = page.get_by_test_id("signal-table").get_by_role("row").filter(has_text=pupil["family_name"])
    for _ in range(30):  # "mijn signalen" is a read model: the signal arrives within moments
        if await row.count():
            break
        await page.wait_for_timeout(500)
        await page.reload()
    await expect(row).to_contain_text("Kwam zonder jas naar school")
    await check_accessibility(page)
    await screenshot(page, "leerkracht-mijn-signalen")


async def test_a_signal_the_rules_refuse_shows_the_message_beside_the_form_and_keeps_the_input(
    portal: Any, browser_page: Any, login: Any, check_accessibility: Check, screenshot: Any
) -> None:
    pupil = await register_pupil(portal)
    page = browser_page
    await login(page, "leerkracht-anna")
    await page.goto(f"{portal.url}/leerkracht/leerlingen/{pupil['pupil_id']}/signaal")

    facts = "De buurvrouw vertelde dat er 's avonds vaak hard geschreeuwd wordt."
    await page.get_by_label("Wat heeft u gezien of gehoord? (feiten)").fill(facts)
    await page.get_by_label("Uw interpretatie").fill("Mogelijk huiselijk geweld.")
    await page.get_by_label("Verteld door een ander (derde)").check()
    await page.get_by_label("Huiselijk geweld").check()
    await page.get_by_role("button", name="Signaal vastleggen").click()

    alert = page.get_by_role("alert")
    await expect(alert).to_contain_text("Noem de derde van wie de informatie komt.")
    await expect(page.get_by_label("Wat heeft u gezien of gehoord? (feiten)")).to_have_value(facts)
    await expect(page.get_by_label("Uw interpretatie")).to_have_value("Mogelijk huiselijk geweld.")
    await expect(page.get_by_label("Verteld door een ander (derde)")).to_be_checked()
    await expect(page.get_by_label("Huiselijk geweld")).to_be_checked()
    await check_accessibility(page)
    await screenshot(page, "leerkracht-signaal-geweigerd")

    await page.get_by_label("Naam of functie van de derde").fill("buurvrouw")
    await page.get_by_role("button", name="Signaal vastleggen").click()
    await expect(page.get_by_test_id("confirmation")).to_contain_text("Uw signaal is vastgelegd")
