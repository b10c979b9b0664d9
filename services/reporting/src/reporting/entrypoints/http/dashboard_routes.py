"""The dashboards of the samenwerkingsverband and its schools (aggregate; not logged per pupil)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from meldcode_contracts import Role
from meldcode_edge.auth import CurrentPrincipal
from meldcode_edge.inputs import Day
from meldcode_edge.problems import Forbidden

from ...application.dashboards import Dashboard, dashboard_of
from ...domain.dashboard import TOTAL
from .edges import BrinPath, Figures, TenantPath, refusals_as_problems

router = APIRouter()

Count = int | str
"""A count as shown: the number, "<5" for 1-4, or "x" when hidden so that another cell cannot be
computed back (complementary suppression) or when it adds up months of which one is hidden."""


class OpenCasesOut(BaseModel):
    total: Count
    by_step: dict[str, Count] = Field(description="Open cases per step (geopend ... volgen), now")


class DecisionsOut(BaseModel):
    total: Count
    by_outcome: dict[str, Count] = Field(description="Decisions per outcome of the afwegingskader")


class FiguresOut(BaseModel):
    signals_recorded: Count
    open_cases: OpenCasesOut
    decisions: DecisionsOut
    reports_to_veilig_thuis: Count
    cases_pupil_left_school: Count = Field(description="Cases whose pupil left the school")
    median_days_per_step: dict[str, float | None] = Field(
        description="Median days a case spent in each step (finished periods); null below 5 cases"
    )


class SchoolFiguresOut(FiguresOut):
    school: str


class DashboardOut(BaseModel):
    tenant: str
    period_from: date | None = Field(
        description="First Dutch calendar day counted (inclusive), if any: the first of the month asked for"
    )
    period_until: date | None = Field(
        description="Last Dutch calendar day counted (inclusive), if any: the last of the month asked for"
    )
    months: list[date] = Field(
        default_factory=list,
        description="The calendar months (first days) with figures; a period counts in whole months",
    )
    schools: list[SchoolFiguresOut]
    total: FiguresOut
    suppression: str = Field(
        default=(
            "Aantallen van 1 tot en met 4 staan als '<5'. Waar een totaal een verborgen getal zou "
            "verraden, is ook een ander getal verborgen ('x'). Alle overzichten komen uit één "
            "beschermde tabel per maand, dus ook samen verraden ze geen klein aantal; een periode "
            "telt in hele maanden, en een periodetotaal met een verborgen maand staat als 'x'. "
            "Medianen over minder dan 5 zaken worden niet getoond."
        )
    )


PeriodFrom = Annotated[Day | None, Query(alias="from", description="First day (YYYY-MM-DD), inclusive")]
PeriodUntil = Annotated[Day | None, Query(alias="until", description="Last day (YYYY-MM-DD), inclusive")]


def _dashboard_out(shown: Dashboard) -> DashboardOut:
    return DashboardOut(
        tenant=shown.tenant,
        period_from=shown.first,
        period_until=shown.last,
        months=shown.months,
        schools=[SchoolFiguresOut(school=s, **f) for s, f in shown.figures.items() if s != TOTAL],
        total=FiguresOut(**shown.figures[TOTAL]),
    )


@router.get(
    "/tenants/{tenant}/dashboard",
    response_model=DashboardOut,
    tags=["dashboard"],
    summary="Figures of the samenwerkingsverband per school and in total, small numbers suppressed",
)
async def tenant_dashboard(
    tenant: TenantPath,
    principal: CurrentPrincipal,
    figures: Figures,
    period_from: PeriodFrom = None,
    period_until: PeriodUntil = None,
) -> DashboardOut:
    if tenant != principal.tenant:
        raise Forbidden("Deze gegevens horen bij een ander samenwerkingsverband.", rule="tenant")
    with refusals_as_problems():
        return _dashboard_out(await dashboard_of(tenant, None, period_from, period_until, figures=figures))


@router.get(
    "/schools/{brin}/dashboard",
    response_model=DashboardOut,
    tags=["dashboard"],
    summary="The figures of one school of your samenwerkingsverband, small numbers suppressed",
)
async def school_dashboard(
    brin: BrinPath,
    principal: CurrentPrincipal,
    figures: Figures,
    period_from: PeriodFrom = None,
    period_until: PeriodUntil = None,
) -> DashboardOut:
    if principal.role is not Role.ADMINISTRATOR:  # a beheerder sees every school of the tenant
        principal.require_school(principal.tenant, brin)
    with refusals_as_problems():
        shown = await dashboard_of(principal.tenant, brin, period_from, period_until, figures=figures)
    return _dashboard_out(shown)
