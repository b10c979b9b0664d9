"""The case walk, measured: a teacher's two signals to a closed case across the roles, with the
screens only (the API only where the screens have no way yet, counted as "API steps").

It counts what the people do — log-ins, clicks (choices in forms included), typed fields, form
submissions, addresses typed because no link led there — and times every page: the portal's own
time (its Server-Timing header) and the time to DOMContentLoaded in the browser. The figures are
printed as one line of JSON and written to docs/measurements/case-walk.json. Every page visited is
checked like the other browser tests (axe-core, 390 px wide, Dutch only); failures of those checks
are listed in the figures and fail the test after the figures are written.
"""

from __future__ import annotations

import asyncio
import json
import re
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from meldcode_testkit import REPO_ROOT, eventually
from meldcode_vocabulary.dutch_days import dutch_today

Check = Callable[[Any], Awaitable[None]]
MEASUREMENT = REPO_ROOT / "docs" / "measurements" / "case-walk.json"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")


def page_name(url: str) -> str:
    """A page's path with its ids left out, for the figures."""
    path = re.sub(r"^https?://[^/]+", "", url).split("?")[0]
    return UUID.sub("…", path)


@dataclass
class Walk:
    """What the people did on the way, and how long each page took."""

    check: Check
    portal_url: str
    logins: int = 0
    clicks: int = 0
    typed_fields: int = 0
    form_submissions: int = 0
    typed_addresses: int = 0
    api_steps: int = 0
    read_side_waits: int = 0
    server_ms: list[tuple[float, str]] = field(default_factory=list)
    dom_content_loaded_ms: list[tuple[float, str]] = field(default_factory=list)
    check_failures: list[str] = field(default_factory=list)
    _seen_documents: set[tuple[str, float]] = field(default_factory=set)

    def watch(self, page: Any) -> None:
        def on_response(response: Any) -> None:
            if response.request.resource_type != "document" or not response.url.startswith(self.portal_url):
                return
            timing = SERVER_TIMING.search(response.headers.get("server-timing", ""))
            if timing:
                name = f"{response.request.method} {page_name(response.url)}"
                self.server_ms.append((float(timing.group(1)), name))

        page.on("response", on_response)

    async def arrived(self, page: Any) -> None:
        """On a new page: its DOMContentLoaded time, and the checks every page gets."""
        await page.wait_for_load_state("domcontentloaded")
        entry = await page.evaluate(
            """() => {
                const n = performance.getEntriesByType('navigation')[0];
                return n ? [performance.timeOrigin, n.domContentLoadedEventEnd - n.startTime] : null;
            }"""
        )
        if entry and (page.url, entry[0]) not in self._seen_documents:
            self._seen_documents.add((page.url, entry[0]))
            self.dom_content_loaded_ms.append((float(entry[1]), page_name(page.url)))
        try:
            await self.check(page)
        except AssertionError as failed:
            self.check_failures.append(str(failed).split("\n")[0][:300])

    async def login(self, page: Any, user_key: str, login: Callable[[Any, str], Awaitable[None]]) -> None:
        self.logins += 1
        self.clicks += 2  # "Inloggen" in the portal, then the person on the issuer's page
        await login(page, user_key)
        await self.arrived(page)

    async def click(self, page: Any, locator: Any, *, navigates: bool = True) -> None:
        self.clicks += 1
        if not navigates:
            await locator.click()
            return
        async with page.expect_navigation(wait_until="domcontentloaded"):
            await locator.click()
        await self.arrived(page)

    async def visit(self, page: Any, url: str) -> None:
        """An address typed (or bookmarked): no link on the screen led there."""
        self.typed_addresses += 1
        await page.goto(url)
        await self.arrived(page)

    async def link_or_visit(self, page: Any, href: str) -> None:
        """Follow the link to `href` (with or without a query) on the current page, or type the
        address if there is none."""
        link = page.locator(f'main a[href="{href}"], main a[href^="{href}?"]')
        if await link.count():
            await self.click(page, link.first)
        else:
            await self.visit(page, f"{self.portal_url}{href}")

    async def fill(self, page: Any, values: dict[str, str]) -> None:
        """Fill a form as a person would: typing in text fields, choosing in the others (a person
        in the staff directory's picker by name)."""
        for selector, value in values.items():
            target = page.locator(selector)
            kind = await target.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
            if kind.startswith("select"):
                self.clicks += 1
                await target.select_option(value)
            elif kind in ("input:checkbox", "input:radio"):
                if not await target.is_checked():
                    self.clicks += 1
                    await target.check()
            else:
                self.typed_fields += 1
                await target.fill(value)

    async def submit(self, page: Any, button: Any, *, navigates: bool = True) -> None:
        self.form_submissions += 1
        await self.click(page, button, navigates=navigates)

    async def until_shown(self, page: Any, url: str, selector: str, timeout: float = 60.0) -> None:
        """Reload until the read side shows `selector` (the person waits a moment and looks again)."""
        deadline = time.monotonic() + timeout
        while True:
            await page.goto(url)
            if await page.locator(selector).count() > 0:
                await self.arrived(page)
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{selector} not shown on {url} within {timeout}s")
            self.read_side_waits += 1
            await asyncio.sleep(0.5)

    def figures(self) -> dict[str, Any]:
        def summary(timings: list[tuple[float, str]]) -> dict[str, Any]:
            if not timings:
                return {"pages": 0}
            slowest = max(timings)
            return {
                "pages": len(timings),
                "median_ms": round(statistics.median(t for t, _ in timings), 1),
                "slowest_ms": round(slowest[0], 1),
                "slowest_page": slowest[1],
            }

        return {
            "walk": "a teacher's two signals to a closed case",
            "measured_on": dutch_today().isoformat(),
            "logins": self.logins,
            "clicks": self.clicks,
            "form_submissions": self.form_submissions,
            "typed_fields": self.typed_fields,
            "typed_addresses": self.typed_addresses,
            "api_steps": self.api_steps,
            "read_side_waits": self.read_side_waits,
            "server": summary(self.server_ms),
            "dom_content_loaded": summary(self.dom_content_loaded_ms),
            "check_failures": self.check_failures,
        }


async def pupil_id_of(portal: Any, family_name: str) -> str:
    """The id of the pupil the IB'er registered, once reporting knows it (the test's own lookup, not
    a step of the walk)."""
    async with httpx.AsyncClient(timeout=20) as client:

        async def found() -> str | None:
            answer = await client.get(
                f"{portal.reporting_url}/schools/12AB/pupils",
                params={"q": family_name},
                headers=portal.headers("ib-bram"),
            )
            pupils = answer.json()["pupils"] if answer.status_code == 200 else []
            return str(pupils[0]["pupil_id"]) if pupils else None

        pupil_id: str = await eventually(found, timeout=30)
        return pupil_id


TEACHER_SIGNALS = [
    ("Kwam drie dagen achter elkaar zonder ontbijt en zonder jas naar school.", "#categories-2"),
    ("Blauwe plek op de bovenarm, zichtbaar bij de gymles; zei 'ben gevallen'.", "#categories-1"),
]


async def new_page(chromium: Any, portal: Any, walk: Walk) -> Any:
    context = await chromium.new_context(
        base_url=portal.url,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(20_000)
    page = await context.new_page()
    walk.watch(page)
    return page


async def test_the_case_walk_is_measured_from_two_signals_to_a_closed_case(
    portal: Any, chromium: Any, login: Callable[[Any, str], Awaitable[None]], check_accessibility: Check
) -> None:
    walk = Walk(check_accessibility, portal.url)
    family_name = f"Wandel{uuid.uuid4().hex[:6]}"
    pupils_name = f"Sanne {family_name}"

    # The IB'er registers the pupil through the screens (item 1); 13 years old, so the pupil is
    # informed too.
    ib = await new_page(chromium, portal, walk)
    await walk.login(ib, "ib-bram", login)
    menu = ib.get_by_role("navigation", name="Hoofdmenu")
    await walk.click(ib, menu.get_by_role("link", name="Leerling zoeken"))
    await walk.click(ib, ib.get_by_role("main").get_by_role("link", name="Leerling inschrijven"))
    await walk.fill(
        ib,
        {
            "#pupil_number": uuid.uuid4().hex[:8],
            "#given_name": "Sanne",
            "#family_name": family_name,
            "#date_of_birth": date(datetime.now(UTC).year - 13, 1, 1).isoformat(),
        },
    )
    await walk.submit(ib, ib.get_by_role("button", name="Leerling inschrijven"))
    pupil_id = await pupil_id_of(portal, family_name)

    # The teacher records two signals.
    teacher = await new_page(chromium, portal, walk)
    await walk.login(teacher, "leerkracht-anna", login)
    await walk.click(
        teacher,
        teacher.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Signaal vastleggen"),
    )
    for number, (description, category) in enumerate(TEACHER_SIGNALS):
        if number:  # the confirmation leads to the same pupil's form: no search again (item 9)
            await walk.click(
                teacher, teacher.get_by_role("link", name="Nog een signaal over Sanne vastleggen")
            )
        else:
            await walk.fill(teacher, {"#q": family_name})
            await walk.submit(teacher, teacher.get_by_role("button", name="Zoeken"), navigates=False)
            await walk.click(
                teacher, teacher.get_by_test_id("pupil-results").get_by_role("link", name=pupils_name)
            )
        await walk.fill(teacher, {"#description": description, "#source_kind-1": "", category: ""})
        await walk.submit(teacher, teacher.get_by_role("button", name="Signaal vastleggen"))
        await teacher.get_by_test_id("confirmation").wait_for()

    # The IB'er sees the signals among the tasks and opens a case from them.
    open_case = f'a[href^="/leerlingen/{pupil_id}/zaak-openen"]'
    await walk.until_shown(ib, f"{portal.url}/taken", open_case)
    await walk.click(ib, ib.locator(open_case).first)
    signal_boxes = 'form[data-testid="open-case-form"] input[name="signal_ids"]'

    async def both_signals_offered() -> bool:
        await ib.reload()
        return await ib.locator(signal_boxes).count() >= len(TEACHER_SIGNALS)

    await eventually(both_signals_offered, timeout=60)
    await walk.arrived(ib)
    for box in await ib.locator(signal_boxes).all():
        if not await box.is_checked():
            walk.clicks += 1
            await box.check()
    await walk.submit(ib, ib.get_by_role("button", name="Zaak openen"))
    await ib.wait_for_url(re.compile(r".*/zaken/[0-9a-f-]+\?vastgelegd=zaak-geopend$"))
    case_id = UUID.search(ib.url).group(0)  # type: ignore[union-attr]
    case_href = f"/zaken/{case_id}"

    async def step(page: Any, href: str, values: dict[str, str], form: str = "step-form") -> None:
        """From the case page: the step's link, its form filled in and sent, back on the case page."""
        if not page.url.split("?")[0].endswith(case_href):
            await walk.link_or_visit(page, case_href)
        await walk.link_or_visit(page, href)
        await walk.fill(page, values)
        await walk.submit(page, page.get_by_test_id(form).locator("button[type=submit]"))
        await page.wait_for_url(re.compile(r".*\?vastgelegd=[a-z-]+$"))

    await step(
        ib,
        f"/leerlingen/{pupil_id}/stap/consultatie",
        {
            "#consulted_name": "Jeugdverpleegkundige Jet",
            "#consulted_role": "jeugdverpleegkundige",
            "#organisation": "JGZ",
            "#advice": "Bespreek de signalen met de ouders en breng de zaak in het zorgteam.",
        },
    )
    await step(
        ib,
        f"{case_href}/stap/gesprek-ouders",
        {
            "#participants": "leerkracht Anna\nIB'er Bram\nmoeder",
            "#summary": "Signalen besproken met moeder.",
        },
    )
    await step(ib, f"{case_href}/stap/zorgteam-uitnodigen", {"#member_id": "Zoë Visser"})

    # The zorgteam member finds the case and records the weighing.
    zoe = await new_page(chromium, portal, walk)
    await walk.login(zoe, "zorgteam-zoe", login)
    await walk.until_shown(zoe, f"{portal.url}/zaken", f'a[href="{case_href}"]')
    await walk.click(zoe, zoe.locator(f'main a[href="{case_href}"]').first)
    await step(
        zoe,
        f"{case_href}/stap/weging",
        {
            "#participant_name_0": "Bram (IB'er)",
            "#participant_role_0": "intern begeleider",
            "#participant_discipline_0": "onderwijs",
            "#participant_name_1": "Dr. Jeugdarts",
            "#participant_role_1": "jeugdarts",
            "#participant_discipline_1": "jeugdgezondheidszorg",
            "#nature": "Herhaald letsel en verwaarlozing.",
            "#severity": "ernstig",
            "#risk_level": "hoog",
            "#suspicion-1": "",
            "#acute_unsafety-2": "",
            "#structural_unsafety-1": "",
            "#approach": "Melden bij Veilig Thuis en hulp via het wijkteam.",
        },
    )

    # The IB'er (still on the case page) looks again, decides along the afwegingskader and walks
    # the case to its end.
    await ib.reload()
    await walk.arrived(ib)
    await walk.link_or_visit(ib, f"{case_href}/stap/afwegingskader")
    # questions 1 and 2 are the zorgteam's answers in the weighing: shown, not asked again (item 7)
    await ib.locator('[data-question="2"][data-from-weighing="true"]').wait_for()
    await ib.get_by_test_id("gevolg-2").wait_for()
    await walk.fill(
        ib,
        {
            "#outcome": "report_and_help",
            "#reasons": "Structurele onveiligheid: melden is verplicht, hulp loopt daarnaast.",
            "#who_reports": "Bram Bakker",
            "#who_informs_parents": "Bram Bakker",
        },
    )
    await walk.submit(ib, ib.get_by_test_id("decision-form").locator("button[type=submit]"))
    await ib.wait_for_url(re.compile(r".*\?vastgelegd=afwegingskader$"))
    evaluation_on = (dutch_today() + timedelta(weeks=6)).isoformat()
    for slug, values in (
        ("ouders-geinformeerd", {"#summary": "Voornemen tot melding aan moeder verteld."}),
        ("kind-geinformeerd", {"#summary": "Met de leerling (13) besproken wat er gaat gebeuren."}),
        (
            "melding-veilig-thuis",
            {
                "#veilig_thuis_region": "Zuid",
                "#veilig_thuis_organisation": "Veilig Thuis Zuid",
                "#school_continues": "Dagelijks contact met de leerling en wekelijks met moeder.",
            },
        ),
        ("terugkoppeling-veilig-thuis", {"#steps_taken": "Veilig Thuis start een onderzoek."}),
        ("hulp", {"#help_description": "Gezinscoach via het wijkteam.", "#providers": "wijkteam"}),
        ("zorgcoordinator", {"#coordinator_id": "Carla Smit"}),
        ("evaluatie-plannen", {"#evaluation_on": evaluation_on, "#agreements": "Elke twee weken contact."}),
        ("evaluatie", {"#lasting_safety-1": "", "#findings": "De situatie thuis is stabiel en veilig."}),
        (
            "afsluiten",
            {
                "#reason": "Blijvende veiligheid vastgesteld.",
                "#aftercare": "De IB'er volgt de leerling dit schooljaar.",
            },
        ),
    ):
        await step(ib, f"{case_href}/stap/{slug}", values)
    assert "Zaak gesloten" in await ib.get_by_test_id("case-step").inner_text()

    # The teacher looks at her signals again.
    await walk.click(
        teacher, teacher.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn signalen")
    )

    figures = walk.figures()
    MEASUREMENT.parent.mkdir(parents=True, exist_ok=True)
    MEASUREMENT.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, ensure_ascii=False))
    assert not walk.check_failures, "pages that failed their checks:\n" + "\n".join(walk.check_failures)
