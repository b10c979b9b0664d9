"""The oversight screens: the samenwerkingsverband's dashboard (coordinator = role `beheerder`, and
the auditor) and the auditor's screens (history, as-of, verification, access log, export)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response

from meldcode_contracts import Role

from ..templating import NAVIGATION, NavItem, templates
from . import oversight_audit, oversight_dashboard
from .oversight_labels import ROLES, SERVICES, access_action, label
from .oversight_time import dutch_day, dutch_moment, iso_attribute, season, utc_moment
from .school_names import SchoolNames

ASSETS = Path(__file__).parent.parent / "templates" / "oversight"

router = APIRouter()
router.include_router(oversight_dashboard.router)
router.include_router(oversight_audit.router)

NAVIGATION[Role.ADMINISTRATOR] = [NavItem("Dashboard", "/dashboard")]
NAVIGATION[Role.AUDITOR] = [
    NavItem("Zaak zoeken", "/audit"),
    NavItem("Verificatie", "/audit/verificatie"),
    NavItem("Toegangslogboek", "/audit/toegangslog"),
    NavItem("Dashboard", "/dashboard"),
]

templates.env.globals["school_name"] = SchoolNames()  # a page that asked reporting passes its own

templates.env.filters.update(
    {
        "oversight_moment": dutch_moment,
        "oversight_utc": utc_moment,
        "oversight_day": dutch_day,
        "oversight_iso": iso_attribute,
        "oversight_season": season,
        "oversight_role": lambda code: label(ROLES, code),
        "oversight_service": lambda code: label(SERVICES, code),
        "oversight_action": access_action,
    }
)


def _asset(name: str, media_type: str) -> Response:
    return Response(
        (ASSETS / name).read_bytes(), media_type=media_type, headers={"Cache-Control": "public, max-age=300"}
    )


@router.get("/oversight/charts.js", include_in_schema=False)
async def charts_script() -> Response:
    """Draws the dashboard tables as charts; a file from 'self', since the CSP allows no inline script."""
    return _asset("charts.js", "text/javascript")


@router.get("/oversight/oversight.css", include_in_schema=False)
async def oversight_styles() -> Response:
    return _asset("oversight.css", "text/css")
