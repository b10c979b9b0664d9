"""The dashboard of the samenwerkingsverband (coordinator and auditor): reporting's figures per
school and in total, optionally for one school and for a period, with a table per chart."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from meldcode_contracts import Role
from meldcode_contracts.envelope import BRIN_PATTERN
from meldcode_vocabulary.dutch_days import dutch_today

from ..api import ApiProblem, ServiceApi, api
from ..session import PortalUser, require_roles
from ..templating import render
from .oversight_tables import MonthFigures, dashboard_tables, month_table
from .oversight_time import MONTHS, dutch_day
from .school_names import SchoolNames, school_names

router = APIRouter()

DASHBOARD_ROLES = (Role.ADMINISTRATOR, Role.AUDITOR)
SERIES_MONTHS = 6


@dataclass(frozen=True)
class PeriodForm:
    van: str = ""
    tot: str = ""
    school: str = ""


def parse_day(text: str) -> date | None:
    """A `type=date` value; '' is no day. Raises ValueError for anything else."""
    return date.fromisoformat(text) if text else None


def month_bounds(last: date, count: int) -> list[tuple[date, date]]:
    """The `count` calendar months up to and including the month of `last`, oldest first."""
    months: list[tuple[date, date]] = []
    first = last.replace(day=1)
    for _ in range(count):
        following = (first + timedelta(days=32)).replace(day=1)
        months.append((first, following - timedelta(days=1)))
        first = (first - timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def month_label(first: date) -> str:
    return f"{MONTHS[first.month - 1]} {first.year}"


def dashboard_path(tenant: str, school: str | None) -> str:
    return f"/schools/{school}/dashboard" if school else f"/tenants/{tenant}/dashboard"


def period_params(start: date | None, end: date | None) -> dict[str, str]:
    params: dict[str, str] = {}
    if start:
        params["from"] = start.isoformat()
    if end:
        params["until"] = end.isoformat()
    return params


def school_link(form: PeriodForm) -> Any:
    def link(brin: str) -> str:
        query = {k: v for k, v in {"school": brin, "van": form.van, "tot": form.tot}.items() if v}
        return "/dashboard?" + urlencode(query)

    return link


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard(
    request: Request,
    van: str = "",
    tot: str = "",
    school: str = "",
    user: PortalUser = Depends(require_roles(*DASHBOARD_ROLES)),
    services: ServiceApi = Depends(api),
) -> HTMLResponse:
    form = PeriodForm(van=van.strip(), tot=tot.strip(), school=school.strip().upper())
    errors: dict[str, str] = {}
    start = end = None
    try:
        start = parse_day(form.van)
    except ValueError:
        errors["van"] = "Vul een datum in, bijvoorbeeld 1-8-2026."
    try:
        end = parse_day(form.tot)
    except ValueError:
        errors["tot"] = "Vul een datum in, bijvoorbeeld 31-7-2027."
    if form.school and not re.fullmatch(BRIN_PATTERN, form.school):
        errors["school"] = "Een BRIN-nummer is vier tekens, bijvoorbeeld 12AB."
    context: dict[str, Any] = {
        "form": form,
        "errors": errors,
        "tenant": user.tenant,
        "problem": None,
        "school_name": SchoolNames(),
    }
    if errors:
        return render(request, "oversight/dashboard.html", {**context, "tables": []}, status_code=422)

    names = await school_names(services)
    context["school_name"] = names
    path = dashboard_path(user.tenant, form.school or None)
    months = month_bounds(end or dutch_today(), SERIES_MONTHS)
    try:
        main, *per_month = await asyncio.gather(
            services.get("reporting", path, period_params(start, end)),
            *(services.get("reporting", path, period_params(first, last)) for first, last in months),
        )
    except ApiProblem as problem:
        if problem.status == 401:
            raise
        return render(
            request,
            "oversight/dashboard.html",
            {**context, "tables": [], "problem": problem},
            status_code=422,
        )
    tables = dashboard_tables(
        main, school_link=school_link(form), school_name=names, with_total=not form.school
    )
    tables.append(
        month_table(
            [
                MonthFigures(label=month_label(first), figures=body["total"])
                for (first, _), body in zip(months, per_month, strict=True)
            ]
        )
    )
    period = (
        f"van {dutch_day(main.get('period_from')) or 'het begin'} tot en met {dutch_day(main.get('period_until')) or 'vandaag'}"
        if main.get("period_from") or main.get("period_until")
        else "alle vastgelegde gegevens"
    )
    return render(
        request,
        "oversight/dashboard.html",
        {
            **context,
            "tables": tables,
            "suppression": main.get("suppression", ""),
            "period": period,
            "schools": [s["school"] for s in main.get("schools", [])],
        },
    )
