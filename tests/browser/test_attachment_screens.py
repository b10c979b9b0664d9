"""A teacher records a signal with a body map and a photo of a note (issue 17), and sees both
listed with the signal; the IB'er opens the same attachments."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from typing import Any

from PIL import Image
from playwright.async_api import expect

from .seed import register_pupil

Check = Callable[[Any], Awaitable[None]]


def photo_of_a_note() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "khaki").save(out, format="JPEG")
    return out.getvalue()


async def test_a_teacher_records_a_signal_with_a_body_map_and_a_photo_and_sees_them_listed(
    portal: Any, browser_page: Any, login: Any, check_accessibility: Check, screenshot: Any
) -> None:
    pupil = await register_pupil(portal)
    page = browser_page
    await page.goto(f"{portal.url}/login")
    await login(page, "leerkracht-anna")
    await page.goto(f"{portal.url}/leerkracht/leerlingen/{pupil['pupil_id']}/signaal")
    await expect(page.get_by_test_id("pupil-name")).to_have_text(f"Sanne {pupil['family_name']}")

    await page.get_by_label("Wat heeft u gezien of gehoord? (feiten)").fill(
        "Blauwe plek op de borst en een schaafwond op de linkerarm, gezien bij het omkleden voor gym."
    )
    await page.get_by_label("Eigen waarneming").check()
    await page.get_by_label("Lichamelijke mishandeling").check()
    body_map = page.locator("[data-body-map]")
    await body_map.locator('[data-region="borst"]').click()  # a tap on the drawing ticks the chest
    await expect(body_map.get_by_label("Borst")).to_be_checked()
    await expect(body_map.locator(".portal-body-map__mark")).to_have_count(1)
    await body_map.get_by_label("Arm links").press("Space")  # the keyboard's way in
    await expect(body_map.get_by_label("Arm links")).to_be_checked()
    await page.get_by_label("Foto of document toevoegen").set_input_files(
        {"name": "briefje.jpg", "mimeType": "image/jpeg", "buffer": photo_of_a_note()}
    )
    await check_accessibility(page)
    await screenshot(page, "leerkracht-signaal-met-lichaamskaart")
    await page.get_by_role("button", name="Signaal vastleggen").click()

    await expect(page.get_by_test_id("confirmation")).to_contain_text("Uw signaal is vastgelegd")
    listed = page.get_by_test_id("attachment")
    await expect(listed).to_have_count(2)
    await expect(listed.nth(0)).to_contain_text("Lichaamskaart downloaden")
    await expect(listed.nth(0)).to_contain_text("PNG-afbeelding")
    await expect(listed.nth(1)).to_contain_text("Foto downloaden")
    await expect(listed.nth(1)).to_contain_text("JPEG-foto")
    await check_accessibility(page)
    await screenshot(page, "leerkracht-signaal-met-bijlagen")

    href = await listed.nth(0).get_by_role("link").get_attribute("href")
    download = await page.request.get(f"{portal.url}{href}")
    assert download.status == 200
    assert download.headers["content-type"] == "image/png"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert (await download.body()).startswith(b"\x89PNG\r\n\x1a\n")

    await page.get_by_role("link", name="Bijlage toevoegen").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Bijlagen bij het signaal")
    await page.get_by_label("Foto of document toevoegen").set_input_files(
        {"name": "geen-foto.png", "mimeType": "image/png", "buffer": b"<svg><script>alert(1)</script></svg>"}
    )
    await page.get_by_role("button", name="Bijlage toevoegen").click()
    await expect(page.get_by_text("Dit bestand is geen foto (JPEG of PNG) of PDF.")).to_be_visible()
    await expect(page.get_by_test_id("attachment")).to_have_count(2)
    await check_accessibility(page)
