"""The casework screens in a real browser against the real services: an IB'er walks the demo case
from a teacher's signals to a closed case, one step is refused with its Dutch message and the
input kept, and a zorgteam member finds the case and records the weighing.

Every page visited is checked with axe-core (WCAG 2.1 A/AA); the main pages are saved as
screenshots in docs/screenshots/.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from meldcode_testkit.pages import until_shown
from meldcode_vocabulary.dutch_days import dutch_today

Check = Callable[[Any], Awaitable[None]]

SIGNALS = [
    (21, "Blauwe plek op de bovenarm, zichtbaar bij de gymles.", ["physical"]),
    (10, "Komt drie dagen achter elkaar zonder ontbijt en zonder jas naar school.", ["neglect"]),
    (2, "Schrikt hevig wanneer een volwassene onverwacht de klas binnenkomt.", ["emotional"]),
]


async def seed_pupil_with_signals(portal: Any) -> tuple[str, str, list[str]]:
    """A pupil of 13 (so the pupil must be informed of a report) with the teacher's three signals,
    recorded over the APIs as the demo does."""
    born = date(datetime.now(UTC).year - 13, 1, 1)
    pupil_number = f"w2-{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(timeout=10) as http:
        registered = await http.post(
            f"{portal.signals_url}/pupils",
            headers=portal.headers("ib-bram"),
            json={
                "school": "12AB",
                "pupil_number": pupil_number,
                "given_name": "Sanne",
                "family_name": "de Vries",
                "date_of_birth": born.isoformat(),
            },
        )
        assert registered.status_code == 201, registered.text
        pupil_id: str = registered.json()["pupil_id"]
        signal_ids = []
        for days_ago, description, categories in SIGNALS:
            recorded = await http.post(
                f"{portal.signals_url}/pupils/{pupil_id}/signals",
                headers=portal.headers("leerkracht-anna"),
                json={
                    "observed_on": (datetime.now(UTC) - timedelta(days=days_ago)).date().isoformat(),
                    "description": description,
                    "source": {"kind": "own_observation"},
                    "categories": categories,
                },
            )
            assert recorded.status_code == 201, recorded.text
            signal_ids.append(recorded.json()["signal_id"])
    return pupil_id, pupil_number, signal_ids


async def record_step(page: Any, check: Check, case_url: str, slug: str, fill: dict[str, str]) -> None:
    """Open a step's form from the case page, fill it in, send it and land on the case again."""
    await page.goto(f"{case_url}/stap/{slug}")
    await check(page)
    for selector, value in fill.items():
        if selector.startswith("check:"):
            await page.check(selector.removeprefix("check:"))
        elif selector.startswith("select:"):
            await page.select_option(selector.removeprefix("select:"), value)
        else:
            await page.fill(selector, value)
    await page.get_by_test_id("step-form").locator("button[type=submit]").click()
    await page.wait_for_url(re.compile(rf".*/zaken/[0-9a-f-]+\?vastgelegd={slug}$"))
    await page.get_by_test_id("done-message").wait_for()


async def test_an_ib_er_walks_the_demo_case_through_the_screens_and_a_refused_step_keeps_its_input(
    portal: Any,
    chromium: Any,
    browser_page: Any,
    login: Callable[[Any, str], Awaitable[None]],
    check_accessibility: Check,
    screenshot: Callable[[Any, str], Awaitable[Any]],
) -> None:
    page = browser_page
    check = check_accessibility
    pupil_id, pupil_number, signal_ids = await seed_pupil_with_signals(portal)

    # The IB'er's task inbox shows the teacher's new signals.
    await login(page, "ib-bram")
    task_link = f'a[href^="/leerlingen/{pupil_id}/zaak-openen"]'
    await until_shown(page, f"{portal.url}/taken", task_link)
    await check(page)
    await screenshot(page, "ib-takenlijst")

    # Opening a case from the signals (casework learns them from the signal events).
    await page.locator(task_link).first.click()
    await until_shown(
        page, f"{portal.url}/leerlingen/{pupil_id}/zaak-openen", f'input[value="{signal_ids[2]}"]'
    )
    await check(page)
    for signal_id in signal_ids:
        await page.check(f'input[value="{signal_id}"]')
    await page.get_by_role("button", name="Zaak openen").click()
    await page.wait_for_url(re.compile(r".*/zaken/[0-9a-f-]+\?vastgelegd=zaak-geopend$"))
    case_id = re.search(r"/zaken/([0-9a-f-]+)", page.url).group(1)  # type: ignore[union-attr]
    case_url = f"{portal.url}/zaken/{case_id}"
    await check(page)
    assert "Stap 2: zaak geopend" in await page.get_by_test_id("case-step").inner_text()
    assert await page.locator('[data-code="gesprek_ouders"]').count() == 1

    # Step 2: a collegiale consultatie, recorded for the pupil.
    await page.goto(f"{portal.url}/leerlingen/{pupil_id}/stap/consultatie")
    await check(page)
    await page.fill("#consulted_name", "Jeugdverpleegkundige Jet")
    await page.fill("#consulted_role", "jeugdverpleegkundige")
    await page.fill("#organisation", "JGZ")
    await page.fill("#advice", "Bespreek de signalen met de ouders en breng de zaak in het zorgteam.")
    await page.get_by_test_id("step-form").locator("button[type=submit]").click()
    await page.wait_for_url(re.compile(r".*/chronologie\?vastgelegd=consultatie$"))
    await check(page)

    # Step 3: the conversation with the parents.
    await record_step(
        page,
        check,
        case_url,
        "gesprek-ouders",
        {
            "#participants": "leerkracht Anna\nIB'er Bram\nmoeder",
            "#summary": "Signalen besproken; moeder herkent de zorgen deels.",
        },
    )
    await check(page)
    assert await page.locator('[data-code="weging_zorgteam"]').count() == 1

    # The IB'er invites the zorgteam member into the case: only invited members see it.
    await record_step(
        page, check, case_url, "zorgteam-uitnodigen", {"select:#member_id": "Zoë Visser", "#organisation": ""}
    )

    # Step 4: the zorgteam member finds the case among the school's cases and records the weighing,
    # without htmx (its script is not loaded): every form works as a plain HTML form. (Not with
    # JavaScript switched off altogether: axe-core needs it to check the pages.)
    zorgteam_context = await chromium.new_context(
        base_url=portal.url,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        viewport={"width": 1280, "height": 900},
    )
    zorgteam_context.set_default_timeout(20_000)
    await zorgteam_context.route("**/htmx*.js", lambda route: route.abort())
    try:
        zoe = await zorgteam_context.new_page()
        await login(zoe, "zorgteam-zoe")
        await until_shown(zoe, f"{portal.url}/zaken", f'a[href="/zaken/{case_id}"]')
        await check(zoe)
        await zoe.locator(f'a[href="/zaken/{case_id}"]').click()
        await zoe.wait_for_url(f"{case_url}")
        await check(zoe)
        await record_step(
            zoe,
            check,
            case_url,
            "weging",
            {
                "#participant_name_0": "Bram (IB'er)",
                "#participant_role_0": "intern begeleider",
                "select:#participant_discipline_0": "onderwijs",
                "#participant_name_1": "Dr. Jeugdarts",
                "#participant_role_1": "jeugdarts",
                "select:#participant_discipline_1": "jeugdgezondheidszorg",
                "#participant_name_2": "Carla (SMW)",
                "#participant_role_2": "schoolmaatschappelijk werker",
                "select:#participant_discipline_2": "schoolmaatschappelijk_werk",
                "#nature": "Herhaald letsel, verwaarlozing en schrikreacties.",
                "select:#severity": "ernstig",
                "select:#risk_level": "hoog",
                "check:#suspicion-1": "",
                "check:#acute_unsafety-2": "",
                "check:#structural_unsafety-1": "",
                "#approach": "Melden bij Veilig Thuis en hulp via het wijkteam.",
            },
        )
        await check(zoe)
        assert "Stap 4" in await zoe.get_by_test_id("case-step").inner_text()
        # The afwegingskader without htmx is one long form with all five questions.
        await zoe.goto(f"{case_url}/stap/afwegingskader")
        assert await zoe.locator("[data-question]").count() == 5
        await check(zoe)
    finally:
        await zorgteam_context.close()

    # Step 5: the decision, along the afwegingskader as a guided sequence of questions; questions 1
    # and 2 are the zorgteam's answers in the weighing, shown and not asked again (issue 17, item 7).
    await page.goto(f"{case_url}/stap/afwegingskader")
    await page.locator('[data-question="2"][data-from-weighing="true"]').wait_for()
    assert await page.locator("#q1_suspicion-ja").count() == 0
    await page.get_by_test_id("gevolg-2").wait_for()
    assert "Melden bij Veilig Thuis is verplicht" in await page.get_by_test_id("gevolg-2").inner_text()
    assert await page.locator('[data-question="3"]').count() == 0
    await page.select_option("#outcome", "report_and_help")
    await page.fill("#reasons", "Structurele onveiligheid: melden is verplicht, hulp loopt daarnaast.")
    # people are chosen by name from the school's staff directory
    await page.select_option("#who_reports", label="Bram Bakker")
    await page.select_option("#who_informs_parents", label="Bram Bakker")
    await check(page)
    await screenshot(page, "ib-afwegingskader")
    await page.get_by_test_id("decision-form").locator("button[type=submit]").click()
    await page.wait_for_url(re.compile(r".*\?vastgelegd=afwegingskader$"))
    await check(page)
    assert await page.locator('[data-code="ouders_informeren"]').count() >= 1
    assert await page.locator('[data-code="kind_informeren"]').count() >= 1
    await screenshot(page, "ib-casus")

    # A refused step: the report before the parents are informed, without a recorded exception.
    await page.goto(f"{case_url}/stap/melding-veilig-thuis")
    await check(page)
    await page.fill("#veilig_thuis_region", "Zuid")
    await page.fill("#veilig_thuis_organisation", "Veilig Thuis Zuid")
    await page.fill("#school_continues", "Dagelijks contact met de leerling en wekelijks met moeder.")
    await page.uncheck(f'input[value="{signal_ids[1]}"]')
    response_status: list[int] = []
    page.on("response", lambda r: response_status.append(r.status) if r.request.method == "POST" else None)
    await page.get_by_test_id("step-form").locator("button[type=submit]").click()
    alert = page.get_by_role("alert")
    await alert.wait_for()
    assert 409 in response_status
    assert "Informeer eerst de ouders over de voorgenomen melding" in await alert.inner_text()
    assert await page.input_value("#veilig_thuis_region") == "Zuid"
    assert await page.input_value("#veilig_thuis_organisation") == "Veilig Thuis Zuid"
    assert "wekelijks met moeder" in await page.input_value("#school_continues")
    assert await page.is_checked(f'input[value="{signal_ids[0]}"]')
    assert not await page.is_checked(f'input[value="{signal_ids[1]}"]')
    await check(page)
    await screenshot(page, "ib-geweigerde-stap")

    # Parents and the pupil (13) informed; then the report is accepted.
    await record_step(
        page,
        check,
        case_url,
        "ouders-geinformeerd",
        {"#summary": "Voornemen tot melding aan moeder verteld."},
    )
    await record_step(
        page,
        check,
        case_url,
        "kind-geinformeerd",
        {"#summary": "Met de leerling (13) besproken wat er gaat gebeuren."},
    )
    await record_step(
        page,
        check,
        case_url,
        "melding-veilig-thuis",
        {
            "#veilig_thuis_region": "Zuid",
            "#veilig_thuis_organisation": "Veilig Thuis Zuid",
            "#school_continues": "Dagelijks contact met de leerling en wekelijks met moeder.",
        },
    )
    assert "gemeld bij Veilig Thuis" in await page.get_by_test_id("case-step").inner_text()

    # Feedback, help and step 6 (volgen) up to closing with aftercare.
    evaluation_on = (dutch_today() + timedelta(weeks=6)).isoformat()
    for slug, fill in (
        (
            "terugkoppeling-veilig-thuis",
            {"#steps_taken": "Veilig Thuis start een onderzoek en neemt contact op met het gezin."},
        ),
        (
            "hulp",
            {
                "#help_description": "Gezinscoach via het wijkteam.",
                "#providers": "wijkteam",
                "#teacher_advice": "Let op verzuim en meld nieuwe signalen.",
            },
        ),
        (
            "zorgcoordinator",
            {"select:#coordinator_id": "Carla Smit", "#organisation": "Schoolmaatschappelijk werk"},
        ),
        ("evaluatie-plannen", {"#evaluation_on": evaluation_on, "#agreements": "Elke twee weken contact."}),
        (
            "evaluatie",
            {"check:#lasting_safety-1": "", "#findings": "De situatie thuis is stabiel en veilig."},
        ),
        (
            "afsluiten",
            {
                "#reason": "Blijvende veiligheid vastgesteld na hulp en melding.",
                "#aftercare": "De IB'er volgt de leerling tot het einde van het schooljaar.",
            },
        ),
    ):
        await record_step(page, check, case_url, slug, fill)
    await check(page)
    assert "Zaak gesloten" in await page.get_by_test_id("case-step").inner_text()
    history = await page.get_by_test_id("history").inner_text()
    for label in ("Zaak geopend", "Weging in het zorgteam", "Melding bij Veilig Thuis", "Zaak gesloten"):
        assert label in history

    # The pupil's chronology: the signals, the consultation and every step, as a timeline.
    await until_shown(
        page,
        f"{portal.url}/leerlingen/{pupil_id}/chronologie",
        '[data-testid="chronology"] [data-event="CaseClosed"]',
    )
    chronology = await page.get_by_test_id("chronology").inner_text()
    assert "Blauwe plek op de bovenarm" in chronology
    assert "Collegiale consultatie" in chronology
    await check(page)
    await screenshot(page, "ib-chronologie")

    # The IB'er also finds the pupil by leerlingnummer.
    await until_shown(
        page, f"{portal.url}/leerlingen?q={pupil_number}", f'a[href="/leerlingen/{pupil_id}/chronologie"]'
    )
    await check(page)
