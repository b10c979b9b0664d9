"""What the casework templates show, made from the services' answers: a case with its step and
checklist, history and chronology entries with Dutch labels, tasks with their links, the signals
to choose from, and a refused step's message."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from meldcode_contracts import Role
from meldcode_contracts.vocabulary import SYSTEM_ACTOR_NAME

from ..api import ApiProblem, ServiceApi, ServiceUnavailable
from .casework_forms import REQUEST_VALIDATION_DETAIL, field_errors
from .casework_labels import (
    MELDCODE_STEPS,
    checklist_item,
    choice_label,
    event_label,
    fact_lines,
    step_view,
)

# --- a refused step ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownProblem:
    """A refused step as the page shows it: the rule's Dutch message, and per field what is wrong."""

    title: str
    detail: str
    rule: str | None = None
    field_errors: dict[str, str] = field(default_factory=dict)
    errors: tuple[dict[str, Any], ...] = ()
    """Left empty: the field errors are shown beside their fields, in Dutch."""


def problem_of(refused: ApiProblem) -> ShownProblem:
    if refused.rule == "request-validation":
        return ShownProblem(
            title="Controleer het formulier",
            detail=REQUEST_VALIDATION_DETAIL,
            rule=refused.rule,
            field_errors=field_errors(refused.errors),
        )
    title = "Deze stap kan nog niet" if refused.status == 409 else "Deze stap kan zo niet worden vastgelegd"
    if refused.status == 403:
        title = "Geen toestemming voor deze stap"
    return ShownProblem(title=title, detail=refused.detail, rule=refused.rule)


# --- a case --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistEntry:
    code: str
    question: str
    text: str
    form: str | None
    due_on: str | None = None
    """The day casework published it is due (ISO), shown as it is: the portal derives no term."""


def checklist(obligations: list[dict[str, Any]]) -> list[ChecklistEntry]:
    """The API's open obligations as checklist entries, each with the form that does it."""
    entries = []
    for obligation in obligations:
        code = str(obligation.get("code", ""))
        item = checklist_item(code)
        due = obligation.get("due_on")
        entries.append(
            ChecklistEntry(
                code, item.question, str(obligation.get("text", "")), item.form, str(due) if due else None
            )
        )
    return entries


def case_context(case: dict[str, Any]) -> dict[str, Any]:
    step = step_view(str(case.get("step", "")))
    return {
        "case": case,
        "step": step,
        "meldcode_steps": MELDCODE_STEPS,
        "closed": case.get("step") == "gesloten",
        "next_step": checklist(case.get("open_obligations", [])),
        "before_report": checklist(case.get("missing_for_report", [])),
    }


@dataclass(frozen=True)
class HistoryEntry:
    label: str
    occurred_at: str
    actor_id: str
    actor_role: str
    facts: list[tuple[str, str]]
    case_id: str | None = None
    signal_id: str | None = None
    observed_on: str | None = None
    corrected: bool = False
    event_type: str = ""
    actor_name: str = ""
    """The actor by name (the staff directory); empty when not looked up."""

    @property
    def who(self) -> str:
        """Who did it, as the screens say it: a person by name, the platform as itself."""
        if self.actor_role == Role.SYSTEM:
            return SYSTEM_ACTOR_NAME
        return self.actor_name or self.actor_id


def history_entries(history: list[dict[str, Any]], names: dict[str, str] | None = None) -> list[HistoryEntry]:
    """The case's history, newest first; people by name when `names` knows them."""
    entries = [
        HistoryEntry(
            label=event_label(str(e.get("event_type", ""))),
            occurred_at=str(e.get("occurred_at", "")),
            actor_id=str(e.get("actor_id", "")),
            actor_role=str(e.get("actor_role", "")),
            facts=fact_lines(e.get("details") or {}, names),
            event_type=str(e.get("event_type", "")),
            actor_name=(names or {}).get(str(e.get("actor_id", "")), ""),
        )
        for e in history
    ]
    return list(reversed(entries))


def chronology_entries(
    entries: list[dict[str, Any]], names: dict[str, str] | None = None
) -> list[HistoryEntry]:
    """The pupil's chronology in time order (oldest first: a timeline)."""
    shown = []
    for e in entries:
        actor = e.get("actor") or {}
        facts = dict(e.get("facts") or {})
        source = facts.get("source")
        lines = fact_lines(facts)
        if isinstance(source, dict) and source.get("kind"):
            said = choice_label(source["kind"]) + (f" ({source['name']})" if source.get("name") else "")
            lines.insert(1 if lines else 0, ("Bron", said))
        categories = facts.get("categories")
        if isinstance(categories, list) and categories:
            lines.append(("Categorieën", ", ".join(choice_label(c) for c in categories)))
        shown.append(
            HistoryEntry(
                label=str(e.get("label") or event_label(str(e.get("event_type", "")))),
                occurred_at=str(e.get("occurred_at", "")),
                actor_id=str(actor.get("user_id", "")),
                actor_role=str(actor.get("role", "")),
                actor_name=(names or {}).get(str(actor.get("user_id", "")), ""),
                facts=lines,
                case_id=str(e["case_id"]) if e.get("case_id") else None,
                signal_id=str(e["signal_id"]) if e.get("signal_id") else None,
                observed_on=str(e["observed_on"]) if e.get("observed_on") else None,
                corrected=bool(e.get("corrected")),
                event_type=str(e.get("event_type", "")),
            )
        )
    return shown


async def pupil_name(services: ServiceApi, pupil_id: str) -> str | None:
    """The pupil's name from the signals service, or None when it cannot be shown."""
    try:
        pupil = await services.get("signals", f"/pupils/{pupil_id}")
    except ServiceUnavailable:
        return None  # the page is still shown, without the name
    except ApiProblem as problem:
        if problem.status == 401:
            raise
        return None
    if not isinstance(pupil, dict):
        return None
    return f"{pupil.get('given_name', '')} {pupil.get('family_name', '')}".strip() or None


@dataclass(frozen=True)
class SignalOption:
    signal_id: str
    observed_on: str
    description: str
    corrections: int


async def signal_options(
    services: ServiceApi, case: dict[str, Any], known: list[dict[str, Any]] | None = None
) -> list[SignalOption]:
    """The signals to choose from, each with its day and facts. Those of a case come in one answer
    from reporting, which gives them to the case's IB'er and to the zorgteam members invited into
    it (the signals service answers only the school's own staff); without a case (opening one)
    each comes from the signals service. A signal not (yet) described is offered with its id."""
    ids = [str(s) for s in case.get("signal_ids", [])]
    days = {str(k.get("signal_id")): str(k.get("observed_on", "")) for k in known or []}
    if case.get("case_id"):
        described = await _signals_of_case(services, str(case["case_id"]))
    else:
        described = await _signals_one_by_one(services, ids, days)
    return [described.get(i) or SignalOption(i, days.get(i, ""), "", 0) for i in ids]


def _option(signal: dict[str, Any], day: str = "") -> SignalOption:
    return SignalOption(
        str(signal.get("signal_id", "")),
        str(signal.get("observed_on") or day),
        str(signal.get("description", "")),
        int(signal.get("corrections", 0) or 0),
    )


async def _signals_of_case(services: ServiceApi, case_id: str) -> dict[str, SignalOption]:
    try:
        found = await services.get("reporting", f"/cases/{case_id}/signals")
    except ServiceUnavailable:
        return {}  # the case itself is still shown, its signals by id
    except ApiProblem as problem:
        if problem.status == 401:
            raise
        return {}
    listed = found.get("signals", []) if isinstance(found, dict) else []
    options = [_option(s) for s in listed if isinstance(s, dict)]
    return {o.signal_id: o for o in options}


async def _signals_one_by_one(
    services: ServiceApi, ids: list[str], days: dict[str, str]
) -> dict[str, SignalOption]:
    async def one(signal_id: str) -> SignalOption | None:
        try:
            signal = await services.get("signals", f"/signals/{signal_id}")
        except ApiProblem as problem:
            if problem.status == 401:
                raise
            return None
        if not isinstance(signal, dict):
            return None
        return _option({**signal, "signal_id": signal_id}, days.get(signal_id, ""))

    found = await asyncio.gather(*(one(i) for i in ids))
    return {o.signal_id: o for o in found if o is not None}


# --- tasks ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskView:
    task_id: str
    title: str
    kind: str
    status: str
    created_at: str
    due_at: str | None
    due_on: str | None
    overdue: bool
    href: str | None
    link_text: str
    chronology_href: str | None
    pupil_name: str | None = None
    """Who the task is about, as reporting names the pupil; None when it cannot be shown."""

    @property
    def full_title(self) -> str:
        """ "Bram Jansen (groep 5): Neem een besluit (stap 5)": the pupil first, then what to do."""
        named = self.pupil_name and self.kind != "new_signal"  # that title names the pupil itself
        return f"{self.pupil_name}: {self.title}" if named else self.title


def _overdue(due_at: str | None, status: str) -> bool:
    if not due_at or status != "open":
        return False
    try:
        due = datetime.fromisoformat(due_at.replace("Z", "+00:00"))
    except ValueError:
        return False
    return due < datetime.now(UTC) if due.tzinfo else False


async def open_task_count(services: ServiceApi) -> int | None:
    """The number on the navigation's badge; None when notifications cannot say (no badge then)."""
    try:
        counted = await services.get("notifications", "/tasks/count")
    except ServiceUnavailable:
        return None
    except ApiProblem as problem:
        if problem.status == 401:
            raise
        return None
    return int(counted["open"]) if isinstance(counted, dict) and "open" in counted else None


async def shown_pupil_name(services: ServiceApi, pupil_id: str) -> str | None:
    """The pupil as reporting names them (the read route a zorgteam member may use for a case they
    are invited into), with the group when reporting knows it; None when it cannot be shown."""
    try:
        found = await services.get("reporting", f"/pupils/{pupil_id}/chronology")
    except ServiceUnavailable:
        return None
    except ApiProblem as problem:
        if problem.status == 401:
            raise
        return None
    pupil = found.get("pupil") if isinstance(found, dict) else None
    if not isinstance(pupil, dict) or not pupil.get("display_name"):
        return None
    group = pupil.get("group")
    return f"{pupil['display_name']} (groep {group})" if group else str(pupil["display_name"])


async def named_task_views(services: ServiceApi, tasks: list[dict[str, Any]]) -> list[TaskView]:
    """The tasks, each titled with the pupil it is about (one read per pupil on the page)."""
    pupil_ids = list(dict.fromkeys(str(t["pupil_id"]) for t in tasks if t.get("pupil_id")))
    names = dict(
        zip(pupil_ids, await asyncio.gather(*(shown_pupil_name(services, p) for p in pupil_ids)), strict=True)
    )
    return task_views(tasks, names)


def task_views(tasks: list[dict[str, Any]], names: dict[str, str | None] | None = None) -> list[TaskView]:
    views = []
    for task in tasks:
        pupil = task.get("pupil_id")
        case = task.get("case_id")
        kind = str(task.get("kind", ""))
        if kind == "new_signal" and pupil:
            href = f"/leerlingen/{pupil}/zaak-openen" + (
                f"?signaal={task['signal_id']}" if task.get("signal_id") else ""
            )
            link_text = "Signaal bekijken en zaak openen"
        elif case:
            href, link_text = f"/zaken/{case}", "Naar de zaak"
        elif pupil:
            href, link_text = f"/leerlingen/{pupil}/chronologie", "Naar de chronologie"
        else:
            href, link_text = None, ""
        status = str(task.get("status", ""))
        due = task.get("due_at")
        views.append(
            TaskView(
                task_id=str(task.get("task_id", "")),
                title=str(task.get("title", "")),
                kind=kind,
                status=status,
                created_at=str(task.get("created_at", "")),
                due_at=str(due) if due else None,
                due_on=str(task["due_on"]) if task.get("due_on") else None,
                overdue=_overdue(str(due) if due else None, status),
                href=href,
                link_text=link_text,
                chronology_href=f"/leerlingen/{pupil}/chronologie" if pupil else None,
                pupil_name=(names or {}).get(str(pupil)) if pupil else None,
            )
        )
    return views
