"""Issue 15, one truth about a case: casework decides the step, the open obligations and their due
days; reporting's case list and notifications' tasks show exactly what casework published, step by
step, and still do after the samenwerkingsverband's terms change. (The portal renders casework's
and reporting's answers as they are, due days included: web/tests/test_casework_screens.py.)"""

from __future__ import annotations

import asyncio
import json
from datetime import date, datetime
from typing import Any

import httpx

from meldcode_testkit import Suite, eventually
from meldcode_testkit.scenario import SCHOOL, Staff, open_case_from_demo_signals
from meldcode_vocabulary.dutch_days import DUTCH_TIME
from notifications.domain.decisions import TASK_OF_OBLIGATION

TERMS_BEFORE = {"default": {"parents_conversation_working_days": 3, "weighing_working_days": 7}}
TERMS_AFTER = {"swv-zuid": {"parents_conversation_working_days": 9, "weighing_working_days": 13}}

Published = tuple[str | None, list[tuple[str, str | None]]]


async def casework_view(http: httpx.AsyncClient, suite: Suite, staff: Staff, case_id: str) -> Published:
    response = await http.get(f"{suite.services['casework'].url}/cases/{case_id}", headers=staff.ib)
    assert response.status_code == 200, response.text
    case = response.json()
    return case["step"], [(o["code"], o["due_on"]) for o in case["open_obligations"]]


async def case_list_row(
    http: httpx.AsyncClient, suite: Suite, staff: Staff, case_id: str
) -> Published | None:
    response = await http.get(f"{suite.services['reporting'].url}/schools/{SCHOOL}/cases", headers=staff.ib)
    assert response.status_code == 200, response.text
    for case in response.json()["cases"]:
        if case["case_id"] == case_id:
            return case["step"], [(o["code"], o["due_on"]) for o in case["obligations"]]
    return None


async def open_tasks(
    http: httpx.AsyncClient, suite: Suite, staff: Staff, case_id: str
) -> dict[str, str | None]:
    """The case's open tasks (kind -> the last Dutch day on which each is on time)."""
    response = await http.get(f"{suite.services['notifications'].url}/tasks?status=open", headers=staff.ib)
    assert response.status_code == 200, response.text
    due: dict[str, str | None] = {}
    for task in response.json():
        if task["case_id"] == case_id and task["kind"] in set(TASK_OF_OBLIGATION.values()):
            due[task["kind"]] = task["due_on"]
    return due


async def all_views_agree(http: httpx.AsyncClient, suite: Suite, staff: Staff, case_id: str) -> Published:
    """Waits until reporting and notifications have caught up with casework, then returns what all
    three show; fails if they still disagree when the wait ends."""
    published = await casework_view(http, suite, staff, case_id)
    _, obligations = published
    expected_tasks = {
        TASK_OF_OBLIGATION[code]: due for code, due in obligations if code in TASK_OF_OBLIGATION
    }

    seen: dict[str, Any] = {}

    async def agreed() -> bool:
        seen["case list"] = await case_list_row(http, suite, staff, case_id)
        seen["tasks"] = await open_tasks(http, suite, staff, case_id)
        return seen["case list"] == published and seen["tasks"] == expected_tasks

    try:
        await eventually(agreed, timeout=60)
    except AssertionError as disagreed:
        raise AssertionError(
            f"casework {published}, tasks expected {expected_tasks}; seen {seen}"
        ) from disagreed
    return published


async def step(
    http: httpx.AsyncClient, suite: Suite, staff: Staff, case_id: str, path: str, body: dict[str, Any]
) -> None:
    response = await http.post(
        f"{suite.services['casework'].url}/cases/{case_id}/{path}", headers=staff.ib, json=body
    )
    assert response.status_code == 200, response.text


def due(published: Published, code: str) -> date:
    found = dict(published[1])[code]
    assert found is not None, f"{code} has no due day"
    return date.fromisoformat(found)


async def test_casework_reporting_and_notifications_show_one_step_and_one_set_of_due_days_also_after_new_terms(
    suite: Suite,
) -> None:
    for name in ("signals", "reporting", "notifications"):
        await suite.service(name)
    casework = await suite.service("casework", CASEWORK_TERMS=json.dumps(TERMS_BEFORE))
    staff = Staff(suite)
    today = datetime.now(DUTCH_TIME).date().isoformat()
    async with httpx.AsyncClient(timeout=30) as http:
        _, first, _ = await open_case_from_demo_signals(http, suite, staff)
        opened = await all_views_agree(http, suite, staff, first)
        assert opened[0] == "geopend" and [code for code, _ in opened[1]] == ["gesprek_ouders"]

        await step(
            http,
            suite,
            staff,
            first,
            "parents-conversation",
            {"held_on": today, "participants": ["IB'er", "moeder"], "summary": "Zorgen besproken."},
        )
        talked = await all_views_agree(http, suite, staff, first)
        assert talked[0] == "gesprek_ouders" and [code for code, _ in talked[1]] == ["weging_zorgteam"]

        # The samenwerkingsverband agrees on other terms; casework restarts with them.
        await asyncio.to_thread(casework.stop)
        casework.env["CASEWORK_TERMS"] = json.dumps(TERMS_AFTER)
        await suite.service("casework")
        _, second, _ = await open_case_from_demo_signals(http, suite, staff)
        opened_later = await all_views_agree(http, suite, staff, second)

        # A due day is kept as it was decided; a new one follows the terms in force.
        assert await all_views_agree(http, suite, staff, first) == talked
        assert due(opened_later, "gesprek_ouders") > due(opened, "gesprek_ouders")
