"""The task page (`/taken`): tasks named by pupil, newest first as the service sends them, the
count badge in the navigation, and undoing "Afronden"."""

from __future__ import annotations

import re
import uuid

from fastapi.testclient import TestClient

from .shell_fakes import FakeLoginClient, FakeServices, csrf_of, log_in, portal

PUPIL = str(uuid.uuid4())
CASE = str(uuid.uuid4())
TASK = str(uuid.uuid4())


def task(task_id: str = TASK, status: str = "open", **changes: object) -> dict[str, object]:
    return {
        "task_id": task_id,
        "kind": "take_decision",
        "title": "Neem een besluit (stap 5)",
        "status": status,
        "pupil_id": PUPIL,
        "case_id": CASE,
        "created_at": "2026-11-02T09:00:00Z",
        "due_at": None,
        **changes,
    }


def services_with(*tasks: dict[str, object], count: int = 1, group: str | None = "5") -> FakeServices:
    services = FakeServices()
    services.on("GET", "/tasks", body=list(tasks))
    services.on("GET", "/tasks/count", body={"open": count})
    pupil = {"pupil_id": PUPIL, "display_name": "Bram Jansen"} | ({"group": group} if group else {})
    services.on("GET", f"/pupils/{PUPIL}/chronology", body={"pupil": pupil, "entries": []})
    return services


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def logged_in(services: FakeServices, user: str = "bram") -> TestClient:
    client, _, _ = portal(FakeLoginClient(token=f"token-{user}"), services)
    log_in(client, "/taken")
    return client


def test_a_task_is_titled_with_the_pupils_name_and_group_and_the_badge_counts_the_open_ones() -> None:
    services = services_with(task(), count=3)
    client = logged_in(services)

    page = client.get("/taken")

    assert page.status_code == 200
    shown = text_of(page.text)
    assert "Bram Jansen (groep 5): Neem een besluit (stap 5)" in shown
    assert "Takenlijst (3)" in shown, "the count in the navigation, in text as well"
    assert PUPIL not in shown


def test_the_invited_zorgteam_member_sees_the_task_named_by_pupil_without_a_group_when_none_is_known() -> (
    None
):
    services = services_with(
        task(kind="take_part_in_weighing", title="Neem deel aan de weging in het zorgteam"), group=None
    )
    client = logged_in(services, "zoe")

    shown = text_of(client.get("/taken").text)

    assert "Bram Jansen: Neem deel aan de weging in het zorgteam" in shown


def test_the_tasks_keep_the_services_order_newest_first() -> None:
    older, newer = str(uuid.uuid4()), str(uuid.uuid4())
    services = services_with(
        task(newer, created_at="2026-11-03T09:00:00Z", title="Nieuwere taak"),
        task(older, created_at="2026-11-01T09:00:00Z", title="Oudere taak"),
    )
    client = logged_in(services)

    html = client.get("/taken").text

    assert html.index(f'id="taak-{newer}"') < html.index(f'id="taak-{older}"')


def test_a_pupil_reporting_cannot_name_shows_the_title_alone() -> None:
    services = services_with(task())
    services.on(
        "GET", f"/pupils/{PUPIL}/chronology", status=404, body={"title": "Niet gevonden", "status": 404}
    )
    client = logged_in(services)

    shown = text_of(client.get("/taken").text)

    assert "Neem een besluit (stap 5)" in shown and "Bram" not in shown


def test_the_badge_fragment_for_the_other_pages() -> None:
    client = logged_in(services_with(count=2))

    home = client.get("/zaken")
    badge = client.get("/taken/aantal")

    assert 'hx-get="/taken/aantal"' in home.text
    assert text_of(badge.text) == "(2)"


def test_completing_offers_undo_in_a_notification_banner_and_undo_reopens() -> None:
    services = services_with(task())
    services.on("POST", f"/tasks/{TASK}/complete", body=task(status="done"))
    services.on("POST", f"/tasks/{TASK}/reopen", body=task())
    client = logged_in(services)
    csrf = csrf_of(client, "/taken")

    done = client.post(f"/taken/{TASK}/afronden", data={"csrf_token": csrf})
    assert done.status_code == 303
    banner_page = client.get(done.headers["location"])
    assert 'data-testid="task-done-banner"' in banner_page.text
    assert f'action="/taken/{TASK}/heropenen"' in banner_page.text
    assert "Ongedaan maken" in banner_page.text

    undone = client.post(f"/taken/{TASK}/heropenen", data={"csrf_token": csrf})
    assert undone.status_code == 303
    assert "De taak staat weer open." in client.get(undone.headers["location"]).text
    assert [r.url.path for r in services.requests if r.method == "POST"] == [
        f"/tasks/{TASK}/complete",
        f"/tasks/{TASK}/reopen",
    ]


def test_completing_with_htmx_replaces_the_row_with_an_undo_button_and_a_refused_undo_is_shown() -> None:
    services = services_with(task())
    services.on("POST", f"/tasks/{TASK}/complete", body=task(status="done"))
    services.on(
        "POST",
        f"/tasks/{TASK}/reopen",
        status=409,
        body={
            "title": "Conflict",
            "status": 409,
            "detail": "Afronden kan alleen ongedaan worden gemaakt door wie de taak afrondde, binnen 10 minuten.",
            "rule": "task-undo-window",
        },
    )
    client = logged_in(services)
    csrf = csrf_of(client, "/taken")

    row = client.post(f"/taken/{TASK}/afronden", headers={"HX-Request": "true", "X-CSRF-Token": csrf})
    assert row.text.lstrip().startswith(f'<li id="taak-{TASK}"')
    assert "Ongedaan maken" in row.text and 'role="status"' in row.text

    refused = client.post(f"/taken/{TASK}/heropenen", data={"csrf_token": csrf})
    assert refused.status_code == 409
    assert "binnen 10 minuten" in text_of(refused.text)
