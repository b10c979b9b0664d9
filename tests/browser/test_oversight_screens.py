"""The oversight screens in a real browser against the real services: the auditor reads a case's
history, its state at a moment between two steps, the verification of the hash chains, the pupil's
access log and the export; the coordinator reads the dashboard; a teacher is refused."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from meldcode_contracts.labels import EVENT_LABELS
from meldcode_testkit import eventually
from meldcode_testkit.demo_case import walk_reported_case
from meldcode_vocabulary.dutch_days import DUTCH_TIME, dutch_today

PAUSE_AFTER_OPENING = 2.5
"""Seconds between opening the case and the next step, so a moment typed to the second lies between them."""


@dataclass(frozen=True)
class SeededCase:
    case_id: str
    pupil_id: str
    opened_at: datetime
    next_step_at: datetime


async def _ok(response: httpx.Response) -> Any:
    assert response.status_code in (200, 201), (
        f"{response.request.url}: {response.status_code} {response.text}"
    )
    return response.json()


@pytest.fixture(scope="module")
async def seeded_case(portal: Any) -> SeededCase:
    """A pupil of 12AB with two signals and a case walked to the end over the services' APIs, and a
    read of the pupil's chronology by the IB'er (an earlier read for the access log)."""
    teacher, ib, zorgteam = (portal.headers(u) for u in ("leerkracht-anna", "ib-bram", "zorgteam-zoe"))
    today = dutch_today()
    async with httpx.AsyncClient(timeout=30) as http:
        pupil = await _ok(
            await http.post(
                f"{portal.signals_url}/pupils",
                headers=ib,
                json={
                    "school": "12AB",
                    "pupil_number": f"toezicht-{uuid.uuid4().hex[:8]}",
                    "given_name": "Mila",
                    "family_name": "Jansen",
                    "date_of_birth": "2013-02-03",
                },
            )
        )
        pupil_id = pupil["pupil_id"]
        signal_ids = []
        for days_ago, description in (
            (9, "Komt vaak zonder eten naar school."),
            (3, "Blauwe plek op de arm."),
        ):
            signal = await _ok(
                await http.post(
                    f"{portal.signals_url}/pupils/{pupil_id}/signals",
                    headers=teacher,
                    json={
                        "observed_on": (today - timedelta(days=days_ago)).isoformat(),
                        "description": description,
                        "source": {"kind": "own_observation"},
                        "categories": ["neglect"],
                    },
                )
            )
            signal_ids.append(signal["signal_id"])

        async def casework_knows_the_signals() -> bool:
            known = await http.get(f"{portal.casework_url}/pupils/{pupil_id}/signals", headers=ib)
            return known.status_code == 200 and set(signal_ids) <= {s["signal_id"] for s in known.json()}

        await eventually(casework_knows_the_signals, timeout=60)
        opened = await _ok(
            await http.post(
                f"{portal.casework_url}/cases",
                headers=ib,
                json={"pupil_id": pupil_id, "signal_ids": signal_ids},
            )
        )
        case_id = opened["case_id"]
        await asyncio.sleep(PAUSE_AFTER_OPENING)
        await walk_reported_case(http, portal.casework_url, ib, zorgteam, case_id, signal_ids)

        async def chronology_complete() -> bool:
            read = await http.get(f"{portal.reporting_url}/pupils/{pupil_id}/chronology", headers=ib)
            return read.status_code == 200 and any(
                e["event_type"] == "CaseClosed" for e in read.json()["entries"]
            )

        await eventually(chronology_complete, timeout=60)
        auditor = portal.headers("auditor-inspectie")

        async def ib_read_is_logged() -> bool:
            log = await http.get(
                f"{portal.reporting_url}/audit/access-log", headers=auditor, params={"pupil_id": pupil_id}
            )
            return log.status_code == 200 and any(
                e["user_id"] == "ib-bram" and e["action"] == "pupil.chronology" for e in log.json()["entries"]
            )

        await eventually(ib_read_is_logged, timeout=60)
        history = await _ok(
            await http.get(f"{portal.casework_url}/audit/cases/{case_id}/events", headers=auditor)
        )
    events = history["events"]
    at = [datetime.fromisoformat(e["occurred_at"].replace("Z", "+00:00")) for e in events]
    # The opening is saved with casework's published obligations (ADR 18), in the same instant;
    # the next step is the first command after the pause.
    opening = {"CaseOpened", "CaseObligationsChanged"}
    next_step = next(when for when, e in zip(at, events, strict=True) if e["event_type"] not in opening)
    return SeededCase(case_id=case_id, pupil_id=pupil_id, opened_at=at[0], next_step_at=next_step)


def _dutch_input(moment: datetime) -> str:
    """The first whole second after `moment`, in Dutch time, as a datetime-local value."""
    whole = moment.replace(microsecond=0) + timedelta(seconds=1)
    return whole.astimezone(DUTCH_TIME).strftime("%Y-%m-%dT%H:%M:%S")


Check = Callable[[Any], Awaitable[None]]
Shot = Callable[[Any, str], Awaitable[Path]]


async def test_the_auditor_reads_history_as_of_verification_access_log_and_export(
    portal: Any,
    browser_page: Any,
    login: Callable[[Any, str], Awaitable[None]],
    check_accessibility: Check,
    screenshot: Shot,
    seeded_case: SeededCase,
    tmp_path: Path,
) -> None:
    page = browser_page
    await login(page, "auditor-inspectie")

    await page.goto("/audit")
    await check_accessibility(page)
    await page.get_by_role("textbox", name="Zaaknummer").fill(seeded_case.case_id)
    await page.get_by_role("button", name="Open de zaak").click()
    await page.wait_for_url(f"**/audit/zaken/{seeded_case.case_id}")
    history = page.get_by_test_id("geschiedenis")
    await history.get_by_text("Zaak geopend", exact=False).first.wait_for()
    rows = history.locator("tbody tr")
    assert await rows.count() >= 13
    assert await rows.first.get_attribute("data-event-type") == "CaseOpened"
    # closing is followed by casework's published step "gesloten" (ADR 18), which the auditor sees too
    assert [await rows.nth(i).get_attribute("data-event-type") for i in (-2, -1)] == [
        "CaseClosed",
        "CaseObligationsChanged",
    ]
    assert "ib-bram" in await rows.first.inner_text()
    await check_accessibility(page)
    await screenshot(page, "auditor-geschiedenis")

    await page.get_by_role("link", name="Stand op een moment").click()
    moment = _dutch_input(seeded_case.opened_at)
    assert datetime.fromisoformat(moment).replace(tzinfo=DUTCH_TIME) < seeded_case.next_step_at
    await page.get_by_label("Datum en tijd (Nederlandse tijd)", exact=True).fill(moment)
    await page.get_by_role("button", name="Toon de stand").click()
    state = page.get_by_test_id("stand")
    await state.wait_for()
    text = await state.inner_text()
    assert "Stap 2: zaak geopend" in text
    assert "Zaak gesloten" not in text
    assert await page.get_by_label("Datum en tijd (Nederlandse tijd)", exact=True).input_value() == moment
    await check_accessibility(page)
    await screenshot(page, "auditor-stand-op-moment")

    async with page.expect_download() as downloading:
        await page.get_by_role("link", name="Export downloaden (JSON Lines)").click()
    download = await downloading.value
    assert download.suggested_filename == f"zaak-{seeded_case.case_id}.jsonl"
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)
    lines = [json.loads(line) for line in saved.read_text(encoding="utf-8").splitlines()]
    kinds = {(line["service"], line["event_type"]) for line in lines}
    assert ("casework", "CaseOpened") in kinds
    assert ("signals", "SignalRecorded") in kinds
    assert all(line["event_hash"] for line in lines)

    await page.get_by_role("link", name="Verificatie").click()
    outcome = page.get_by_test_id("verificatie-uitkomst")
    await outcome.wait_for()
    assert "Keten intact" in await outcome.inner_text()
    await check_accessibility(page)
    await screenshot(page, "auditor-verificatie")

    await page.goto(f"/audit/zaken/{seeded_case.case_id}")
    await page.get_by_role("link", name="Toegangslogboek van de leerling").click()
    log = page.get_by_test_id("toegangslog")
    await log.wait_for()
    chronology_reads = log.locator('tr[data-action="pupil.chronology"]', has_text="ib-bram")
    assert await chronology_reads.count() >= 1
    assert "Chronologie van de leerling gelezen" in await chronology_reads.first.inner_text()
    await check_accessibility(page)
    await screenshot(page, "auditor-toegangslog")


async def test_the_coordinator_reads_the_dashboard_with_a_table_for_every_chart(
    portal: Any,
    browser_page: Any,
    login: Callable[[Any, str], Awaitable[None]],
    check_accessibility: Check,
    screenshot: Shot,
    seeded_case: SeededCase,
) -> None:
    page = browser_page
    async with httpx.AsyncClient(timeout=30) as http:

        async def school_counted() -> bool:
            answer = await http.get(
                f"{portal.reporting_url}/tenants/swv-zuid/dashboard",
                headers=portal.headers("coordinator-carla"),
            )
            return answer.status_code == 200 and "12AB" in {s["school"] for s in answer.json()["schools"]}

        await eventually(school_counted, timeout=60)
    await login(page, "coordinator-carla")

    await page.goto("/dashboard")
    for name in (
        "Signalen, besluiten en meldingen bij Veilig Thuis per school",
        "Open zaken per school en per stap (nu)",
        "Besluiten volgens het afwegingskader, per uitkomst",
        "Tijd per stap: mediaan in dagen",
        "Verloop per maand: signalen, besluiten en meldingen",
    ):
        await page.get_by_role("table", name=name).wait_for()
    overview = page.get_by_role("table", name="Signalen, besluiten en meldingen bij Veilig Thuis per school")
    assert await overview.get_by_role("rowheader", name="Basisschool De Regenboog (12AB)").count() == 1
    charts = page.locator("canvas[data-chart-for]")
    assert await charts.count() == 5
    await page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length === 5")
    await check_accessibility(page)
    await screenshot(page, "coordinator-dashboard")

    await overview.get_by_role("link", name="Basisschool De Regenboog (12AB)").click()
    await page.get_by_role("heading", name="Dashboard Basisschool De Regenboog (12AB)").wait_for()
    await check_accessibility(page)

    refused = await page.goto(f"/audit/zaken/{seeded_case.case_id}")
    assert refused is not None and refused.status == 403
    await check_accessibility(page)


ENGLISH = re.compile(r"\b(" + "|".join(EVENT_LABELS) + r")\b|\b(GET|POST) /|\{[a-z_]+_id\}|[a-z]+_[a-z_]+")
"""An event type, a route template, or a code with underscores (`decided_on`, `report_and_help`)."""


async def test_the_coordinator_and_the_auditor_read_no_english_event_type_route_or_code(
    portal: Any,
    browser_page: Any,
    login: Callable[[Any, str], Awaitable[None]],
    seeded_case: SeededCase,
) -> None:
    page = browser_page
    await login(page, "auditor-inspectie")
    pages = [
        f"/audit/zaken/{seeded_case.case_id}",
        f"/audit/zaken/{seeded_case.case_id}/stand?tijdstip={seeded_case.next_step_at.isoformat()}",
        f"/audit/toegangslog?leerling={seeded_case.pupil_id}",
        "/audit?school=12AB",
        "/dashboard",
    ]
    for url in pages:
        await page.goto(url)
        await page.locator("main").wait_for()
        for details in await page.locator("details").all():
            await details.evaluate("d => d.open = true")  # the data of every event, as the auditor opens it
        text = await page.locator("main").inner_text()
        assert not ENGLISH.search(text), (url, ENGLISH.search(text))

    await page.context.clear_cookies()
    await login(page, "coordinator-carla")
    await page.goto("/dashboard")
    await page.locator("main").wait_for()
    text = await page.locator("main").inner_text()
    assert not ENGLISH.search(text), ENGLISH.search(text)


async def test_a_teacher_typing_the_auditor_url_is_refused(
    portal: Any,
    browser_page: Any,
    login: Callable[[Any, str], Awaitable[None]],
    check_accessibility: Check,
    seeded_case: SeededCase,
) -> None:
    page = browser_page
    await login(page, "leerkracht-anna")

    for url in (f"/audit/zaken/{seeded_case.case_id}", "/audit/toegangslog", "/dashboard"):
        response = await page.goto(url)
        assert response is not None and response.status == 403
        await page.get_by_role("heading", name="Geen toegang").wait_for()
        assert seeded_case.case_id not in await page.content()
    await check_accessibility(page)
