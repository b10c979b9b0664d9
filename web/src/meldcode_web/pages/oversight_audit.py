"""The auditor's screens: find a case, its complete history, the case as it stood at any moment,
the export, the verification of the hash chains, and the access log (NEN 7513).

Every figure comes from the services' audit endpoints with the auditor's own token, so each read
here is in the access log like a read through the `meldcode-audit` command line.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from meldcode_contracts import Role
from meldcode_contracts.envelope import BRIN_PATTERN
from meldcode_contracts.vocabulary import OBLIGATION_TEXTS, VALUE_LABELS, field_label, value_label

from ..api import ApiProblem, Service, ServiceApi, api
from ..session import PortalUser, require_roles
from ..templating import render
from .case_file import case_file_download
from .casework_people import staff_names
from .oversight_export import MEDIA_TYPE, export_lines, file_name, jsonl
from .oversight_labels import EVENTS, FINDINGS, OUTCOMES, ROLES, STEPS, actor_text, label
from .oversight_time import Moment, MomentError, ceil_to_second, parse_instant, parse_local
from .school_names import school_names

router = APIRouter(prefix="/audit")

auditor_only = require_roles(Role.AUDITOR)
ACCESS_LOG_PAGE = 100
ANCHOR = re.compile(r"^\d+:[0-9a-fA-F]{64}$")


def _case_id(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        return None


def _refused(problem: ApiProblem) -> ApiProblem:
    """A 401 goes to the app (log in again); everything else is shown beside the form."""
    if problem.status == 401:
        raise problem
    return problem


# --- finding a case --------------------------------------------------------------------------------


async def _schools_of_tenant(services: ServiceApi, user: PortalUser) -> list[str]:
    """The schools the auditor can pick: those with figures in the dashboard, and the token's own."""
    known = set(user.schools)
    try:
        body = await services.get("reporting", f"/tenants/{user.tenant}/dashboard")
        known.update(s["school"] for s in body.get("schools", []))
    except ApiProblem as problem:
        _refused(problem)
    return sorted(known)


@router.get("", response_class=HTMLResponse)
async def audit_home(
    request: Request,
    school: str = "",
    zaaknummer: str = "",
    user: PortalUser = Depends(auditor_only),
    services: ServiceApi = Depends(api),
) -> Response:
    errors: dict[str, str] = {}
    chosen = school.strip().upper()
    typed = zaaknummer.strip()
    if typed:
        found = _case_id(typed)
        if found is not None:
            return RedirectResponse(f"/audit/zaken/{found}", status_code=303)
        errors["zaaknummer"] = "Een zaaknummer ziet er zo uit: 3f2b8c1e-5d4a-4b7e-9c1f-2a6d8e0b4c3a."
    schools = await _schools_of_tenant(services, user)
    names = await school_names(services)
    cases: list[dict[str, Any]] | None = None
    problem: ApiProblem | None = None
    if chosen and not re.fullmatch(BRIN_PATTERN, chosen):
        errors["school"] = "Een BRIN-nummer is vier tekens, bijvoorbeeld 12AB."
    elif chosen:
        try:
            body = await services.get("reporting", f"/schools/{chosen}/cases")
            cases = body.get("cases", [])
        except ApiProblem as refused:
            problem = _refused(refused)
    return render(
        request,
        "oversight/audit_home.html",
        {
            "schools": schools,
            "school_options": [(s, names(s)) for s in schools],
            "school_name": names,
            "school": chosen,
            "zaaknummer": typed,
            "cases": cases,
            "errors": errors,
            "problem": problem,
            "steps": STEPS,
            "outcomes": OUTCOMES,
        },
        status_code=422 if errors or problem else 200,
    )


# --- one case --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventRow:
    version: int
    occurred_at: str
    event_type: str
    label: str
    actor_id: str
    actor_role: str
    event_hash: str
    log_hash: str
    notification_id: int
    payload: list[tuple[str, str]]
    after_link: str


def payload_text(value: Any) -> str:
    """A payload value in Dutch: yes/no, fixed choices and step codes in the vocabulary's words."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return "; ".join(payload_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{field_label(k)}: {payload_text(v)}" for k, v in value.items())
    text = str(value)
    if text in VALUE_LABELS:
        return value_label(text)
    return OBLIGATION_TEXTS[text] if text in OBLIGATION_TEXTS else label(STEPS, text)


ENVELOPE_FIELDS = {"actor_id", "actor_role", "tenant", "school", "correlation_id"}


def event_rows(
    case_id: str, events: list[Mapping[str, Any]], names: Mapping[str, str] | None = None
) -> list[EventRow]:
    return [
        EventRow(
            version=int(e["version"]),
            occurred_at=str(e["occurred_at"]),
            event_type=str(e["event_type"]),
            label=label(EVENTS, e["event_type"]),
            actor_id=actor_text(e.get("actor_id"), e.get("actor_role"), names),
            actor_role=label(ROLES, e.get("actor_role"), empty="onbekend"),
            event_hash=e.get("event_hash") or "",
            log_hash=e.get("log_hash") or "",
            notification_id=int(e.get("notification_id") or 0),
            payload=[
                (field_label(k), payload_text(v))
                for k, v in (e.get("payload") or {}).items()
                if k not in ENVELOPE_FIELDS
            ],
            after_link=f"/audit/zaken/{case_id}/stand?" + urlencode({"tijdstip": str(e["occurred_at"])}),
        )
        for e in events
    ]


@router.get("/zaken/{case_id}", response_class=HTMLResponse)
async def case_history(
    request: Request,
    case_id: uuid.UUID,
    user: PortalUser = Depends(auditor_only),
    services: ServiceApi = Depends(api),
) -> Response:
    body = await services.get("casework", f"/audit/cases/{case_id}/events", {"purpose": "history"})
    events = body.get("events", [])
    names = await staff_names(services, (str(e.get("actor_id") or "") for e in events))
    return render(
        request,
        "oversight/history.html",
        {
            "case": body,
            "rows": event_rows(str(case_id), events, names),
            "tab": "geschiedenis",
            "school_name": await school_names(services),
        },
    )


def as_of_view(body: Mapping[str, Any]) -> dict[str, Any]:
    """What the as-of page shows, with Dutch words beside the codes."""
    return {
        **body,
        "step_label": label(STEPS, body.get("step")),
        "last_event_label": label(EVENTS, body.get("last_event_type")),
    }


@router.get("/zaken/{case_id}/stand", response_class=HTMLResponse)
async def case_as_of(
    request: Request,
    case_id: uuid.UUID,
    moment: str = "",
    tijdstip: str = "",
    user: PortalUser = Depends(auditor_only),
    services: ServiceApi = Depends(api),
) -> Response:
    """`moment` is what the auditor typed (Dutch time, from the form); `tijdstip` an exact instant
    with zone (the links on the history page)."""
    chosen: Moment | None = None
    error = ""
    typed = moment.strip()
    try:
        if typed:
            chosen = parse_local(typed)
        elif tijdstip.strip():
            chosen = parse_instant(tijdstip)
            typed = Moment(utc=ceil_to_second(chosen.utc)).input_value
    except MomentError as exc:
        error = exc.message
    context: dict[str, Any] = {
        "case_id": str(case_id),
        "moment": typed,
        "chosen": chosen,
        "error": error,
        "problem": None,
        "state": None,
        "tab": "stand",
    }
    if chosen is None:
        return render(request, "oversight/as_of.html", context, status_code=422 if error else 200)
    try:
        body = await services.get("casework", f"/audit/cases/{case_id}/as-of", {"at": chosen.utc.isoformat()})
    except ApiProblem as problem:
        context["problem"] = _refused(problem)
        return render(request, "oversight/as_of.html", context, status_code=422)
    context["state"] = as_of_view(body)
    return render(request, "oversight/as_of.html", {**context, "school_name": await school_names(services)})


@router.get("/zaken/{case_id}/export.jsonl")
async def case_export(
    case_id: uuid.UUID,
    user: PortalUser = Depends(auditor_only),
    services: ServiceApi = Depends(api),
) -> Response:
    case_events = await services.get("casework", f"/audit/cases/{case_id}/events", {"purpose": "export"})
    pupil_events = await services.get("signals", f"/audit/pupils/{case_events['pupil_id']}/events")
    return Response(
        content=jsonl(export_lines(case_events, pupil_events)),
        media_type=MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{file_name(str(case_id))}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/zaken/{case_id}/dossier.pdf")
async def case_file(
    case_id: uuid.UUID,
    user: PortalUser = Depends(auditor_only),
    services: ServiceApi = Depends(api),
) -> Response:
    """The printable case file (reporting), beside the JSON Lines export."""
    return await case_file_download(services, case_id)


# --- verification ----------------------------------------------------------------------------------

VERIFIED_SERVICES: tuple[Service, ...] = ("casework", "signals")


@dataclass(frozen=True)
class FindingRow:
    kind: str
    detail: str
    aggregate_id: str
    version: str
    notification_id: str


def finding_rows(result: Mapping[str, Any]) -> list[FindingRow]:
    return [
        FindingRow(
            kind=label(FINDINGS, p.get("kind")),
            detail=str(p.get("detail") or ""),
            aggregate_id=str(p.get("aggregate_id") or "—"),
            version="—" if p.get("version") is None else str(p["version"]),
            notification_id="—" if p.get("notification_id") is None else str(p["notification_id"]),
        )
        for p in result.get("problems", [])
    ]


def verification_view(results: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    services = []
    for service, result in results.items():
        head = result.get("head") or None
        services.append(
            {
                "service": service,
                "ok": bool(result.get("ok")),
                "events_checked": result.get("events_checked", 0),
                "aggregates_checked": result.get("aggregates_checked", 0),
                "head": f"{head['notification_id']}:{head['log_hash']}" if head else "",
                "problems_total": result.get("problems_total", 0),
                "findings": finding_rows(result),
            }
        )
    return {"ok": all(s["ok"] for s in services), "services": services}


@router.get("/verificatie", response_class=HTMLResponse)
async def verification(
    request: Request,
    casework: str = "",
    signals: str = "",
    user: PortalUser = Depends(auditor_only),
    services: ServiceApi = Depends(api),
) -> Response:
    """Runs the check on both hash-chained stores each time the page is opened; earlier recorded
    chain heads (anchors) can be given to prove nothing was cut off the end."""
    anchors = {"casework": casework.strip(), "signals": signals.strip()}
    errors = {
        service: "Een ketenkop is <notificatienummer>:<64 hexadecimale tekens>, bijvoorbeeld 120:ab12…"
        for service, given in anchors.items()
        if given and not ANCHOR.fullmatch(given)
    }
    context: dict[str, Any] = {"anchors": anchors, "errors": errors, "problem": None, "result": None}
    if errors:
        return render(request, "oversight/verification.html", context, status_code=422)
    try:
        answers = await asyncio.gather(
            *(
                services.get(
                    service, "/audit/verify", {"anchor": [anchors[service]]} if anchors[service] else None
                )
                for service in VERIFIED_SERVICES
            )
        )
    except ApiProblem as problem:
        context["problem"] = _refused(problem)
        return render(request, "oversight/verification.html", context, status_code=422)
    context["result"] = verification_view(dict(zip(VERIFIED_SERVICES, answers, strict=True)))
    return render(request, "oversight/verification.html", context)


# --- access log ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessFilter:
    leerling: str = ""
    medewerker: str = ""
    dag: str = ""

    def filled(self) -> dict[str, str]:
        return {
            k: v
            for k, v in {"leerling": self.leerling, "medewerker": self.medewerker, "dag": self.dag}.items()
            if v
        }


def access_query(form: AccessFilter) -> tuple[dict[str, str], dict[str, str]]:
    """reporting's query for the form, or the Dutch errors per field."""
    filled = form.filled()
    if not filled:
        return {}, {}
    if len(filled) > 1:
        message = "Zoek op precies één van: leerling, medewerker of dag."
        return {}, dict.fromkeys(filled, message)
    if form.leerling:
        if _case_id(form.leerling) is None:
            return {}, {"leerling": "Een leerling-id ziet er zo uit: 3f2b8c1e-5d4a-4b7e-9c1f-2a6d8e0b4c3a."}
        return {"pupil_id": str(_case_id(form.leerling))}, {}
    if form.dag:
        try:
            return {"day": date.fromisoformat(form.dag).isoformat()}, {}
        except ValueError:
            return {}, {"dag": "Vul een datum in, bijvoorbeeld 29-11-2026."}
    if len(form.medewerker) > 128:
        return {}, {"medewerker": "Een gebruikers-id is hoogstens 128 tekens."}
    return {"user_id": form.medewerker}, {}


@router.get("/toegangslog", response_class=HTMLResponse)
async def access_log(
    request: Request,
    leerling: str = "",
    medewerker: str = "",
    dag: str = "",
    pagina: int = 1,
    user: PortalUser = Depends(auditor_only),
    services: ServiceApi = Depends(api),
) -> Response:
    form = AccessFilter(leerling=leerling.strip(), medewerker=medewerker.strip(), dag=dag.strip())
    page = max(1, pagina)
    query, errors = access_query(form)
    context: dict[str, Any] = {
        "form": form,
        "errors": errors,
        "problem": None,
        "entries": None,
        "page": page,
        "next_page": None,
        "previous_page": None,
    }
    if errors or not query:
        return render(request, "oversight/access_log.html", context, status_code=422 if errors else 200)
    try:
        body = await services.get(
            "reporting",
            "/audit/access-log",
            {**query, "limit": ACCESS_LOG_PAGE, "offset": (page - 1) * ACCESS_LOG_PAGE},
        )
    except ApiProblem as problem:
        context["problem"] = _refused(problem)
        return render(request, "oversight/access_log.html", context, status_code=422)
    entries = body.get("entries", [])
    names = await staff_names(services, (str(e.get("user_id") or "") for e in entries))
    for entry in entries:
        entry["who"] = actor_text(entry.get("user_id"), entry.get("role"), names)
    filled = form.filled()
    context["entries"] = entries
    if len(entries) == ACCESS_LOG_PAGE:
        context["next_page"] = "/audit/toegangslog?" + urlencode({**filled, "pagina": page + 1})
    if page > 1:
        context["previous_page"] = "/audit/toegangslog?" + urlencode({**filled, "pagina": page - 1})
    return render(
        request, "oversight/access_log.html", {**context, "school_name": await school_names(services)}
    )
