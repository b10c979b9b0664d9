"""One POST route per command of steps 3-6: `POST /cases/{case_id}/<command>`.

A command answers the case as it stands after it, the same view `GET /cases/{case_id}` gives, so
it is a read of the case too and goes into the access log (`case.command`, NEN 7513) — before the
change, so a command whose read cannot be logged changes nothing (503) rather than changing the
case and then failing. The portal shows that answer; answering less would only move the read to a
second request.

(No `from __future__ import annotations` here: FastAPI must see each route's body type itself.)
"""

import uuid
from datetime import date
from typing import Any

import anyio
from fastapi import APIRouter, Request

from meldcode_edge.auth import CurrentPrincipal, Principal
from meldcode_edge.clock import school_today
from meldcode_servicekit.access import AccessLogger

from ..adapters import signal_history
from ..application import CaseworkApplication
from ..domain.actor import Actor
from ..domain.case import Case, KnownSignal
from .case_access import require_case_access
from .commands import ROUTES, CaseCommand, Route
from .views import CaseOut, case_view

router = APIRouter(tags=["case steps"])


async def _known_signals(
    body: CaseCommand, case: Case, principal: Principal, request: Request
) -> list[KnownSignal]:
    """The signals casework knows among the body's: those of another samenwerkingsverband stay
    unknown, and one of another school is refused as when opening a case (rule 9)."""
    found = await signal_history.find_signals(request.app.state.pool, getattr(body, "signal_ids", []))
    known = [s for s in found if s.tenant == case.tenant]
    for signal in known:
        principal.require_school(signal.tenant, signal.school)
    return known


async def _context_arguments(
    route: Route,
    body: CaseCommand,
    case: Case,
    principal: Principal,
    request: Request,
    today: date,
    born: date | None,
) -> dict[str, Any]:
    """What a command needs besides its body: today's date, and for some commands facts the
    case does not hold itself (the pupil's date of birth, the samenwerkingsverband of the school a
    case goes to, the signals casework knows, its JGZ partner)."""
    arguments: dict[str, Any] = {}
    if route.takes_today:
        arguments["today"] = today
    if route.body.method == "notify_amk":
        arguments["pupil_date_of_birth"] = born
    if route.body.method == "transfer":  # rule 14: only to a school of the samenwerkingsverband
        school = str(body.arguments()["to_school"]).strip()
        known = await signal_history.tenants_of_school(request.app.state.pool, school)
        arguments["to_school_tenant"] = request.app.state.settings.tenant_of_school(
            school, known, case.tenant
        )
    if route.takes_known_signals:
        arguments["known_signals"] = await _known_signals(body, case, principal, request)
    if route.takes_jgz_partner:
        partner = request.app.state.settings.jgz_partners.get(case.tenant)
        arguments["jgz_organisation"] = partner.organisation if partner is not None else None
    return arguments


def _add(route: Route) -> None:
    async def command(
        case_id: uuid.UUID,
        body: CaseCommand,
        principal: CurrentPrincipal,
        request: Request,
        access: AccessLogger,
    ) -> CaseOut:
        app: CaseworkApplication = request.app.state.casework
        current = await anyio.to_thread.run_sync(app.get_case, case_id)
        require_case_access(principal, current)
        await access.record(
            principal,
            request,
            action="case.command",
            tenant=current.tenant,
            school=current.school,
            case_id=current.id,
            pupil_id=current.pupil_id,
            in_outbox=True,  # a write never waits for Kafka (ADR 13)
        )
        today = school_today()
        # Also needed after any command: whether the pupil must be informed of a report (12+).
        born = await signal_history.date_of_birth(request.app.state.pool, current.pupil_id)
        arguments = {
            **body.arguments(),
            **await _context_arguments(route, body, current, principal, request, today, born),
            "by": Actor(principal.user_id, principal.role.value, request.state.correlation_id),
        }
        case = await anyio.to_thread.run_sync(
            lambda: app.change_case(
                case_id,
                # The school check above was made on this version: a change in between (e.g. a
                # transfer to another school) must make this command fail, not slip through.
                expected_version=body.expected_version or current.version,
                change=lambda case: getattr(case, route.body.method)(**arguments),
                today=today,
                pupil_date_of_birth=born,
            )
        )
        return await case_view(case, request)

    command.__annotations__["body"] = route.body
    router.add_api_route(
        f"/cases/{{case_id}}/{route.path}",
        command,
        methods=["POST"],
        response_model=CaseOut,
        summary=route.summary,
        name=route.body.method,
    )


for _route in ROUTES:
    _add(_route)
