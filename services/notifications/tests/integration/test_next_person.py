"""The next person is told (issue 17): through Kafka into the running service, an invited zorgteam
member gets a task to take part in the weighing, the case owner one to decide after it, a
redelivery creates no second task; the badge's count and the undo of completing; and, in process
on real PostgreSQL and a real SMTP server, the mail that tells the person, without pupil data."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import asyncpg
import httpx

from meldcode_contracts import CASEWORK_EVENTS, CaseOpened, CaseOpenedPayload, RiskWeighed, Role
from meldcode_contracts.cases import (
    RiskWeighedPayload,
    WeighingParticipant,
    ZorgteamMemberInvited,
    ZorgteamMemberInvitedPayload,
)
from meldcode_testkit import Suite, eventually
from meldcode_testkit.builders import CaseEvents, pupil_registered
from meldcode_testkit.people import auth
from meldcode_testkit.publishing import publish
from notifications.entrypoints.consumer import MailSettings, handle_event

from .harness import Harness, Mailbox

IB = {"sub": "ib-1", "role": "intern_begeleider", "schools": ("12AB",)}
INVITED = {"sub": "zt-5", "role": "zorgteam", "schools": ("12AB",)}
OPENED_AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def opened_case(case: CaseEvents) -> CaseOpened:
    return CaseOpened(
        **case.envelope(OPENED_AT),
        payload=CaseOpenedPayload(
            **case.ids(), signal_ids=[uuid.uuid4()], case_owner_id="ib-1", opened_by="ib-1"
        ),
    )


def invitation(case: CaseEvents, member: str, at: datetime) -> ZorgteamMemberInvited:
    return ZorgteamMemberInvited(
        **case.envelope(at),
        payload=ZorgteamMemberInvitedPayload(**case.ids(), member_id=member, invited_on=at.date()),
    )


def weighing(case: CaseEvents, at: datetime) -> RiskWeighed:
    return RiskWeighed(
        **case.envelope(at, "zt-5", Role.ZORGTEAM),
        payload=RiskWeighedPayload(
            **case.ids(),
            weighed_on=at.date(),
            participants=[
                WeighingParticipant(name="Bram", role="intern begeleider", discipline="onderwijs"),
                WeighingParticipant(name="Dr. A", role="jeugdarts", discipline="jeugdgezondheidszorg"),
            ],
            nature="Verwaarlozing",
            severity="ernstig",
            risk_level="hoog",
            q1_suspicion=True,
            q2_acute_unsafety=False,
            q2_structural_unsafety=True,
            approach="Melden en hulp organiseren.",
        ),
    )


async def tasks_of(http: httpx.AsyncClient, suite: Suite, claims: dict[str, Any]) -> list[dict[str, Any]]:
    response = await http.get("/tasks", params={"status": "all"}, headers=auth(suite, claims))
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


async def test_the_invited_member_and_then_the_case_owner_are_given_their_task_once(suite: Suite) -> None:
    svc = await suite.service("notifications")
    pupil_id = uuid.uuid4()
    case = CaseEvents(pupil_id)
    opened = opened_case(case)
    invited = invitation(case, "zt-5", OPENED_AT + timedelta(hours=1))
    await publish(suite, CASEWORK_EVENTS, opened)
    await publish(suite, CASEWORK_EVENTS, invited)
    await publish(suite, CASEWORK_EVENTS, invited)  # redelivered
    async with httpx.AsyncClient(base_url=svc.url) as http:

        async def members_task() -> dict[str, Any] | None:
            found = [t for t in await tasks_of(http, suite, INVITED) if t["case_id"] == str(case.case_id)]
            return found[0] if found else None

        task = await eventually(members_task)
        assert (task["kind"], task["title"], task["assignee_user_id"], task["pupil_id"]) == (
            "take_part_in_weighing",
            "Neem deel aan de weging in het zorgteam",
            "zt-5",
            str(pupil_id),
        )
        count = await http.get("/tasks/count", headers=auth(suite, INVITED))
        assert count.json() == {"open": 1}

        weighed = weighing(case, OPENED_AT + timedelta(days=3))
        await publish(suite, CASEWORK_EVENTS, weighed)
        await publish(suite, CASEWORK_EVENTS, case.published(weighed, "weging", "besluit_afwegingskader"))

        async def owners_decision() -> dict[str, Any] | None:
            return next((t for t in await tasks_of(http, suite, IB) if t["kind"] == "take_decision"), None)

        decision = await eventually(owners_decision)
        assert (decision["title"], decision["assignee_user_id"], decision["status"]) == (
            "Neem een besluit (stap 5)",
            "ib-1",
            "open",
        )
        [done] = [t for t in await tasks_of(http, suite, INVITED) if t["case_id"] == str(case.case_id)]
        assert (done["status"], done["fulfilled_by_event_id"]) == ("done", str(weighed.event_id))
        assert (await http.get("/tasks/count", headers=auth(suite, INVITED))).json() == {"open": 0}

        # completing, and undoing it
        url = f"/tasks/{decision['task_id']}"
        completed = await http.post(f"{url}/complete", headers=auth(suite, IB))
        assert completed.json()["status"] == "done"
        # another person's task is refused to an invited zorgteam member, as completing it is
        assert (await http.post(f"{url}/reopen", headers=auth(suite, INVITED))).status_code == 403
        reopened = await http.post(f"{url}/reopen", headers=auth(suite, IB))
        assert reopened.status_code == 200, reopened.text
        assert reopened.json()["status"] == "open"
        again = await http.post(f"{url}/reopen", headers=auth(suite, IB))
        assert (again.status_code, again.json()["rule"]) == (409, "task-reopen-only-done")


async def test_the_invited_member_is_mailed_once_a_link_and_no_pupil_data(
    harness: Harness, smtp: tuple[Mailbox, int]
) -> None:
    mailbox, _ = smtp
    pupil_id = uuid.uuid4()
    case = CaseEvents(pupil_id)
    mail = MailSettings(harness.settings.portal_url, harness.settings.mail_domain)
    registered = pupil_registered(pupil_id, given_name="Bram", family_name="Jansen")
    invited = invitation(case, "smw-carla", OPENED_AT + timedelta(hours=1))
    unknown = invitation(case, "zt-without-address", OPENED_AT + timedelta(hours=2))
    for event in (registered, opened_case(case), invited, invited, unknown):
        async with harness.pool.acquire() as proxy, proxy.transaction():
            await handle_event(
                cast(asyncpg.Connection, proxy), event, clock=lambda at=event.occurred_at: at, mail=mail
            )
    await harness.run(OPENED_AT + timedelta(hours=3))
    [message] = mailbox.messages
    subject = " ".join(message["Subject"].split())  # unfolded
    assert message["To"] == "carla@smw.example"
    assert subject == "Nieuwe taak in de Meldcode-omgeving: Neem deel aan de weging in het zorgteam"
    body = message.get_payload(decode=True).decode()
    assert "https://meldcode.example.nl/taken" in body
    for personal in ("Bram", "Jansen", str(pupil_id), str(case.case_id)):
        assert personal not in body and personal not in subject
    assert await harness.scalar("select count(*) from email_outbox") == 1
