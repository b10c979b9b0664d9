"""The world the route-matrix tests call every route in: one of each resource in school 12AB of
swv-zuid, the callers (every role in its own or another school and samenwerkingsverband), and one
call of every route in the services' OpenAPI documents with its path, query and body filled in."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from meldcode_contracts import Role, staff_member_id
from meldcode_route_matrix import MATRIX
from meldcode_testkit import Suite, eventually
from meldcode_testkit.demo_case import invite, walk_reported_case
from meldcode_testkit.scenario import (
    SCHOOL,
    TENANT,
    Staff,
    bearer,
    open_case_from_demo_signals,
    register_pupil,
)
from meldcode_vocabulary.dutch_days import dutch_today

SERVICES = ("signals", "casework", "notifications", "reporting")
OTHER_SCHOOL, OTHER_TENANT = "34CD", "swv-noord"
SMALL_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
"""Enough of a PNG for signals' content check."""
DIRECTORY_SCHOOL = "56EF"
"""A school of the samenwerkingsverband with a staff directory and no case of the world."""
ROLES = (Role.TEACHER, Role.INTERN_BEGELEIDER, Role.ZORGTEAM, Role.AUDITOR, Role.ADMINISTRATOR)
NO_VERSION = 999_999
"""`expected_version` of every case command: the command passes every check of the route and is
then refused with 409 (a stale version), so the matrix run never changes the case."""


@dataclass(frozen=True)
class Caller:
    role: Role
    tenant: str
    school: str

    @property
    def own_tenant(self) -> bool:
        return self.tenant == TENANT

    @property
    def own_school(self) -> bool:
        return self.school == SCHOOL

    def __str__(self) -> str:
        return f"{self.role.value}@{self.tenant}/{self.school}"


CALLERS = tuple(
    Caller(role, tenant, school)
    for role in ROLES
    for tenant in (TENANT, OTHER_TENANT)
    for school in (SCHOOL, OTHER_SCHOOL)
)


@dataclass(frozen=True)
class World:
    """One of each resource, in school 12AB of swv-zuid."""

    ids: dict[str, str]
    task_role: Role
    """The role the task is assigned to (a task belongs to whom it is assigned)."""
    per_route: dict[str, dict[str, str]] = field(default_factory=dict)
    """Path values of one route that differ from `ids` (route template -> name -> value)."""

    def path_value(self, name: str, template: str = "") -> str:
        values = {**self.ids, "brin": SCHOOL, "tenant": TENANT, **self.per_route.get(template, {})}
        if name not in values:
            raise AssertionError(
                f"the matrix test cannot fill path parameter {{{name}}}: add a resource for it to "
                "tests/security/route_world.py (build_world)"
            )
        return values[name]


def build_value(schema: dict[str, Any], name: str, spec: dict[str, Any], world: World) -> Any:
    """A minimal value the schema accepts; ids the world has are used where a field names one."""
    if "$ref" in schema:
        return build_value(_resolve(spec, schema["$ref"]), name, spec, world)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return build_value(options[0], name, spec, world)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        body = {key: build_value(properties[key], key, spec, world) for key in schema.get("required", [])}
        if "expected_version" in properties:
            body["expected_version"] = NO_VERSION
        return body
    if kind == "array":
        item = build_value(schema.get("items", {}), name.removesuffix("s"), spec, world)
        return [item] * schema.get("minItems", 0)
    if kind == "boolean":
        return False
    if kind in ("integer", "number"):
        return max(schema.get("minimum", 1), schema.get("exclusiveMinimum", 0) + 1)
    if kind == "string":
        return _string(schema, name, world)
    raise AssertionError(f"the matrix test cannot make a value for {name}: {schema}")


def _string(schema: dict[str, Any], name: str, world: World) -> str:
    if name in world.ids:
        return world.ids[name]
    form = schema.get("format")
    now = datetime.now(UTC)
    if form == "date":
        return now.date().isoformat()
    if form == "date-time":
        return now.isoformat()
    if form == "uuid":
        return str(uuid.uuid4())
    length = max(schema.get("minLength", 0), 12)
    if schema.get("maxLength") is not None:
        length = min(length, schema["maxLength"])
    candidates = [SCHOOL, "x" * length, "Een toelichting van ruim tien tekens."[:length]]
    pattern = schema.get("pattern")
    for candidate in candidates:
        if pattern is None or re.fullmatch(pattern, candidate):
            return candidate
    raise AssertionError(f"the matrix test cannot make a string for {name} matching {pattern}")


def _resolve(spec: dict[str, Any], ref: str) -> dict[str, Any]:
    node: Any = spec
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return dict(node)


@dataclass(frozen=True)
class Call:
    service: str
    method: str
    template: str
    url: str
    params: dict[str, str]
    body: Any
    files: dict[str, tuple[str, bytes, str]] | None = None
    """A multipart upload (a file field with a small PNG) where the route takes one."""

    @property
    def writes(self) -> bool:
        return self.method != "GET"


def calls_of(service: str, base: str, spec: dict[str, Any], world: World) -> list[Call]:
    calls = []
    for template, operations in spec["paths"].items():
        for method, operation in operations.items():
            path, params = template, {}
            for parameter in operation.get("parameters", []):
                name = parameter["name"]
                if parameter["in"] == "path":
                    path = path.replace(f"{{{name}}}", world.path_value(name, template))
                elif parameter["in"] == "query" and (parameter.get("required") or name in world.ids):
                    params[name] = str(build_value(parameter["schema"], name, spec, world))
            body = None
            entry = MATRIX[service].lookup(method, template)
            contents = operation.get("requestBody", {}).get("content", {})
            content = contents.get("application/json")
            files = None
            if entry is not None and entry.anonymous is not None:
                body = {}  # a signed webhook: the body does not matter without a signature
            elif content is not None:
                body = build_value(content["schema"], "body", spec, world)
            elif "multipart/form-data" in contents:
                files = {"file": ("foto.png", SMALL_PNG, "image/png")}
            calls.append(Call(service, method.upper(), template, f"{base}{path}", params, body, files))
    return calls


# --- the world: one of each resource -------------------------------------------------------------


def token(suite: Suite, caller: Caller) -> dict[str, str]:
    sub = f"{caller.role.value}-{caller.tenant}-{caller.school}".lower()
    return bearer(
        suite.infra.token(sub=sub, role=caller.role.value, tenant=caller.tenant, schools=(caller.school,))
    )


async def build_world(http: httpx.AsyncClient, suite: Suite) -> World:
    """A pupil with signals and a consultation, a case walked to a report (so a melding document
    exists), a task for the IB'ers, all in school 12AB of swv-zuid, and the read models caught up."""
    staff = Staff(suite)
    zorgteam = bearer(suite.infra.token(sub="jgz-arts", role="zorgteam", tenant=TENANT, schools=(SCHOOL,)))
    url = {name: suite.services[name].url for name in SERVICES}
    pupil_id, case_id, signal_ids = await open_case_from_demo_signals(http, suite, staff)
    consulted = await http.post(
        f"{url['signals']}/pupils/{pupil_id}/consultations",
        headers=staff.ib,
        json={
            "consulted_on": dutch_today().isoformat(),
            "consulted_name": "Carla",
            "consulted_role": "schoolmaatschappelijk werker",
            "organisation": "school",
            "advice": "Bespreek het in het zorgteam.",
            "signal_ids": signal_ids,
        },
    )
    assert consulted.status_code == 201, consulted.text
    # The matrix's own-school zorgteam caller is invited too, so its cells show the route's scope;
    # a zorgteam member who is not invited is tested in casework's test_zorgteam_invitations.
    own_zorgteam = token(suite, Caller(Role.ZORGTEAM, TENANT, SCHOOL))
    await invite(http, url["casework"], staff.ib, case_id, own_zorgteam)
    await walk_reported_case(http, url["casework"], staff.ib, zorgteam, case_id, signal_ids)

    async def document() -> str | None:
        listed = await http.get(f"{url['notifications']}/cases/{case_id}/melding-documents", headers=staff.ib)
        issued = [d for d in listed.json() if d["status"] == "issued"] if listed.status_code == 200 else []
        return str(issued[0]["document_id"]) if issued else None

    async def task() -> str | None:
        listed = await http.get(f"{url['notifications']}/tasks", headers=staff.ib, params={"status": "all"})
        mine = [t for t in listed.json() if t["assignee_role"] == "intern_begeleider"]
        return str(mine[0]["task_id"]) if mine else None

    async def read_models_caught_up() -> bool:
        chronology = await http.get(f"{url['reporting']}/pupils/{pupil_id}/chronology", headers=staff.ib)
        cases = await http.get(f"{url['reporting']}/schools/{SCHOOL}/cases", headers=staff.ib)
        return chronology.status_code == 200 and case_id in cases.text

    document_id = await eventually(document, timeout=60)
    task_id = await eventually(task)
    await eventually(read_models_caught_up)

    # A pupil without a case, with an erasure request the IB'er made: the approval route is called
    # on this pupil (the beheerder's approval erases it; nothing else of the world is touched).
    erasable = await register_pupil(http, url["signals"], staff)
    asked = await http.post(
        f"{url['signals']}/pupils/{erasable}/erasure-requests",
        headers=staff.ib,
        json={"reason": "verzoek_betrokkene"},
    )
    assert asked.status_code == 201, asked.text
    # A photo attached to the first signal (the IB'er may add to any signal of the school).
    attached = await http.post(
        f"{url['signals']}/signals/{signal_ids[0]}/attachments",
        headers=staff.ib,
        files={"file": ("foto.png", SMALL_PNG, "image/png")},
    )
    assert attached.status_code == 201, attached.text
    # A person in the staff directory of another school of the samenwerkingsverband (for the SCIM
    # routes' {member_id}); SCHOOL keeps no directory, so rule 17 stays out of the world's case.
    listed = await http.post(
        f"{url['signals']}/schools/{DIRECTORY_SCHOOL}/staff/import",
        headers={**token(suite, Caller(Role.ADMINISTRATOR, TENANT, SCHOOL)), "Content-Type": "text/csv"},
        content=b"gebruikersnaam;naam;rol;e-mail\nzorg-wim;Wim Wouters;zorgteam;wim@school.example\n",
    )
    assert listed.status_code == 200, listed.text
    ids = {
        "pupil_id": pupil_id,
        "signal_id": signal_ids[0],
        "attachment_id": attached.json()["id"],
        "case_id": case_id,
        "task_id": task_id,
        "document_id": document_id,
        "request_id": asked.json()["request_id"],
        "member_id": str(staff_member_id(DIRECTORY_SCHOOL, "zorg-wim")),
    }
    per_route = {"/pupils/{pupil_id}/erasure-requests/{request_id}/approval": {"pupil_id": erasable}}
    return World(ids=ids, task_role=Role.INTERN_BEGELEIDER, per_route=per_route)
