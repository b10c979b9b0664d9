"""Every operation of every service's OpenAPI, fuzzed with schemathesis against the real processes.

Two samenwerkingsverbanden are seeded through the HTTP APIs: `swv-zuid` (school 12AB) and
`swv-noord` (school 56CD), each with a pupil, signals and a reported case walked to the end. The
fuzzer then sends generated requests, valid and invalid, as a `swv-zuid` user in every role and
without a token, with path parameters drawn from the seeded ids of both tenants. Checked on every
answer: no 5xx, the body matches the documented response schema, and nothing of `swv-noord`'s data
(its ids, the pupil's names, the text of its signals) is in it unless the request itself carried it.

Operations are read from the running `/openapi.json`, so routes added later are fuzzed too.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from meldcode_servicekit.permissions import COMMON, Scope
from meldcode_testkit import Infrastructure, Suite, eventually
from meldcode_testkit.demo_case import step, walk_reported_case
from meldcode_testkit.scenario import bearer, signal_body
from meldcode_vocabulary.dutch_days import dutch_today

AnyCase = Case[APIOperation[Any, Any, Any, Any]]

SERVICES = ("signals", "casework", "notifications", "reporting")
ROLES = ("leerkracht", "intern_begeleider", "zorgteam", "auditor", "beheerder")
ANONYMOUS = "zonder-token"
EXAMPLES = {GenerationMode.POSITIVE: 8, GenerationMode.NEGATIVE: 6}
"""Requests per operation and identity, with valid and with invalid data; without a token fewer:
those all stop at the door."""
EXAMPLES_WITHOUT_TOKEN = 3

PUBLIC = frozenset((e.method, e.path) for e in COMMON if e.anonymous is Scope.PUBLIC)
"""What answers without a token, from the permission matrix: the probes, the metrics and the API
documents; nothing about pupils."""
DOCUMENTATION_CHECKS = (status_code_conformance, content_type_conformance)
"""Reported, not asserted: FastAPI documents only 200 and 422 unless a route lists its 4xx answers,
and the problem bodies are `application/problem+json` where the generated docs say JSON."""

NOORD_GIVEN_NAME = "Fenneke"
NOORD_FAMILY_NAME = "Zwartewaal"
NOORD_SENTENCE = "Vertelt dat de hond Kobus in de schuur aan de ketting ligt als er bezoek is."


@dataclass(frozen=True)
class Tenant:
    name: str
    school: str
    pupil_number: str
    given_name: str
    family_name: str
    signal_texts: tuple[str, ...]


ZUID = Tenant(
    "swv-zuid",
    "12AB",
    "zuid-0001",
    "Sanne",
    "Jansen",
    ("Blauwe plek op de bovenarm, zichtbaar bij de gymles.", "Komt zonder ontbijt naar school."),
)
NOORD = Tenant(
    "swv-noord",
    "56CD",
    "noord-0001",
    NOORD_GIVEN_NAME,
    NOORD_FAMILY_NAME,
    (NOORD_SENTENCE, "Fenneke draagt in de zomer lange mouwen en wil niet gymmen."),
)


@dataclass
class Seeded:
    """Ids per path-parameter name, and what of a tenant must never reach another tenant."""

    ids: dict[str, list[str]] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)

    def add(self, parameter: str, value: str) -> None:
        self.ids.setdefault(parameter, []).append(value)
        self.secrets.append(value)


def token(infra: Infrastructure, tenant: Tenant, role: str, sub: str) -> dict[str, str]:
    return bearer(infra.token(sub=sub, role=role, tenant=tenant.name, schools=(tenant.school,)))


async def seed(http: httpx.AsyncClient, suite: Suite, tenant: Tenant) -> Seeded:
    """A pupil with signals and a reported case walked to its end; a second case left open."""
    signals, casework = suite.services["signals"].url, suite.services["casework"].url
    notifications = suite.services["notifications"].url
    reporting = suite.services["reporting"].url
    prefix = tenant.name.removeprefix("swv-")
    ib = token(suite.infra, tenant, "intern_begeleider", f"ib-{prefix}")
    teacher = token(suite.infra, tenant, "leerkracht", f"leerkracht-{prefix}")
    zorgteam = token(suite.infra, tenant, "zorgteam", f"zorgteam-{prefix}")
    seeded = Seeded(ids={"brin": [tenant.school], "tenant": [tenant.name]})
    seeded.secrets += [tenant.given_name, tenant.family_name, *tenant.signal_texts]

    registered = await http.post(
        f"{signals}/pupils",
        headers=ib,
        json={
            "school": tenant.school,
            "pupil_number": tenant.pupil_number,
            "given_name": tenant.given_name,
            "family_name": tenant.family_name,
            "date_of_birth": "2013-05-14",
        },
    )
    assert registered.status_code == 201, registered.text
    pupil_id = str(registered.json()["pupil_id"])
    seeded.add("pupil_id", pupil_id)
    signal_ids = []
    for days_ago, text in zip((14, 3), tenant.signal_texts, strict=True):
        recorded = await http.post(
            f"{signals}/pupils/{pupil_id}/signals", headers=teacher, json=signal_body(days_ago, text)
        )
        assert recorded.status_code == 201, recorded.text
        signal_ids.append(str(recorded.json()["signal_id"]))
        seeded.add("signal_id", signal_ids[-1])

    async def casework_knows_the_signals() -> bool:
        known = await http.get(f"{casework}/pupils/{pupil_id}/signals", headers=ib)
        return known.status_code == 200 and len(known.json()) == len(signal_ids)

    await eventually(casework_knows_the_signals)
    case_ids = []
    for chosen in (signal_ids, signal_ids[:1]):
        opened = await http.post(
            f"{casework}/cases", headers=ib, json={"pupil_id": pupil_id, "signal_ids": chosen}
        )
        assert opened.status_code == 201, opened.text
        case_ids.append(str(opened.json()["case_id"]))
        seeded.add("case_id", case_ids[-1])
    await walk_reported_case(http, casework, ib, zorgteam, case_ids[0], signal_ids)
    await step(
        http,
        casework,
        ib,
        case_ids[1],
        "parents-conversation",
        {
            "held_on": dutch_today().isoformat(),
            "participants": ["IB'er", "vader"],
            "summary": "Zorgen besproken met vader.",
        },
    )

    async def reporting_has_the_chronology() -> bool:
        chronology = await http.get(f"{reporting}/pupils/{pupil_id}/chronology", headers=ib)
        return chronology.status_code == 200 and tenant.signal_texts[0] in chronology.text

    await eventually(reporting_has_the_chronology)

    async def melding_documents() -> list[str]:
        listed = await http.get(f"{notifications}/cases/{case_ids[0]}/melding-documents", headers=ib)
        if listed.status_code != 200:
            return []
        return [str(d.get("document_id") or d.get("id")) for d in listed.json()]

    for document_id in await eventually(melding_documents):
        seeded.add("document_id", document_id)

    async def tasks() -> list[str]:
        found = []
        for who in (ib, teacher, zorgteam):
            listed = await http.get(f"{notifications}/tasks", headers=who, params={"status": "all"})
            if listed.status_code == 200:
                found += [str(t["task_id"]) for t in listed.json()]
        return found

    for task_id in await eventually(tasks):
        seeded.add("task_id", task_id)
    return seeded


@dataclass
class World:
    suite: Suite
    zuid: Seeded
    noord: Seeded
    identities: dict[str, dict[str, str]]


@pytest.fixture(scope="module")
async def world(
    infrastructure: Infrastructure, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[World]:
    """The four services as real processes, shared by this module's tests (starting and seeding
    them once keeps the fuzzing within its time budget)."""
    suite = Suite(infrastructure, f"t{uuid.uuid4().hex[:10]}", Path(tmp_path_factory.mktemp("fuzzing")))
    try:
        for name in SERVICES:
            await suite.service(name)
        started = time.monotonic()
        async with httpx.AsyncClient(timeout=30) as http:
            zuid = await seed(http, suite, ZUID)
            noord = await seed(http, suite, NOORD)
        print(f"\nfour services started and two tenants seeded in {time.monotonic() - started:.0f}s")
        identities = {role: token(suite.infra, ZUID, role, f"fuzz-{role}") for role in ROLES}
        identities[ANONYMOUS] = {}
        yield World(suite, zuid, noord, identities)
    finally:
        await suite.close()


@dataclass
class Finding:
    kind: str
    identity: str
    case: AnyCase
    status: int
    detail: str

    def __str__(self) -> str:
        return (
            f"{self.kind} as {self.identity}: {self.case.method} {self.case.formatted_path} "
            f"query={self.case.query!r} body={self.case.body!r} -> {self.status}: {self.detail[:300]}"
        )


@dataclass
class Tally:
    requests: int = 0
    http_seconds: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    with_other_tenants_id: Counter[str] = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)
    documentation_gaps: Counter[str] = field(default_factory=Counter)
    taking_an_id: list[str] = field(default_factory=list)
    """Operations with a path parameter for which ids were seeded."""


def path_parameter_names(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)


def with_seeded_ids(operation: Any, mode: GenerationMode, world: World) -> st.SearchStrategy[AnyCase]:
    """Generated cases whose path parameters are, most of the time, ids seeded in either tenant."""
    base = operation.as_strategy(generation_mode=mode)

    @st.composite
    def cases(draw: Callable[[st.SearchStrategy[Any]], Any]) -> AnyCase:
        case: AnyCase = draw(base)
        for name in list(case.path_parameters):
            pool = world.zuid.ids.get(name, []) + world.noord.ids.get(name, [])
            if pool and draw(st.integers(0, 4)) > 0:
                case.path_parameters[name] = draw(st.sampled_from(pool))
        return case

    return cases()


def sent(case: AnyCase) -> str:
    return repr((case.formatted_path, case.query, case.body, dict(case.headers or {})))


def leaked(secrets: list[str], request: str, answer: str) -> list[str]:
    """The other tenant's values in an answer that the request did not carry itself (a problem's
    `instance` may echo the path it was asked for)."""
    return [secret for secret in secrets if secret in answer and secret not in request]


def carries_other_tenants_id(world: World, case: AnyCase) -> bool:
    request = repr((case.formatted_path, case.query, case.body))
    noord_ids = itertools.chain.from_iterable(world.noord.ids.values())
    return any(value in request for value in noord_ids)


def fuzz_operation(
    world: World, url: str, operation: Any, identity: str, tally: Tally, session: requests.Session
) -> None:
    headers = world.identities[identity]
    label = f"{operation.method.upper()} {operation.path}"

    def send(case: AnyCase) -> None:
        sent_at = time.monotonic()
        response = case.call(base_url=url, session=session, headers=dict(headers), timeout=30)
        tally.http_seconds += time.monotonic() - sent_at
        tally.requests += 1
        tally.statuses[response.status_code] += 1
        crossing = carries_other_tenants_id(world, case)
        if crossing:
            tally.with_other_tenants_id[label] += 1
        for check in (not_a_server_error, response_schema_conformance):
            try:
                case.validate_response(response, checks=[check], headers=dict(headers))
            except FailureGroup as failures:
                detail = "; ".join(str(failure.title) for failure in failures.exceptions)
                tally.findings.append(Finding(check.__name__, identity, case, response.status_code, detail))
        if found := leaked(
            world.noord.secrets, sent(case), response.content.decode("utf-8", errors="replace")
        ):
            tally.findings.append(Finding("leak", identity, case, response.status_code, ", ".join(found)))
        for check in DOCUMENTATION_CHECKS:
            try:
                case.validate_response(response, checks=[check], headers=dict(headers))
            except FailureGroup as failures:
                for failure in failures.exceptions:
                    tally.documentation_gaps[f"{label} {response.status_code}: {failure.title}"] += 1
        # A read may answer 200 within the caller's own tenant (an empty list, a dashboard of
        # zeros: the leak check covers what it shows); a write must never go through.
        if crossing and 200 <= response.status_code < 300 and case.method.upper() != "GET":
            tally.findings.append(
                Finding("write with another tenant's id accepted", identity, case, response.status_code, "")
            )

        public = (operation.method.upper(), operation.path) in PUBLIC
        if identity == ANONYMOUS and response.status_code < 400 and not public:
            tally.findings.append(
                Finding("answered without a token", identity, case, response.status_code, "")
            )

    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

        @settings(
            max_examples=EXAMPLES_WITHOUT_TOKEN if identity == ANONYMOUS else EXAMPLES[mode],
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=with_seeded_ids(operation, mode, world))
        def fuzz(case: AnyCase) -> None:
            send(case)

        try:
            fuzz()
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE, f"no valid request could be generated for {label}"


def fuzz_service(world: World, service: str) -> Tally:
    url = world.suite.services[service].url
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    tally = Tally()
    with requests.Session() as session:
        for result in schema.get_all_operations():
            if isinstance(result, Err):
                raise AssertionError(f"{service}: an operation of /openapi.json is invalid: {result.err()}")
            operation = result.ok()
            if any(name in world.noord.ids for name in path_parameter_names(operation.path)):
                tally.taking_an_id.append(f"{operation.method.upper()} {operation.path}")
            for identity in world.identities:
                fuzz_operation(world, url, operation, identity, tally, session)
    return tally


@pytest.mark.parametrize("service", SERVICES)
async def test_fuzzed_requests_in_every_role_get_no_5xx_a_documented_answer_and_nothing_of_the_other_samenwerkingsverband(
    world: World, service: str
) -> None:
    started = time.monotonic()
    tally = await asyncio.to_thread(fuzz_service, world, service)
    print(
        f"\n{service}: {tally.requests} requests, statuses {dict(sorted(tally.statuses.items()))}, "
        f"with a swv-noord id: {dict(tally.with_other_tenants_id)}; {time.monotonic() - started:.0f}s "
        f"({tally.http_seconds:.0f}s waiting for answers)"
    )
    for gap, count in sorted(tally.documentation_gaps.items()):
        print(f"  undocumented ({count}x): {gap}")
    assert tally.requests > 0
    untried = [label for label in tally.taking_an_id if not tally.with_other_tenants_id[label]]
    assert not untried, f"never sent a swv-noord id to: {untried}"
    assert not tally.findings, (
        "\n".join(str(f) for f in tally.findings[:40]) + f"\n({len(tally.findings)} findings)"
    )


def test_the_leak_check_flags_the_other_tenants_values_but_not_an_id_the_request_carried_itself() -> None:
    secrets = [NOORD_FAMILY_NAME, NOORD_SENTENCE, "0b7c4c2e-noord-pupil"]
    request = "('/pupils/0b7c4c2e-noord-pupil', {}, NotSet, {})"
    echoed = '{"title": "Forbidden", "instance": "/pupils/0b7c4c2e-noord-pupil"}'
    assert leaked(secrets, request, echoed) == []
    answer = f'[{{"family_name": "{NOORD_FAMILY_NAME}", "description": "{NOORD_SENTENCE}"}}]'
    assert leaked(secrets, "('/pupils', {}, NotSet, {})", answer) == [NOORD_FAMILY_NAME, NOORD_SENTENCE]
