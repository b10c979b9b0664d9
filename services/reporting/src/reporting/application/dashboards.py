"""The dashboards of the samenwerkingsverband and of its schools: aggregate figures, small numbers
suppressed. Every dashboard is cut from the samenwerkingsverband's one suppressed grid of whole
months, so a period is widened to the months it touches (docs/adr/0017). Not logged per pupil."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from meldcode_vocabulary.dutch_days import dutch_day_bounds

from ..domain.dashboard import dashboard, month_end
from .ports import FigureReadModels
from .refusals import Unanswerable


@dataclass(frozen=True)
class Dashboard:
    tenant: str
    first: date | None
    """The first day counted: the first of the first month asked for."""
    last: date | None
    """The last day counted: the last of the last month asked for."""
    months: list[date]
    figures: dict[str, dict[str, object]]
    """Per school, and the total under `reporting.domain.dashboard.TOTAL`, the figures as shown."""


async def dashboard_of(
    tenant: str,
    school: str | None,
    period_from: date | None,
    period_until: date | None,
    *,
    figures: FigureReadModels,
) -> Dashboard:
    """The dashboard of the samenwerkingsverband (`school` None) or of one of its schools."""
    if period_from is not None and period_until is not None and period_from > period_until:
        raise Unanswerable("De periode begint na het einde.", rule="period")
    first = period_from.replace(day=1) if period_from else None
    last = month_end(period_until) if period_until else None
    facts = await figures.dashboard_facts(
        tenant,
        since=dutch_day_bounds(first)[0] if first else None,
        until=dutch_day_bounds(last)[1] if last else None,
    )
    months, shown = dashboard(facts, school)
    return Dashboard(tenant, first, last, months, shown)
