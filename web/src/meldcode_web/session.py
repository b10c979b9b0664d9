"""Who is logged in: the portal user kept in the server-side session, and the guards pages use.

The session holds the user's access token (the services' JWT) and what the login verified of it.
The token is verified again on every request, like the services do, so an expired or forged
token never gets further than the portal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from fastapi import Request

from meldcode_contracts import Role
from meldcode_contracts.vocabulary import ROLE_LABELS
from meldcode_edge.auth import Principal
from meldcode_edge.problems import Problem

from .errors import AccessDenied, LoginRequired

SESSION_USER = "user"


class AccessTokenVerifier(Protocol):
    def verify(self, token: str) -> Principal: ...


@dataclass(frozen=True)
class PortalUser:
    user_id: str
    role: Role
    tenant: str
    schools: tuple[str, ...]
    name: str
    access_token: str

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role.value)


def user_from_principal(principal: Principal, *, name: str, access_token: str) -> PortalUser:
    return PortalUser(
        user_id=principal.user_id,
        role=principal.role,
        tenant=principal.tenant,
        schools=tuple(sorted(principal.schools)),
        name=name or principal.user_id,
        access_token=access_token,
    )


def store_user(request: Request, user: PortalUser) -> None:
    request.session[SESSION_USER] = {"name": user.name, "access_token": user.access_token}


def _next_url(request: Request) -> str:
    if request.method != "GET":
        return "/"
    query = request.url.query
    return request.url.path + ("?" + query if query else "")


def optional_user(request: Request) -> PortalUser | None:
    """The logged-in user, or None when there is no session or its token no longer verifies."""
    cached = getattr(request.state, "portal_user", None)
    if cached is not None:
        user: PortalUser = cached
        return user
    stored: Any = request.session.get(SESSION_USER)
    if not isinstance(stored, dict) or not isinstance(stored.get("access_token"), str):
        return None
    verifier: AccessTokenVerifier = request.app.state.token_verifier
    try:
        principal = verifier.verify(stored["access_token"])
    except Problem:
        request.session.pop(SESSION_USER, None)
        return None
    user = user_from_principal(
        principal, name=str(stored.get("name", "")), access_token=stored["access_token"]
    )
    request.state.portal_user = user
    return user


def current_user(request: Request) -> PortalUser:
    """FastAPI dependency: the logged-in user; without one the browser goes to /login?next=..."""
    user = optional_user(request)
    if user is None:
        raise LoginRequired(_next_url(request))
    return user


def require_roles(*roles: Role) -> Callable[[Request], PortalUser]:
    """A dependency that returns the user when their role is one of `roles`, else a Dutch 403 page."""

    def guard(request: Request) -> PortalUser:
        user = current_user(request)
        if user.role not in roles:
            raise AccessDenied(f"Deze pagina is niet bedoeld voor de rol {user.role_label.lower()}.")
        return user

    return guard
