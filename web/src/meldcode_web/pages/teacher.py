"""The teacher's (leerkracht's) screens: find a pupil of the own school, record a signal, see the
own signals.

Pupils are found through reporting's `/schools/{brin}/pupils`, the signal is recorded with
signals' `POST /pupils/{id}/signals`, and "mijn signalen" come from reporting's
`/schools/{brin}/my-signals` (a read model: a new signal shows up there within moments).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from meldcode_contracts import Role, SignalCategory, SourceKind
from meldcode_contracts.vocabulary import signal_status_label
from meldcode_vocabulary.dutch_days import dutch_today

from ..api import ApiProblem, ServiceApi
from ..api import api as service_api
from ..session import PortalUser, require_roles
from ..templating import render, templates
from .signal_attachments import SignalAttachments, attachments_of, refused_query

router = APIRouter(prefix="/leerkracht")

Teacher = Depends(require_roles(Role.TEACHER))

CATEGORY_LABELS: dict[SignalCategory, str] = {
    SignalCategory.PHYSICAL: "Lichamelijke mishandeling",
    SignalCategory.EMOTIONAL: "Emotionele mishandeling of verwaarlozing",
    SignalCategory.BEHAVIOURAL: "Opvallend gedrag",
    SignalCategory.NEGLECT: "Lichamelijke verwaarlozing",
    SignalCategory.SEXUAL: "Seksueel misbruik",
    SignalCategory.DOMESTIC_VIOLENCE: "Huiselijk geweld",
    SignalCategory.HONOUR_RELATED: "Eergerelateerd geweld",
    SignalCategory.OTHER: "Anders",
}
SOURCE_LABELS: dict[SourceKind, str] = {
    SourceKind.OWN_OBSERVATION: "Eigen waarneming",
    SourceKind.PUPIL_SAID: "Verteld door de leerling",
    SourceKind.PARENT_SAID: "Verteld door een ouder of verzorger",
    SourceKind.THIRD_PARTY: "Verteld door een ander (derde)",
}
CATEGORY_OPTIONS = [(c.value, label) for c, label in CATEGORY_LABELS.items()]
SOURCE_OPTIONS = [(s.value, label) for s, label in SOURCE_LABELS.items()]


def _label(labels: dict[Any, str], value: object) -> str:
    for key, label in labels.items():
        if key.value == value:
            return label
    return str(value)


def category_label(value: object) -> str:
    return _label(CATEGORY_LABELS, value)


def source_label(value: object) -> str:
    return _label(SOURCE_LABELS, value)


def pupil_marks(pupil: dict[str, Any]) -> str:
    """What tells two pupils of the same name apart, as far as reporting gives it: the school's
    leerlingnummer and the birth year (a search result and a listed signal name them differently)."""
    number = pupil.get("pupil_number")
    year = pupil.get("birth_year", pupil.get("pupil_birth_year"))
    marks = [f"leerlingnummer {number}" if number else "", f"geboren in {year}" if year else ""]
    return ", ".join(mark for mark in marks if mark)


@dataclass
class SignalForm:
    """What the teacher typed, kept as typed so a refused form comes back unchanged."""

    observed_on: str = ""
    description: str = ""
    interpretation: str = ""
    source_kind: str = SourceKind.OWN_OBSERVATION.value
    source_name: str = ""
    categories: tuple[str, ...] = ()

    @classmethod
    async def read(cls, request: Request) -> SignalForm:
        form = await request.form()

        def text(name: str) -> str:
            value = form.get(name)
            return value.strip() if isinstance(value, str) else ""

        return cls(
            observed_on=text("observed_on"),
            description=text("description"),
            interpretation=text("interpretation"),
            source_kind=text("source_kind"),
            source_name=text("source_name"),
            categories=tuple(v for v in form.getlist("categories") if isinstance(v, str)),
        )

    def errors(self) -> dict[str, str]:
        """What the portal can tell before asking the service (the service checks the rules)."""
        errors: dict[str, str] = {}
        try:
            date.fromisoformat(self.observed_on)
        except ValueError:
            errors["observed_on"] = "Vul de datum van de waarneming in."
        if not self.description:
            errors["description"] = "Beschrijf wat u heeft gezien of gehoord."
        if self.source_kind not in {s.value for s in SourceKind}:
            errors["source_kind"] = "Kies van wie de informatie komt."
        unknown = set(self.categories) - {c.value for c in SignalCategory}
        if unknown:
            errors["categories"] = "Kies alleen categorieën uit de lijst."
        return errors

    def body(self) -> dict[str, Any]:
        return {
            "observed_on": self.observed_on,
            "description": self.description,
            "interpretation": self.interpretation or None,
            "source": {"kind": self.source_kind, "name": self.source_name or None},
            "categories": list(dict.fromkeys(self.categories)),
        }


def signal_field_errors(problem: ApiProblem) -> dict[str, str]:
    """The service's field errors of a refused signal, by the form's field names."""
    return {
        ("source_kind" if k == "kind" else "source_name" if k == "name" else k): v
        for k, v in problem.field_errors().items()
    }


def own_school(user: PortalUser, requested: str | None = None) -> str | None:
    """The school the teacher works in (the requested one when it is theirs)."""
    if requested and requested in user.schools:
        return requested
    return user.schools[0] if user.schools else None


async def recent_signals(api: ServiceApi, school: str | None) -> list[dict[str, Any]]:
    if school is None:
        return []
    answer = await api.get("reporting", f"/schools/{school}/my-signals")
    signals: list[dict[str, Any]] = answer.get("signals", []) if isinstance(answer, dict) else []
    return signals


@router.get("")
async def home(
    request: Request, user: PortalUser = Teacher, api: ServiceApi = Depends(service_api)
) -> Response:
    signals = await recent_signals(api, own_school(user))
    return render(request, "teacher/home.html", {"signals": signals[:5], "signal_count": len(signals)})


@router.get("/leerlingen")
async def find_pupil(
    request: Request,
    q: str = "",
    school: str | None = None,
    user: PortalUser = Teacher,
    api: ServiceApi = Depends(service_api),
) -> Response:
    chosen = own_school(user, school)
    query = q.strip()[:100]
    pupils: list[dict[str, Any]] = []
    searched = len(query) >= 2 and chosen is not None
    if searched:
        answer = await api.get("reporting", f"/schools/{chosen}/pupils", params={"q": query})
        pupils = answer.get("pupils", []) if isinstance(answer, dict) else []
    context = {
        "q": query,
        "school": chosen,
        "pupils": pupils,
        "searched": searched,
        "too_short": 0 < len(query) < 2,
    }
    if request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == "zoekresultaten":
        return render(request, "teacher/_pupil_results.html", context)
    return render(request, "teacher/find_pupil.html", context)


async def pupil_of(api: ServiceApi, pupil_id: uuid.UUID) -> dict[str, Any]:
    pupil: dict[str, Any] = await api.get("signals", f"/pupils/{pupil_id}")
    return pupil


def signal_form_page(
    request: Request,
    template: str,
    pupil: dict[str, Any],
    form: SignalForm,
    *,
    errors: dict[str, str] | None = None,
    problem: ApiProblem | None = None,
    status_code: int = 200,
) -> Response:
    """The signal form (the teacher's or the IB'er's `template`), with what was typed kept."""
    return render(
        request,
        template,
        {
            "pupil": pupil,
            "form": form,
            "errors": errors or {},
            "problem": problem,
            "category_options": CATEGORY_OPTIONS,
            "source_options": SOURCE_OPTIONS,
            "today": dutch_today().isoformat(),
        },
        status_code=status_code,
    )


@dataclass(frozen=True)
class RecordedSignal:
    signal_id: str
    refused_attachments: list[ApiProblem]
    """What signals refused of the attachments (the signal itself is recorded)."""


async def record_signal_from_form(
    request: Request, api: ServiceApi, template: str, pupil_id: uuid.UUID
) -> RecordedSignal | Response:
    """Read the signal form, record the signal with signals and send its attachments. A refused form
    comes back as its page (status 422 or the service's), with what was typed kept."""
    pupil = await pupil_of(api, pupil_id)
    form = await SignalForm.read(request)
    errors = form.errors()
    if errors:
        return signal_form_page(request, template, pupil, form, errors=errors, status_code=422)
    attachments = await SignalAttachments.read(await request.form())
    try:
        recorded = await api.post("signals", f"/pupils/{pupil_id}/signals", json=form.body())
    except ApiProblem as problem:
        if problem.status in (401, 403, 404):
            raise
        return signal_form_page(
            request,
            template,
            pupil,
            form,
            errors=signal_field_errors(problem),
            problem=problem,
            status_code=problem.status,
        )
    signal_id = str(recorded["signal_id"])
    return RecordedSignal(signal_id, await attachments.send(api, signal_id))


TEACHER_FORM = "teacher/record_signal.html"


@router.get("/leerlingen/{pupil_id}/signaal")
async def record_signal_form(
    request: Request, pupil_id: uuid.UUID, user: PortalUser = Teacher, api: ServiceApi = Depends(service_api)
) -> Response:
    pupil = await pupil_of(api, pupil_id)
    return signal_form_page(request, TEACHER_FORM, pupil, SignalForm(observed_on=dutch_today().isoformat()))


@router.post("/leerlingen/{pupil_id}/signaal")
async def record_signal(
    request: Request, pupil_id: uuid.UUID, user: PortalUser = Teacher, api: ServiceApi = Depends(service_api)
) -> Response:
    recorded = await record_signal_from_form(request, api, TEACHER_FORM, pupil_id)
    if isinstance(recorded, Response):
        return recorded
    return RedirectResponse(
        f"/leerkracht/signalen/{recorded.signal_id}?vastgelegd=1{refused_query(recorded.refused_attachments)}",
        status_code=303,
    )


@router.get("/signalen")
async def my_signals(
    request: Request, user: PortalUser = Teacher, api: ServiceApi = Depends(service_api)
) -> Response:
    signals = await recent_signals(api, own_school(user))
    return render(request, "teacher/my_signals.html", {"signals": signals})


@router.get("/signalen/{signal_id}")
async def signal_detail(
    request: Request,
    signal_id: uuid.UUID,
    vastgelegd: int = 0,
    bijlage_geweigerd: int = 0,
    user: PortalUser = Teacher,
    api: ServiceApi = Depends(service_api),
) -> Response:
    signal: dict[str, Any] = await api.get("signals", f"/signals/{signal_id}")
    pupil = await pupil_of(api, uuid.UUID(str(signal["pupil_id"])))
    # what became of it comes from reporting's list of her own signals (none for someone else's)
    listed = await recent_signals(api, str(signal.get("school") or "") or own_school(user))
    feedback = next((s for s in listed if str(s.get("signal_id")) == str(signal_id)), None)
    return render(
        request,
        "teacher/signal.html",
        {
            "signal": signal,
            "pupil": pupil,
            "just_recorded": bool(vastgelegd),
            "attachments": await attachments_of(api, signal_id),
            "attachment_refused": bool(bijlage_geweigerd),
            "feedback": feedback,
            "categories": [category_label(c) for c in signal.get("categories", [])],
            "source": source_label(signal.get("source", {}).get("kind")),
        },
    )


templates.env.filters["categorie"] = category_label
templates.env.filters["bron"] = source_label
templates.env.filters["signaalstatus"] = signal_status_label
templates.env.filters["leerling_kenmerk"] = pupil_marks
