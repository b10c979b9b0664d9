"""Every route of every service × every role × own/other school × own/other samenwerkingsverband,
against the four services running as real processes: each cell answers as the permissions matrix
(every service's `entrypoints/policy.py`, collected by `meldcode_route_matrix`) says.

The routes come from each service's `/openapi.json`, so a route added later is checked without
editing this test: without a matrix entry it must answer 403 `no-policy` to everyone.
"""

from __future__ import annotations

import asyncio

import httpx

from meldcode_route_matrix import MATRIX
from meldcode_servicekit.permissions import Outside, RoutePolicy, Scope
from meldcode_testkit import Suite

from .route_world import CALLERS, SERVICES, Call, Caller, World, build_world, calls_of, token

CONCURRENCY = 12


# --- expectations --------------------------------------------------------------------------------


def expected(entry: RoutePolicy | None, caller: Caller, world: World) -> str:
    """'allowed', 'no-policy', 'role', or what an outsider gets ('refused', 'hidden', 'filtered')."""
    if entry is None:
        return "no-policy"
    if entry.anonymous is not None:
        return entry.anonymous.value
    scope = entry.grants.get(caller.role)
    if scope is None:
        return "role"
    if scope is Scope.WHOLE_SERVICE:
        return "allowed"
    if entry.school_named_by_caller:
        inside = caller.own_school or scope in (Scope.OWN_TENANT, Scope.OWN_TENANT_AUDITOR)
        return "allowed" if inside else entry.other_school.value
    if not caller.own_tenant:
        return entry.other_tenant.value
    if scope in (Scope.OWN_TENANT, Scope.OWN_TENANT_AUDITOR):
        return "allowed"
    if scope is Scope.OWN_TASKS and entry.other_school is not Outside.FILTERED:
        # completing one task: it is the caller's only when assigned to the caller's role there
        inside = caller.own_school and caller.role is world.task_role
        return "allowed" if inside else entry.other_school.value
    return "allowed" if caller.own_school else entry.other_school.value


def judged(expectation: str, response: httpx.Response, world: World) -> str | None:
    """None when the answer is what the expectation says, else what is wrong."""
    status = response.status_code
    rule = _rule(response)
    if expectation in ("no-policy", "role"):
        ok = status == 403 and rule == expectation
    elif expectation == Scope.PUBLIC.value:
        ok = status == 200
    elif expectation == Scope.SIGNED_WEBHOOK.value:
        ok = status == 401  # past the door without a token; the missing signature refuses it
    elif expectation == "allowed":
        ok = status not in (401, 403, 404) and (status < 500 or rule == "rebuild-lag")
    elif expectation == Outside.REFUSED.value:
        ok = status == 403 and rule not in ("role", "no-policy")
    elif expectation == Outside.HIDDEN.value:
        ok = status == 404
    elif expectation == Outside.FILTERED.value:
        ok = 200 <= status < 300 and not any(value in response.text for value in world.ids.values())
    else:
        raise AssertionError(f"unknown expectation {expectation}")
    if ok:
        return None
    if rule == "request-validation" and expectation != "allowed":
        return f"the test's body or query is not valid ({response.text[:300]}): fix build_body"
    return f"expected {expectation}, got {status} {rule or ''} {response.text[:200]}"


def _rule(response: httpx.Response) -> str | None:
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return None
    rule = response.json().get("rule")
    return str(rule) if rule is not None else None


# --- requests from the OpenAPI document ----------------------------------------------------------


# --- the test ------------------------------------------------------------------------------------


async def test_every_route_answers_every_role_school_and_samenwerkingsverband_as_the_matrix_says(
    suite: Suite,
) -> None:
    for name in SERVICES:
        await suite.service(name)
    async with httpx.AsyncClient(timeout=60) as http:
        world = await build_world(http, suite)
        calls: list[Call] = []
        for name in SERVICES:
            base = suite.services[name].url
            spec = (await http.get(f"{base}/openapi.json")).json()
            calls += calls_of(name, base, spec, world)
        gate = asyncio.Semaphore(CONCURRENCY)
        failures: list[str] = []
        checked: list[Call] = []

        async def check(call: Call, caller: Caller | None) -> None:
            entry = MATRIX[call.service].lookup(call.method, call.template)
            expectation = "public" if caller is None else expected(entry, caller, world)
            headers = token(suite, caller) if caller is not None else {}
            async with gate:
                response = await http.request(
                    call.method,
                    call.url,
                    params=call.params,
                    json=call.body,
                    files=call.files,
                    headers=headers,
                )
            checked.append(call)
            problem = judged(expectation, response, world)
            if problem is not None:
                failures.append(
                    f"{call.service} {call.method} {call.template} as {caller or 'anonymous'}: {problem}"
                )

        public = [
            c
            for c in calls
            if (e := MATRIX[c.service].lookup(c.method, c.template)) and e.anonymous is Scope.PUBLIC
        ]
        token_calls = [c for c in calls if c not in public]
        await asyncio.gather(*(check(c, None) for c in public))
        # Reads first (all at once), then writes (one route at a time: a write that goes through
        # may change what the next one finds, never what the matrix expects).
        await asyncio.gather(*(check(c, who) for c in token_calls if not c.writes for who in CALLERS))
        for call in (c for c in token_calls if c.writes):
            await asyncio.gather(*(check(call, who) for who in CALLERS))

    routes = {(c.service, c.method, c.template) for c in calls}
    assert len(routes) >= 50, f"only {len(routes)} routes found in the OpenAPI documents"
    assert len(checked) == len(public) + len(token_calls) * len(CALLERS)
    assert not failures, f"{len(failures)} cells differ from the matrix:\n" + "\n".join(sorted(failures))
