"""Rendering pages: Jinja2 templates with what every page needs (the user, the form token, the
navigation for the user's role).

Pages call `render(request, "teacher/home.html", {...})`. Templates extend `base.html` (blocks
`title` and `content`) and import the form macros from `macros/forms.html`.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from meldcode_contracts import Role
from meldcode_contracts.vocabulary import ROLE_LABELS
from meldcode_vocabulary.dutch_days import DUTCH_TIME

from .csrf import csrf_token
from .session import optional_user

TEMPLATES_DIR = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    badge: str | None = None
    """Where htmx loads the item's count from (e.g. the open tasks), if it shows one."""


NAVIGATION: dict[Role, list[NavItem]] = {
    Role.TEACHER: [
        NavItem("Start", "/leerkracht"),
        NavItem("Signaal vastleggen", "/leerkracht/leerlingen"),
        NavItem("Mijn signalen", "/leerkracht/signalen"),
    ],
    Role.INTERN_BEGELEIDER: [NavItem("Start", "/")],
    Role.ZORGTEAM: [NavItem("Start", "/")],
    Role.ADMINISTRATOR: [NavItem("Start", "/")],
    Role.AUDITOR: [NavItem("Start", "/")],
}
"""The main navigation per role. Page modules may set their role's items (e.g.
`NAVIGATION[Role.AUDITOR] = [...]`) at import time; the first item is the role's home."""


def navigation_for(role: Role) -> list[NavItem]:
    return NAVIGATION.get(role, [])


def home_for(role: Role) -> str:
    items = navigation_for(role)
    return items[0].href if items else "/"


_current_csrf: ContextVar[str] = ContextVar("meldcode_web_csrf", default="")

MONTHS = [
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
]  # fmt: skip


def _to_value(value: Any) -> datetime | date | None:
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            try:
                return date.fromisoformat(value)
            except ValueError:
                return None
    return None


def format_date(value: Any) -> str:
    """`2026-03-04` -> `4 maart 2026` (Dutch, as users read dates)."""
    parsed = _to_value(value)
    if parsed is None:
        return str(value or "")
    if isinstance(parsed, datetime) and parsed.tzinfo is not None:
        parsed = parsed.astimezone(DUTCH_TIME)
    return f"{parsed.day} {MONTHS[parsed.month - 1]} {parsed.year}"


def format_datetime(value: Any) -> str:
    """An ISO timestamp in Dutch local time: `4 maart 2026, 14:05`."""
    parsed = _to_value(value)
    if not isinstance(parsed, datetime):
        return format_date(value)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(DUTCH_TIME)
    return f"{parsed.day} {MONTHS[parsed.month - 1]} {parsed.year}, {parsed:%H:%M}"


templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.globals["current_csrf_token"] = lambda: _current_csrf.get()
templates.env.globals["role_labels"] = {role.value: label for role, label in ROLE_LABELS.items()}
templates.env.filters["datum"] = format_date
templates.env.filters["datumtijd"] = format_datetime


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render(
    request: Request, template_name: str, context: Mapping[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    user = optional_user(request)
    token = csrf_token(request)
    _current_csrf.set(token)
    full: dict[str, Any] = {
        "request": request,
        "user": user,
        "csrf_token": token,
        "navigation": navigation_for(user.role) if user else [],
        "current_path": request.url.path,
        "is_htmx": is_htmx(request),
    }
    full.update(context or {})
    return templates.TemplateResponse(request, template_name, full, status_code=status_code)
