"""Every answer that carries pupil data is in the access log (NEN 7513, ADR 8), derived from the
permissions matrix and the services' OpenAPI documents, so a route added later is covered without
editing this test.

Each route the matrix grants to a role with a pupil-bearing scope is called once by a caller
inside that scope, with its own correlation id; every 2xx answer must have a `DataAccessed` with
that correlation id on the access topic when it names the world's pupil, case, signal, task or
document or shows the pupil's personal data (an empty list discloses nothing), unless the route is
in `ANSWERS_NO_PUPIL_DATA` (with the reason), and then its answer must indeed show none of the
pupil's personal data. Case commands are
sent without `expected_version`, so those the case's state allows go through and answer the case.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable

import httpx

from meldcode_contracts import ACCESS_LOG_EVENTS, DataAccessed, Role
from meldcode_route_matrix import MATRIX
from meldcode_servicekit.permissions import RoutePolicy, Scope
from meldcode_testkit import Suite, read_topic
from meldcode_testkit.scenario import DEMO_SIGNALS, SCHOOL, TENANT

from .route_world import SERVICES, Call, Caller, build_world, calls_of, token

PUPIL_SCOPES = (Scope.OWN_SCHOOL, Scope.INVITED_CASE, Scope.OWN_TASKS, Scope.OWN_TENANT_AUDITOR)
"""Scopes through which a route can reach a pupil's data (OWN_TENANT: aggregates only; WHOLE_SERVICE:
checks without personal data; see `Scope`)."""
PREFERRED = (Role.INTERN_BEGELEIDER, Role.AUDITOR, Role.ZORGTEAM, Role.TEACHER, Role.ADMINISTRATOR)

ANSWERS_NO_PUPIL_DATA: dict[tuple[str, str, str], str] = {
    ("signals", "POST", "/pupils"): "a receipt: the new pupil's id",
    ("signals", "POST", "/pupils/{pupil_id}/deregistration"): "a receipt: id and version",
    ("signals", "POST", "/pupils/{pupil_id}/erasure-requests"): "a receipt of the erasure request",
    (
        "signals",
        "POST",
        "/pupils/{pupil_id}/erasure-requests/{request_id}/approval",
    ): "a receipt of the erasure",
    ("signals", "POST", "/pupils/{pupil_id}/signals"): "a receipt: the new signal's id",
    ("signals", "POST", "/signals/{signal_id}/corrections"): "a receipt of the correction",
    (
        "signals",
        "POST",
        "/signals/{signal_id}/attachments",
    ): "a receipt: the new attachment's id, type and size",
    ("signals", "POST", "/pupils/{pupil_id}/consultations"): "a receipt: the consultation's id",
    ("signals", "POST", "/pupils/{pupil_id}/veilig-thuis-advice"): "a receipt of the advice request",
    ("casework", "POST", "/cases"): "a receipt: the new case's id and version",
    ("notifications", "POST", "/tasks/{task_id}/complete"): "the task without the pupil's name",
    ("reporting", "GET", "/schools/{brin}/dashboard"): "figures, small numbers suppressed",
    ("reporting", "GET", "/tenants/{tenant}/dashboard"): "figures, small numbers suppressed",
}

PERSONAL = ("Sanne", "Jansen", "2013-05-14", "Bespreek het in het zorgteam.", *(t for _, t in DEMO_SIGNALS))
"""The world's pupil data as text: the name and date of birth `register_pupil` gives, the signals'
and the consultation's words."""


def carries_pupil_data(text: str, ids: Iterable[str]) -> bool:
    """Names the world's pupil, case, signal, task or document, or shows the pupil's data."""
    return any(value in text for value in (*ids, *PERSONAL))


def caller_for(entry: RoutePolicy) -> Caller | None:
    """An own-school caller of a role that reaches pupils through the route, or None."""
    for role in PREFERRED:
        if entry.grants.get(role) in PUPIL_SCOPES:
            return Caller(role, TENANT, SCHOOL)
    return None


def without_version(call: Call) -> Call:
    if not isinstance(call.body, dict) or "expected_version" not in call.body:
        return call
    body = {k: v for k, v in call.body.items() if k != "expected_version"}
    return Call(call.service, call.method, call.template, call.url, call.params, body)


async def test_every_answer_that_carries_pupil_data_is_in_the_access_log(suite: Suite) -> None:
    for name in SERVICES:
        await suite.service(name)
    answered: list[tuple[Call, Caller, str, httpx.Response]] = []
    async with httpx.AsyncClient(timeout=60) as http:
        world = await build_world(http, suite)
        calls: list[tuple[Call, Caller]] = []
        for name in SERVICES:
            base = suite.services[name].url
            spec = (await http.get(f"{base}/openapi.json")).json()
            for call in calls_of(name, base, spec, world):
                entry = MATRIX[name].lookup(call.method, call.template)
                caller = caller_for(entry) if entry is not None else None
                if caller is not None:
                    calls.append((without_version(call), caller))

        async def send(call: Call, caller: Caller) -> None:
            correlation_id = f"coverage-{uuid.uuid4()}"
            headers = {**token(suite, caller), "X-Correlation-ID": correlation_id}
            response = await http.request(
                call.method, call.url, params=call.params, json=call.body, headers=headers
            )
            answered.append((call, caller, correlation_id, response))

        await asyncio.gather(*(send(c, who) for c, who in calls if not c.writes))
        for call, who in ((c, w) for c, w in calls if c.writes):  # one at a time: each may change the case
            await send(call, who)

    messages = await read_topic(
        suite.infra.kafka, suite.topic(ACCESS_LOG_EVENTS), expected=100_000, timeout=8
    )
    logged = {
        event.correlation_id
        for event in (suite.open_event(m["value"]) for m in messages)
        if isinstance(event, DataAccessed)
    }
    failures: list[str] = []
    succeeded: set[tuple[str, str, str]] = set()
    for call, caller, correlation_id, response in answered:
        if not 200 <= response.status_code < 300:
            continue
        route = (call.service, call.method, call.template)
        succeeded.add(route)
        where = f"{call.service} {call.method} {call.template} as {caller}"
        if route in ANSWERS_NO_PUPIL_DATA:
            shown = [p for p in PERSONAL if p in response.text]
            if shown:
                failures.append(f"{where}: listed as answering no pupil data, but shows {shown}")
        elif correlation_id not in logged and carries_pupil_data(response.text, world.ids.values()):
            failures.append(f"{where}: answered {response.status_code} with no DataAccessed")

    assert not failures, "\n".join(sorted(failures))
    reads = {r for r in succeeded if r[1] == "GET"}
    commands = {r for r in succeeded if r[0] == "casework" and r[2].startswith("/cases/{case_id}/")}
    # the test proves something only if the routes answered: most reads and some case commands
    assert len(reads) >= 10, sorted(reads)
    assert commands, "no case command answered 2xx: the test did not reach a command's answer"
    unknown = set(ANSWERS_NO_PUPIL_DATA) - {(c.service, c.method, c.template) for c, _, _, _ in answered}
    assert not unknown, f"ANSWERS_NO_PUPIL_DATA names routes that do not exist: {sorted(unknown)}"
