"""The casework screens of the IB'er / aandachtsfunctionaris and the zorgteam: the task inbox, the
school's cases, a case with its Meldcode step, checklist and history, a form for every step, the
afwegingskader as a guided sequence of questions, opening a case from signals, and a pupil's
chronology.

Every page calls the services with the user's token; the services decide. A step they refuse is
shown again with everything the user typed and the rule's Dutch message beside the form.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from typing import Annotated, Any
from urllib.parse import urlencode

import httpx
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from meldcode_contracts import Role
from meldcode_contracts.vocabulary import STEP_LABELS
from meldcode_vocabulary.dutch_days import dutch_today

from ..api import ApiProblem, ServiceApi, ServiceUnavailable, api
from ..session import PortalUser, require_roles
from ..templating import NAVIGATION, NavItem, is_htmx, render
from . import casework_afwegingskader as afwegingskader
from .case_file import case_file_download
from .casework_actions import case_actions
from .casework_forms import (
    DECISION_FORM,
    DISCIPLINES,
    FORMS,
    PUPIL_FORMS_BY_SLUG,
    REPORT_FORM,
    FormValues,
    Kind,
    StepForm,
    body_of,
    initial_values,
    read_values,
)
from .casework_people import people_on_case, staff_names, staff_options
from .casework_progress import progress_steps
from .casework_views import (
    ShownProblem,
    case_context,
    chronology_entries,
    history_entries,
    named_task_views,
    open_task_count,
    problem_of,
    pupil_name,
    signal_options,
)
from .school_names import SchoolNames, school_names

router = APIRouter()

CASE_STAFF = require_roles(Role.INTERN_BEGELEIDER, Role.ZORGTEAM)
IB_ONLY = require_roles(Role.INTERN_BEGELEIDER)
"""Who works on cases: the IB'er / aandachtsfunctionaris and the zorgteam members."""
IB_ONLY = require_roles(Role.INTERN_BEGELEIDER)
"""Opening a case and the anonymous advice request to Veilig Thuis are the IB'er's."""

NAVIGATION[Role.INTERN_BEGELEIDER] = [
    NavItem("Takenlijst", "/taken", badge="/taken/aantal"),
    NavItem("Zaken", "/zaken"),
    NavItem("Leerling zoeken", "/leerlingen"),
]
NAVIGATION[Role.ZORGTEAM] = [
    NavItem("Zaken", "/zaken"),
    NavItem("Takenlijst", "/taken", badge="/taken/aantal"),
]

TASK_FILTERS = {"open": "Open taken", "done": "Afgeronde taken", "all": "Alle taken"}


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _refused_status(problem: ApiProblem) -> int:
    return problem.status if 400 <= problem.status < 500 else 422


async def _form_data(request: Request) -> Any:
    return await request.form()


# --- task inbox ----------------------------------------------------------------------------------


@router.get("/taken", include_in_schema=False)
async def tasks(
    request: Request,
    status: str = "open",
    pagina: str | None = None,
    afgerond: str | None = None,
    heropend: str | None = None,
    user: PortalUser = Depends(CASE_STAFF),
    services: ServiceApi = Depends(api),
) -> Response:
    chosen = status if status in TASK_FILTERS else "open"
    params = {"status": chosen} | ({"cursor": pagina} if pagina else {})
    (found, links), count = await asyncio.gather(
        services.get_page("notifications", "/tasks", params), open_task_count(services)
    )
    shown = await named_task_views(services, found or [])
    return render(
        request,
        "casework/tasks.html",
        {
            "tasks": shown,
            "filter": chosen,
            "filters": TASK_FILTERS,
            "older": _task_page_href(chosen, links.get("next")),
            "newer": _task_page_href(chosen, links.get("prev")),
            "nav_counts": {"/taken": count} if count is not None else {},
            "just_completed": _completed_banner(afgerond),
            "reopened": heropend is not None,
        },
    )


def _completed_banner(task_id: str | None) -> str | None:
    """The id of the task just completed, for the banner's "Ongedaan maken" (a well-formed id only)."""
    if not task_id:
        return None
    try:
        return str(uuid.UUID(task_id))
    except ValueError:
        return None


@router.get("/taken/aantal", include_in_schema=False)
async def task_count_badge(
    request: Request, user: PortalUser = Depends(CASE_STAFF), services: ServiceApi = Depends(api)
) -> Response:
    """The navigation's badge (loaded by htmx on every page): the number of open tasks."""
    return render(request, "casework/_task_badge.html", {"count": await open_task_count(services)})


def _task_page_href(status: str, service_link: str | None) -> str | None:
    """The portal's address of a neighbouring page of tasks, from the service's `Link` URL."""
    cursor = httpx.URL(service_link).params.get("cursor") if service_link else None
    return f"/taken?{urlencode({'status': status, 'pagina': cursor})}" if cursor else None


async def _task_list_refused(request: Request, services: ServiceApi, problem: ApiProblem) -> Response:
    found = await services.get("notifications", "/tasks", {"status": "open"})
    return render(
        request,
        "casework/tasks.html",
        {
            "tasks": await named_task_views(services, found or []),
            "filter": "open",
            "filters": TASK_FILTERS,
            "problem": problem_of(problem),
        },
        status_code=_refused_status(problem),
    )


async def _change_task(
    request: Request, services: ServiceApi, path: str, row_flag: str, done_url: str
) -> Response:
    """Ask notifications to change one task; the refusal is shown on the task list, an htmx
    request gets the task's new row, a plain one goes back to the list."""
    try:
        changed = await services.post("notifications", path)
    except ApiProblem as problem:
        if problem.status == 401:
            raise
        return await _task_list_refused(request, services, problem)
    if is_htmx(request):
        [view] = await named_task_views(services, [changed])
        return render(request, "casework/_task_row.html", {"task": view, row_flag: True})
    return _see_other(done_url)


@router.post("/taken/{task_id}/afronden", include_in_schema=False)
async def complete_task(
    request: Request,
    task_id: uuid.UUID,
    user: PortalUser = Depends(CASE_STAFF),
    services: ServiceApi = Depends(api),
) -> Response:
    return await _change_task(
        request,
        services,
        f"/tasks/{task_id}/complete",
        "just_done",
        f"/taken?{urlencode({'afgerond': str(task_id)})}",
    )


@router.post("/taken/{task_id}/heropenen", include_in_schema=False)
async def reopen_task(
    request: Request,
    task_id: uuid.UUID,
    user: PortalUser = Depends(CASE_STAFF),
    services: ServiceApi = Depends(api),
) -> Response:
    """ "Ongedaan maken" right after "Afronden": the service decides whether it still may."""
    return await _change_task(
        request, services, f"/tasks/{task_id}/reopen", "just_reopened", "/taken?heropend=1"
    )


# --- the school's cases --------------------------------------------------------------------------


@router.get("/zaken", include_in_schema=False)
async def cases(
    request: Request,
    leerling: str = "",
    stap: str = "",
    casushouder: str = "",
    over_tijd: str = "",
    user: PortalUser = Depends(CASE_STAFF),
    services: ServiceApi = Depends(api),
) -> Response:
    """The school's cases; reporting filters them by the pupil's name, step, casushouder and
    obligations over their due day."""
    chosen = {
        "leerling": leerling.strip()[:100],
        "stap": stap if stap in STEP_LABELS else "",
        "casushouder": casushouder.strip()[:200],
        "over_tijd": over_tijd == "1",
    }
    params: dict[str, str] = {}
    if chosen["leerling"]:
        params["pupil"] = str(chosen["leerling"])
    if chosen["stap"]:
        params["step"] = str(chosen["stap"])
    if chosen["casushouder"]:
        params["case_owner_id"] = str(chosen["casushouder"])
    if chosen["over_tijd"]:
        params["overdue"] = "true"
    schools = []
    for school in user.schools:
        listed = await services.get("reporting", f"/schools/{school}/cases", params or None)
        schools.append({"school": school, "cases": (listed or {}).get("cases", [])})
    return render(
        request,
        "casework/cases.html",
        {
            "schools": schools,
            "chosen": chosen,
            "filtered": bool(params),
            "step_options": list(STEP_LABELS.items()),
            "school_name": await school_names(services),
        },
    )


# --- one case ------------------------------------------------------------------------------------


async def _case(services: ServiceApi, case_id: uuid.UUID) -> dict[str, Any]:
    case: dict[str, Any] = await services.get("casework", f"/cases/{case_id}")
    return case


@router.get("/zaken/{case_id}", include_in_schema=False)
async def case_page(
    request: Request,
    case_id: uuid.UUID,
    vastgelegd: str | None = None,
    user: PortalUser = Depends(CASE_STAFF),
    services: ServiceApi = Depends(api),
) -> Response:
    case = await _case(services, case_id)
    history, name, documents, signals, consulted, schools = await asyncio.gather(
        services.get("casework", f"/cases/{case_id}/history"),
        pupil_name(services, case["pupil_id"]),
        _melding_documents(services, case_id),
        signal_options(services, case),
        _pupil_event_types(services, case["pupil_id"]),
        school_names(services),
    )
    history = history or []
    names = await staff_names(services, people_on_case(case, history))
    done = FORMS.get(vastgelegd or "") or PUPIL_FORMS_BY_SLUG.get(vastgelegd or "")
    done_message = done.done if done else ("De zaak is geopend." if vastgelegd == "zaak-geopend" else None)
    context = case_context(case)
    return render(
        request,
        "casework/case.html",
        {
            **context,
            "progress_steps": progress_steps(
                context["step"], [*consulted, *(str(e.get("event_type")) for e in history)]
            ),
            "pupil_name": name,
            "names": names,
            "history": history_entries(history, names),
            "groups": case_actions(case),
            "documents": documents,
            "signals": signals,
            "done_message": done_message,
            "school_name": schools,
        },
    )


async def _pupil_event_types(services: ServiceApi, pupil_id: str) -> list[str]:
    """The event types of the pupil's chronology (a recorded consultation is step 2's record)."""
    try:
        found = await services.get("reporting", f"/pupils/{pupil_id}/chronology")
    except ServiceUnavailable:
        return []
    except ApiProblem as problem:
        if problem.status == 401:
            raise
        return []
    entries = found.get("entries", []) if isinstance(found, dict) else []
    return [str(e.get("event_type")) for e in entries if isinstance(e, dict)]


async def _melding_documents(services: ServiceApi, case_id: uuid.UUID) -> list[dict[str, Any]]:
    try:
        found = await services.get("notifications", f"/cases/{case_id}/melding-documents")
    except ServiceUnavailable:
        return []  # the case itself is still shown
    except ApiProblem as problem:
        if problem.status == 401:
            raise
        return []
    if isinstance(found, dict):
        found = found.get("documents", [])
    return [d for d in (found or []) if isinstance(d, dict)]


@router.get("/zaken/{case_id}/meldingsdocumenten/{document_id}", include_in_schema=False)
async def melding_document(
    case_id: uuid.UUID,
    document_id: uuid.UUID,
    user: PortalUser = Depends(CASE_STAFF),
    services: ServiceApi = Depends(api),
) -> Response:
    content, content_type = await services.get_bytes("notifications", f"/melding-documents/{document_id}")
    return Response(
        content,
        media_type=content_type,
        headers={"Content-Disposition": f'inline; filename="melding-{document_id}.pdf"'},
    )


@router.get("/zaken/{case_id}/dossier.pdf", include_in_schema=False)
async def case_file(
    case_id: uuid.UUID,
    user: PortalUser = Depends(IB_ONLY),
    services: ServiceApi = Depends(api),
) -> Response:
    """The printable case file (reporting): people by name, the history in Dutch."""
    return await case_file_download(services, case_id)


def _form_or_404(slug: str) -> StepForm:
    form = FORMS.get(slug)
    if form is None:
        raise HTTPException(404)
    return form


async def _render_step(
    request: Request,
    services: ServiceApi,
    case: dict[str, Any],
    form: StepForm,
    values: FormValues,
    *,
    problem: ShownProblem | None = None,
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        **case_context(case),
        "form": form,
        "values": values,
        "problem": problem,
        "errors": problem.field_errors if problem else {},
        "action": f"/zaken/{case['case_id']}/stap/{form.slug}",
        "back": f"/zaken/{case['case_id']}",
        "disciplines": DISCIPLINES,
        "people": await _people_for(services, case, form),
        "school_name": await school_names(services),
    }
    if form is DECISION_FORM:
        from_weighing = afwegingskader.weighing_answers(case)
        values.update(from_weighing)
        context["questions"] = afwegingskader.all_questions(values, frozenset(from_weighing))
        possible = set(case.get("possible_outcomes") or [])
        context["decision_fields"] = [
            replace(f, options=tuple(o for o in f.options if o[0] in possible))
            if f.name == "outcome" and possible
            else f
            for f in form.fields
            if not f.name.startswith("q")
        ]
        context["guide_url"] = f"/zaken/{case['case_id']}/afwegingskader/vragen"
        return render(request, "casework/decision_form.html", context, status_code=status_code)
    if form is REPORT_FORM:
        context["signal_options"] = await signal_options(services, case)
    return render(request, "casework/step_form.html", context, status_code=status_code)


async def _people_for(services: ServiceApi, case: dict[str, Any], form: StepForm) -> dict[str, Any]:
    """Per person field of the form: whom to choose from (empty: a text field with a hint)."""
    people: dict[str, Any] = {}
    for f in (f for f in form.fields if f.kind is Kind.PERSON):
        if f.invited_only:
            members = [str(m.get("member_id")) for m in case.get("zorgteam_members") or []]
            names = await staff_names(services, members)
            people[f.name] = tuple((m, names.get(m, m)) for m in members)
        else:
            people[f.name] = await staff_options(services, str(case.get("school", "")), f.roles)
    return people


@router.get("/zaken/{case_id}/stap/{slug}", include_in_schema=False)
async def step_form(
    request: Request,
    case_id: uuid.UUID,
    slug: str,
    user: PortalUser = Depends(CASE_STAFF),
    services: ServiceApi = Depends(api),
) -> Response:
    form = _form_or_404(slug)
    case = await _case(services, case_id)
    values = initial_values(
        form, today=dutch_today().isoformat(), user_id=user.user_id, version=case["version"]
    )
    if form is REPORT_FORM:
        values["signal_ids"] = [str(s) for s in case.get("signal_ids", [])]
        values["anonymity"] = "op_naam"
    return await _render_step(request, services, case, form, values)


@router.post("/zaken/{case_id}/stap/{slug}", include_in_schema=False)
async def submit_step(
    request: Request,
    case_id: uuid.UUID,
    slug: str,
    user: PortalUser = Depends(CASE_STAFF),
    services: ServiceApi = Depends(api),
) -> Response:
    form = _form_or_404(slug)
    values = read_values(form, await _form_data(request))
    try:
        body = body_of(form, values)
        if form is REPORT_FORM and values.get("anonymity") == "anoniem":
            version = await _agree_anonymity(services, case_id, values)
            if version is not None:
                body["expected_version"] = version
        await services.post("casework", form.path.format(case_id=case_id), body)
    except ApiProblem as refused:
        if refused.status in (401, 404):
            raise
        case = await _case(services, case_id)
        # The page shows the case as it stands now; the next attempt is made against that version.
        values["expected_version"] = str(case["version"])
        return await _render_step(
            request,
            services,
            case,
            form,
            values,
            problem=problem_of(refused),
            status_code=_refused_status(refused),
        )
    return _see_other(f"/zaken/{case_id}?vastgelegd={form.slug}")


async def _agree_anonymity(services: ServiceApi, case_id: uuid.UUID, values: FormValues) -> int | None:
    """Anonymity toward the family is recorded (rule 10) right before the report it belongs to,
    unless it was recorded already since the latest decision. Returns the case's new version."""
    history = await services.get("casework", f"/cases/{case_id}/history") or []
    since_decision: list[str] = []
    for entry in history:
        since_decision = [] if entry.get("event_type") == "DecisionMade" else since_decision
        since_decision.append(str(entry.get("event_type")))
    if "ReporterAnonymityAgreed" in since_decision:
        return None
    body: dict[str, Any] = {
        "ground": values.get("anonymity_ground", ""),
        "argument": values.get("anonymity_argument", ""),
    }
    if str(values.get("expected_version") or "").isdigit():
        body["expected_version"] = int(values["expected_version"])
    agreed = await services.post("casework", f"/cases/{case_id}/reporter-anonymity", body)
    return int(agreed["version"]) if isinstance(agreed, dict) and "version" in agreed else None


@router.post("/zaken/{case_id}/afwegingskader/vragen", include_in_schema=False)
async def guided_questions(
    request: Request, case_id: uuid.UUID, user: PortalUser = Depends(CASE_STAFF)
) -> Response:
    """htmx: the afwegingskader's questions up to the next one to answer, with the Meldcode's
    explanation of each answer given."""
    data = await _form_data(request)
    values = read_values(DECISION_FORM, data)
    from_weighing = frozenset(str(data.get("uit_weging") or "").split())
    return render(
        request,
        "casework/_afwegingskader_questions.html",
        {
            "questions": afwegingskader.guided(values, from_weighing),
            "guided": True,
            "guide_url": f"/zaken/{case_id}/afwegingskader/vragen",
            "errors": {},
        },
    )


# --- a pupil: search, chronology, opening a case, consultation -----------------------------------

MIN_QUERY = 2


@router.get("/leerlingen", include_in_schema=False)
async def pupils(
    request: Request,
    q: str = "",
    ingeschreven: str = "",
    user: PortalUser = Depends(IB_ONLY),
    services: ServiceApi = Depends(api),
) -> Response:
    query = q.strip()[:100]
    found: list[dict[str, Any]] = []
    if len(query) >= MIN_QUERY:
        for school in user.schools:
            answer = await services.get("reporting", f"/schools/{school}/pupils", {"q": query})
            found += (answer or {}).get("pupils", [])
    return render(
        request,
        "casework/pupils.html",
        {
            "q": query,
            "pupils": found,
            "searched": len(query) >= MIN_QUERY,
            "min_query": MIN_QUERY,
            "registered": ingeschreven.strip()[:200],
            "school_name": await school_names(services) if found else SchoolNames(),
        },
    )


@router.get("/leerlingen/{pupil_id}/chronologie", include_in_schema=False)
async def chronology(
    request: Request,
    pupil_id: uuid.UUID,
    vastgelegd: str | None = None,
    user: PortalUser = Depends(CASE_STAFF),
    services: ServiceApi = Depends(api),
) -> Response:
    found = await services.get("reporting", f"/pupils/{pupil_id}/chronology")
    entries = found.get("entries", [])
    names = await staff_names(
        services,
        (
            str((e.get("actor") or {}).get("user_id") or "")
            for e in entries
            if (e.get("actor") or {}).get("role") != "system"
        ),
    )
    done = PUPIL_FORMS_BY_SLUG.get(vastgelegd or "")
    done_message = done.done if done else ("Het signaal is vastgelegd." if vastgelegd == "signaal" else None)
    return render(
        request,
        "casework/chronology.html",
        {
            "pupil": found["pupil"],
            "entries": chronology_entries(entries, names),
            "pupil_id": str(pupil_id),
            "pupil_forms": list(PUPIL_FORMS_BY_SLUG.values()),
            "done_message": done_message,
            "school_name": await school_names(services),
        },
    )


async def _render_open_case(
    request: Request,
    services: ServiceApi,
    pupil_id: uuid.UUID,
    chosen: list[str],
    owner: str,
    *,
    school: str,
    problem: ShownProblem | None = None,
    status_code: int = 200,
) -> Response:
    known, name = await asyncio.gather(
        services.get("casework", f"/pupils/{pupil_id}/signals"), pupil_name(services, str(pupil_id))
    )
    options = await signal_options(
        services, {"signal_ids": [s["signal_id"] for s in known or []]}, known or []
    )
    owners = await staff_options(services, school, ("intern_begeleider",)) if school else ()
    return render(
        request,
        "casework/open_case.html",
        {
            "pupil_id": str(pupil_id),
            "pupil_name": name,
            "signal_options": options,
            "chosen": chosen,
            "case_owner_id": owner,
            "owner_options": owners,
            "problem": problem,
            "errors": problem.field_errors if problem else {},
        },
        status_code=status_code,
    )


@router.get("/leerlingen/{pupil_id}/zaak-openen", include_in_schema=False)
async def open_case_form(
    request: Request,
    pupil_id: uuid.UUID,
    signaal: Annotated[list[str] | None, Query()] = None,
    user: PortalUser = Depends(IB_ONLY),
    services: ServiceApi = Depends(api),
) -> Response:
    return await _render_open_case(
        request, services, pupil_id, list(signaal or []), user.user_id, school=_own_school(user)
    )


@router.post("/leerlingen/{pupil_id}/zaak-openen", include_in_schema=False)
async def open_case(
    request: Request,
    pupil_id: uuid.UUID,
    user: PortalUser = Depends(IB_ONLY),
    services: ServiceApi = Depends(api),
) -> Response:
    data = await _form_data(request)
    chosen = [str(v) for v in data.getlist("signal_ids")]
    owner = str(data.get("case_owner_id") or "").strip()
    body: dict[str, Any] = {"pupil_id": str(pupil_id), "signal_ids": chosen}
    if owner:
        body["case_owner_id"] = owner
    try:
        opened = await services.post("casework", "/cases", body)
    except ApiProblem as refused:
        if refused.status == 401:
            raise
        return await _render_open_case(
            request,
            services,
            pupil_id,
            chosen,
            owner,
            school=_own_school(user),
            problem=problem_of(refused),
            status_code=_refused_status(refused),
        )
    return _see_other(f"/zaken/{opened['case_id']}?vastgelegd=zaak-geopend")


def _own_school(user: PortalUser) -> str:
    """The IB'er's school, whose staff directory offers the casushouder (the first, if several)."""
    return min(user.schools, default="")


def _pupil_form_or_404(slug: str) -> StepForm:
    form = PUPIL_FORMS_BY_SLUG.get(slug)
    if form is None:
        raise HTTPException(404)
    return form


def _render_pupil_step(
    request: Request,
    pupil_id: uuid.UUID,
    form: StepForm,
    values: FormValues,
    *,
    case_id: uuid.UUID | None = None,
    problem: ShownProblem | None = None,
    status_code: int = 200,
) -> Response:
    back = f"/zaken/{case_id}" if case_id else f"/leerlingen/{pupil_id}/chronologie"
    return render(
        request,
        "casework/step_form.html",
        {
            "form": form,
            "values": values,
            "problem": problem,
            "errors": problem.field_errors if problem else {},
            "action": f"/leerlingen/{pupil_id}/stap/{form.slug}" + (f"?zaak={case_id}" if case_id else ""),
            "back": back,
            "back_to_case": case_id is not None,
            "case": None,
        },
        status_code=status_code,
    )


@router.get("/leerlingen/{pupil_id}/stap/{slug}", include_in_schema=False)
async def pupil_step_form(
    request: Request,
    pupil_id: uuid.UUID,
    slug: str,
    zaak: uuid.UUID | None = None,
    user: PortalUser = Depends(CASE_STAFF),
) -> Response:
    """A pupil's step; opened from a case (`zaak`), it returns to that case."""
    form = _pupil_form_or_404(slug)
    values = initial_values(form, today=dutch_today().isoformat(), user_id=user.user_id)
    return _render_pupil_step(request, pupil_id, form, values, case_id=zaak)


@router.post("/leerlingen/{pupil_id}/stap/{slug}", include_in_schema=False)
async def submit_pupil_step(
    request: Request,
    pupil_id: uuid.UUID,
    slug: str,
    zaak: uuid.UUID | None = None,
    user: PortalUser = Depends(CASE_STAFF),
    services: ServiceApi = Depends(api),
) -> Response:
    form = _pupil_form_or_404(slug)
    values = read_values(form, await _form_data(request))
    try:
        await services.post(form.service, form.path.format(pupil_id=pupil_id), body_of(form, values))
    except ApiProblem as refused:
        if refused.status == 401:
            raise
        return _render_pupil_step(
            request,
            pupil_id,
            form,
            values,
            case_id=zaak,
            problem=problem_of(refused),
            status_code=_refused_status(refused),
        )
    if zaak:
        return _see_other(f"/zaken/{zaak}?vastgelegd={form.slug}")
    return _see_other(f"/leerlingen/{pupil_id}/chronologie?vastgelegd={form.slug}")


__all__ = ["CASE_STAFF", "IB_ONLY", "router"]
