"""The IB'er registers pupils: one by form, or a whole class or school by importing the export of
the school's pupil administration (ParnasSys, ESIS: a CSV file).

Both go to signals, which owns pupils: the form to `POST /pupils`, the file as it was uploaded to
`POST /schools/{brin}/pupils/import` (signals reads it, checks every row and answers per row). The
portal only shows, in Dutch, what signals answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from meldcode_contracts import Role

from ..api import ApiProblem, ServiceApi, api
from ..session import PortalUser, require_roles
from ..templating import render

router = APIRouter()

REGISTRARS = require_roles(Role.INTERN_BEGELEIDER)
"""Who registers pupils in the portal (signals also lets the beheerder, through its API)."""

MAX_UPLOAD_BYTES = 1_000_000
"""An export of a large school is some 100 kB; a larger file is not a pupil export."""

OUTCOME_LABELS = {
    "registered": "Ingeschreven",
    "already_known": "Was al bekend",
    "refused": "Niet ingeschreven",
}
FIELD_NAMES = {
    "pupil_number": "pupil_number",
    "given_name": "given_name",
    "family_name": "family_name",
    "date_of_birth": "date_of_birth",
    "school": "school",
}


@dataclass
class RegistrationForm:
    """What the IB'er typed, kept as typed so a refused form comes back unchanged."""

    school: str = ""
    pupil_number: str = ""
    given_name: str = ""
    family_name: str = ""
    date_of_birth: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def prefilled(cls, school: str, typed: str) -> RegistrationForm:
        """The name typed in the search, as roepnaam and achternaam (a number as leerlingnummer)."""
        typed = typed.strip()
        if typed.replace("-", "").isdigit():
            return cls(school=school, pupil_number=typed)
        given, _, family = typed.partition(" ")
        return cls(school=school, given_name=given, family_name=family.strip())

    def check(self) -> dict[str, str]:
        """What the portal can tell before asking signals (which checks the rest)."""
        errors: dict[str, str] = {}
        if not self.pupil_number:
            errors["pupil_number"] = "Vul het leerlingnummer in."
        if not self.given_name:
            errors["given_name"] = "Vul de roepnaam in."
        if not self.family_name:
            errors["family_name"] = "Vul de achternaam in."
        try:
            date.fromisoformat(self.date_of_birth)
        except ValueError:
            errors["date_of_birth"] = "Vul de geboortedatum in."
        return errors

    def body(self) -> dict[str, Any]:
        return {
            "school": self.school,
            "pupil_number": self.pupil_number,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "date_of_birth": self.date_of_birth,
        }


def _school_of(user: PortalUser, chosen: str | None) -> str:
    if chosen and chosen in user.schools:
        return chosen
    return user.schools[0] if user.schools else ""


def _render_form(
    request: Request,
    user: PortalUser,
    form: RegistrationForm,
    *,
    problem: ApiProblem | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "casework/register_pupil.html",
        {
            "form": form,
            "errors": form.errors,
            "problem": problem,
            "schools": list(user.schools),
            "school_options": [(s, s) for s in user.schools],
        },
        status_code=status_code,
    )


@router.get("/leerlingen/inschrijven", include_in_schema=False)
async def registration_form(
    request: Request, naam: str = "", school: str | None = None, user: PortalUser = Depends(REGISTRARS)
) -> Response:
    return _render_form(request, user, RegistrationForm.prefilled(_school_of(user, school), naam[:100]))


@router.post("/leerlingen/inschrijven", include_in_schema=False)
async def register(
    request: Request, user: PortalUser = Depends(REGISTRARS), services: ServiceApi = Depends(api)
) -> Response:
    data = await request.form()

    def text(name: str) -> str:
        value = data.get(name)
        return value.strip() if isinstance(value, str) else ""

    form = RegistrationForm(
        school=_school_of(user, text("school")),
        pupil_number=text("pupil_number"),
        given_name=text("given_name"),
        family_name=text("family_name"),
        date_of_birth=text("date_of_birth"),
    )
    form.errors = form.check()
    if form.errors:
        return _render_form(request, user, form, status_code=422)
    try:
        await services.post("signals", "/pupils", form.body())
    except ApiProblem as refused:
        if refused.status == 401:
            raise
        form.errors = {FIELD_NAMES.get(k, k): v for k, v in refused.field_errors().items()}
        return _render_form(request, user, form, problem=refused, status_code=refused.status)
    query = urlencode({"q": form.pupil_number, "ingeschreven": f"{form.given_name} {form.family_name}"})
    return RedirectResponse(f"/leerlingen?{query}", status_code=303)


def _render_import(
    request: Request,
    user: PortalUser,
    *,
    school: str,
    result: dict[str, Any] | None = None,
    problem: ApiProblem | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    rows = [
        {**r, "outcome_label": OUTCOME_LABELS.get(str(r.get("outcome")), str(r.get("outcome")))}
        for r in (result or {}).get("rows", [])
    ]
    return render(
        request,
        "casework/import_pupils.html",
        {
            "school": school,
            "schools": list(user.schools),
            "school_options": [(s, s) for s in user.schools],
            "result": result,
            "rows": rows,
            "problem": problem,
            "row_errors": [e for e in (problem.errors if problem else []) if "row" in e],
            "error": error,
        },
        status_code=status_code,
    )


@router.get("/leerlingen/inlezen", include_in_schema=False)
async def import_form(
    request: Request, school: str | None = None, user: PortalUser = Depends(REGISTRARS)
) -> Response:
    return _render_import(request, user, school=_school_of(user, school))


@router.post("/leerlingen/inlezen", include_in_schema=False)
async def import_pupils(
    request: Request, user: PortalUser = Depends(REGISTRARS), services: ServiceApi = Depends(api)
) -> Response:
    data = await request.form()
    chosen = data.get("school")
    school = _school_of(user, chosen if isinstance(chosen, str) else None)
    upload = data.get("bestand")
    content = await upload.read(MAX_UPLOAD_BYTES + 1) if isinstance(upload, UploadFile) else b""
    if not content:
        error = "Kies het CSV-bestand met de leerlingen (een export uit de leerlingadministratie)."
        return _render_import(request, user, school=school, error=error, status_code=422)
    if len(content) > MAX_UPLOAD_BYTES:
        error = "Het bestand is te groot voor een leerlingexport (meer dan 1 MB)."
        return _render_import(request, user, school=school, error=error, status_code=422)
    try:
        result = await services.post_content(
            "signals", f"/schools/{school}/pupils/import", content, "text/csv"
        )
    except ApiProblem as refused:
        if refused.status == 401:
            raise
        return _render_import(request, user, school=school, problem=refused, status_code=refused.status)
    return _render_import(request, user, school=school, result=result)


__all__ = ["router"]
