"""The IB'er registers a pupil by form and a class by importing the pupil administration's CSV
export, finds them, and records a signal from a pupil's chronology; axe-core on every page."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from playwright.async_api import expect

from meldcode_testkit.pages import until_shown

Check = Callable[[Any], Awaitable[None]]


async def test_the_ib_er_registers_a_pupil_by_form_and_imports_a_class_then_finds_them(
    portal: Any, browser_page: Any, login: Any, check_accessibility: Check, tmp_path: Any
) -> None:
    run = uuid.uuid4().hex[:6]
    page = browser_page
    await login(page, "ib-bram")

    # Nobody found: the search offers to register, with the name typed.
    await page.goto(f"{portal.url}/leerlingen?q=Fenna+Dekker{run}")
    await expect(page.get_by_text("Geen leerling gevonden")).to_be_visible()
    await check_accessibility(page)
    await page.get_by_role("link", name="Leerling inschrijven").click()
    await expect(page.get_by_label("Roepnaam")).to_have_value("Fenna")
    await expect(page.get_by_label("Achternaam")).to_have_value(f"Dekker{run}")
    await check_accessibility(page)
    await page.get_by_label("Leerlingnummer").fill(f"F-{run}")
    await page.get_by_label("Geboortedatum").fill("2016-04-12")
    await page.get_by_role("button", name="Leerling inschrijven").click()
    await expect(page.get_by_test_id("done-message")).to_contain_text(f"Fenna Dekker{run} is ingeschreven")
    await check_accessibility(page)
    await until_shown(page, f"{portal.url}/leerlingen?q=F-{run}", f'text="Fenna Dekker{run}"')

    # A class from the pupil administration: ;-separated, Windows-1252, a second read registers nothing.
    export = tmp_path / "leerlingen.csv"
    export.write_bytes(
        (
            "Leerlingnummer;Roepnaam;Tussenvoegsel;Achternaam;Geboortedatum;Groep\r\n"
            f"I1-{run};Joël;;Smit{run};03-02-2016;4\r\n"
            f"I2-{run};Daan;van der;Berg{run};17-09-2015;5\r\n"
        ).encode("cp1252")
    )
    await page.goto(f"{portal.url}/leerlingen/inlezen")
    await check_accessibility(page)
    await page.get_by_label("CSV-bestand met leerlingen").set_input_files(str(export))
    await page.get_by_role("button", name="Bestand inlezen").click()
    await expect(page.get_by_test_id("import-result")).to_contain_text(
        "2 leerlingen ingeschreven, 0 al bekend"
    )
    await check_accessibility(page)
    await page.get_by_label("CSV-bestand met leerlingen").set_input_files(str(export))
    await page.get_by_role("button", name="Bestand inlezen").click()
    await expect(page.get_by_test_id("import-result")).to_contain_text(
        "0 leerlingen ingeschreven, 2 al bekend"
    )

    await until_shown(page, f"{portal.url}/leerlingen?q=Berg{run}", f'text="Daan van der Berg{run}"')
    await check_accessibility(page)

    # From the pupil's chronology, the IB'er records a signal with the teacher's form.
    await page.get_by_role("link", name=f"Daan van der Berg{run}", exact=True).click()
    await page.get_by_role("link", name="Signaal vastleggen").click()
    await check_accessibility(page)
    await page.get_by_label("Wat heeft u gezien of gehoord? (feiten)").fill(
        "Daan vertelde dat hij sinds gisteren niet thuis heeft gegeten."
    )
    await page.get_by_label("Verteld door de leerling").check()
    await page.get_by_role("button", name="Signaal vastleggen").click()
    await expect(page.get_by_role("status")).to_contain_text("Het signaal is vastgelegd.")
    await check_accessibility(page)


async def test_a_file_with_a_bad_row_is_refused_with_its_row_number_and_nothing_is_registered(
    portal: Any, browser_page: Any, login: Any, check_accessibility: Check, tmp_path: Any
) -> None:
    run = uuid.uuid4().hex[:6]
    export = tmp_path / "fout.csv"
    export.write_text(
        "Leerlingnummer;Roepnaam;Tussenvoegsel;Achternaam;Geboortedatum;Groep\n"
        f"B1-{run};Sem;;Mulder{run};01-05-2016;4\n"
        f"B2-{run};Lotte;;;31-02-2016;4\n",
        encoding="utf-8-sig",
    )
    page = browser_page
    await login(page, "ib-bram")
    await page.goto(f"{portal.url}/leerlingen/inlezen")
    await page.get_by_label("CSV-bestand met leerlingen").set_input_files(str(export))
    await page.get_by_role("button", name="Bestand inlezen").click()
    await expect(page.get_by_test_id("import-refused")).to_contain_text("Regel 3")
    await check_accessibility(page)
    await page.goto(f"{portal.url}/leerlingen?q=B1-{run}")
    await expect(page.get_by_text("Geen leerling gevonden")).to_be_visible()
