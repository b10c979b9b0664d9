"""The whole Meldcode, from signals to a closed case, through the HTTP APIs of the four services."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import httpx

from meldcode_contracts import CASE_EVENTS, CASEWORK_EVENTS, AmkNotified, CaseObligationsChanged, DecisionMade
from meldcode_testkit import Suite, eventually, read_topic
from meldcode_testkit.demo_case import walk_no_suspicion_case, walk_reported_case
from meldcode_testkit.scenario import Staff, bearer, open_case_from_demo_signals

REPORTED_CASE_EVENTS = [
    "CaseOpened",
    "ZorgteamMemberInvited",
    "ParentsConversationHeld",
    "RiskWeighed",
    "DecisionMade",
    "ParentsInformed",
    "ChildInformed",
    "AmkNotified",
    "VeiligThuisFeedbackReceived",
    "HelpOrganised",
    "CareCoordinatorAssigned",
    "FollowUpScheduled",
    "FollowUpEvaluated",
    "CaseClosed",
]


def zorgteam(suite: Suite) -> dict[str, str]:
    return bearer(suite.infra.token(sub="jgz-arts", role="zorgteam", tenant="swv-zuid", schools=("12AB",)))


async def test_the_demo_case_walks_every_step_and_every_event_reaches_the_topic_and_the_read_models(
    suite: Suite,
) -> None:
    for name in ("signals", "casework", "reporting", "notifications"):
        await suite.service(name)
    staff = Staff(suite)
    casework, reporting = suite.services["casework"].url, suite.services["reporting"].url
    async with httpx.AsyncClient(timeout=30) as http:
        pupil_id, case_id, signal_ids = await open_case_from_demo_signals(http, suite, staff)
        states = await walk_reported_case(http, casework, staff.ib, zorgteam(suite), case_id, signal_ids)
        assert [s["step"] for s in states][-1] == "gesloten"
        assert states[-1]["open_obligations"] == []
        history = (await http.get(f"{casework}/cases/{case_id}/history", headers=staff.ib)).json()
        assert [h["event_type"] for h in history] == REPORTED_CASE_EVENTS

        second = await http.post(
            f"{casework}/cases", headers=staff.ib, json={"pupil_id": pupil_id, "signal_ids": signal_ids[:1]}
        )
        no_suspicion = await walk_no_suspicion_case(
            http, casework, staff.ib, zorgteam(suite), second.json()["case_id"]
        )
        assert no_suspicion[-1]["step"] == "gesloten"

        async def chronology() -> list[dict[str, Any]] | None:
            response = await http.get(f"{reporting}/pupils/{pupil_id}/chronology", headers=staff.ib)
            entries = response.json()["entries"] if response.status_code == 200 else []
            return entries if sum(e["event_type"] == "CaseClosed" for e in entries) == 2 else None

        entries = await eventually(chronology, timeout=60)
        casework_types = {event.__name__ for event in CASE_EVENTS}
        ours = [
            e["event_type"]
            for e in entries
            if e.get("case_id") == case_id and e["event_type"] in casework_types
        ]
        assert ours == REPORTED_CASE_EVENTS

        async def melding_document_in_chronology() -> bool:
            response = await http.get(f"{reporting}/pupils/{pupil_id}/chronology", headers=staff.ib)
            return any(
                e["event_type"] == "MeldingDocumentIssued" and e.get("case_id") == case_id
                for e in response.json()["entries"]
            )

        await eventually(melding_document_in_chronology, timeout=90)
        assert all(e["label"] != "Gebeurtenis" for e in entries)
        school_cases = (await http.get(f"{reporting}/schools/12AB/cases", headers=staff.ib)).json()["cases"]
        [listed] = [c for c in school_cases if str(c["case_id"]) == case_id]
        assert listed["step"] == "gesloten" and listed["reported"] and listed["outcome"] == "report_and_help"

        notifications = suite.services["notifications"].url

        async def case_tasks_done() -> dict[str, str] | None:
            response = await http.get(f"{notifications}/tasks?status=all", headers=staff.ib)
            tasks = {t["kind"]: t["status"] for t in response.json() if str(t.get("case_id")) == case_id}
            wanted = {"discuss_in_zorgteam", "inform_parents_before_report", "veilig_thuis_feedback_expected"}
            return tasks if wanted <= set(tasks) and all(tasks[k] == "done" for k in wanted) else None

        await eventually(case_tasks_done, timeout=60)

    messages = await read_topic(
        suite.infra.kafka,
        suite.topic(CASEWORK_EVENTS),
        expected=states[-1]["version"] + no_suspicion[-1]["version"],
    )
    events = [suite.open_event(m["value"]) for m in messages]
    of_case = [e for e in events if str(e.subject_id) == case_id]
    assert [e.event_type for e in of_case if e.event_type != "CaseObligationsChanged"] == REPORTED_CASE_EVENTS
    assert [e.sequence for e in of_case] == list(range(1, states[-1]["version"] + 1))
    # Casework's conclusion follows the command's event, with its correlation id (ADR 18).
    for before, after in itertools.pairwise(of_case):
        if after.event_type == "CaseObligationsChanged":
            assert before.event_type != "CaseObligationsChanged"
            assert before.correlation_id == after.correlation_id
    last = of_case[-1]
    assert isinstance(last, CaseObligationsChanged)
    assert (last.payload.step, last.payload.obligations) == ("gesloten", [])
    [report] = [e for e in of_case if isinstance(e, AmkNotified)]
    assert report.payload.pupil_age_on_report == 13
    assert report.payload.parents_informed and report.payload.child_informed
    assert [str(s) for s in report.payload.signal_ids] == signal_ids
    not_reported = [
        e for e in events if isinstance(e, DecisionMade) and e.payload.outcome == "no_suspicion_close"
    ]
    assert len(not_reported) == 1 and not_reported[0].payload.reasons


async def test_a_step_the_meldcode_does_not_allow_is_refused_with_the_rule_and_changes_nothing(
    suite: Suite,
) -> None:
    for name in ("signals", "casework"):
        await suite.service(name)
    staff = Staff(suite)
    casework = suite.services["casework"].url
    async with httpx.AsyncClient(timeout=30) as http:
        _, case_id, _ = await open_case_from_demo_signals(http, suite, staff)
        too_early = await http.post(
            f"{casework}/cases/{case_id}/risk-weighing",
            headers=staff.ib,
            json={
                "participants": [{"name": "A", "role": "ib", "discipline": "onderwijs"}] * 2,
                "nature": "x",
                "severity": "ernstig",
                "risk_level": "hoog",
                "suspicion": True,
                "acute_unsafety": True,
                "structural_unsafety": False,
            },
        )
        assert too_early.status_code == 409
        assert too_early.json()["rule"] == "rule-5-parents-conversation-before-weighing"
        assert too_early.headers["content-type"] == "application/problem+json"
        case = (await http.get(f"{casework}/cases/{case_id}", headers=staff.ib)).json()
        assert case["version"] == 2 and case["step"] == "geopend"  # CaseOpened, CaseObligationsChanged
        assert [o["code"] for o in case["open_obligations"]] == ["gesprek_ouders"]


async def test_two_people_acting_on_one_case_at_once_never_lose_an_update(suite: Suite) -> None:
    for name in ("signals", "casework"):
        await suite.service(name)
    staff = Staff(suite)
    casework = suite.services["casework"].url
    async with httpx.AsyncClient(timeout=30) as http:
        _, case_id, _ = await open_case_from_demo_signals(http, suite, staff)
        body = {
            "expected_version": 2,
            "held_on": "2026-11-02",
            "participants": ["moeder"],
            "summary": "Besproken.",
        }
        first, second = await asyncio.gather(
            http.post(f"{casework}/cases/{case_id}/parents-conversation", headers=staff.ib, json=body),
            http.post(f"{casework}/cases/{case_id}/parents-conversation", headers=staff.ib, json=body),
        )
        assert sorted([first.status_code, second.status_code]) == [200, 409]
        loser = first if first.status_code == 409 else second
        assert loser.json()["rule"] == "concurrency"
        assert loser.json()["current_version"] == 4  # the conversation and its CaseObligationsChanged
        history = (await http.get(f"{casework}/cases/{case_id}/history", headers=staff.ib)).json()
        assert [h["event_type"] for h in history] == ["CaseOpened", "ParentsConversationHeld"]
