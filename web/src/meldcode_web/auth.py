"""Logging in through OpenID Connect (authorization code flow with PKCE), and logging out.

The portal is an ordinary confidential client of the issuer at `PORTAL_OIDC_ISSUER` (the
development issuer in the demo, the real one in production: the same flow). After the callback the
access token is verified exactly as the services verify it (`meldcode_edge.auth`), and the
user's role, samenwerkingsverband and schools come from its claims.
"""

from __future__ import annotations

from typing import Any, Protocol

from authlib.integrations.starlette_client import OAuth, OAuthError
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from meldcode_edge.logging import get_logger
from meldcode_edge.problems import Problem

from .server_sessions import renew_session
from .session import AccessTokenVerifier, store_user, user_from_principal
from .settings import PortalSettings
from .templating import home_for, render

log = get_logger(__name__)
router = APIRouter()
NEXT_KEY = "login_next"


class LoginClient(Protocol):
    """What the login needs of an OpenID Connect client (authlib's Starlette client fits)."""

    async def authorize_redirect(self, request: Request, redirect_uri: str, **kwargs: Any) -> Response: ...

    async def authorize_access_token(self, request: Request, **kwargs: Any) -> dict[str, Any]: ...


def oidc_client(settings: PortalSettings) -> LoginClient:
    oauth = OAuth()
    client: Any = oauth.register(
        name="meldcode",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret.get_secret_value(),
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": settings.oidc_scope, "code_challenge_method": "S256"},
    )
    return client  # type: ignore[no-any-return]


def safe_next(value: str | None) -> str:
    """Only paths of this site: never an open redirect to somewhere else."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


@router.get("/login", include_in_schema=False)
async def login(request: Request, next: str | None = None) -> Response:
    request.session[NEXT_KEY] = safe_next(next)
    client: LoginClient = request.app.state.oidc_client
    settings: PortalSettings = request.app.state.settings
    try:
        return await client.authorize_redirect(request, settings.redirect_uri)
    except Exception as exc:  # the issuer is away: say so, do not show a stack trace
        log.warning("oidc_authorize_redirect_failed", error_type=type(exc).__name__)
        return render(
            request,
            "error.html",
            {
                "title": "Inloggen lukt nu niet",
                "detail": "De inlogdienst is even niet bereikbaar. Probeer het over een paar minuten opnieuw.",
                "status": 503,
            },
            status_code=503,
        )


def _login_failed(request: Request) -> Response:
    return render(
        request,
        "error.html",
        {
            "title": "Inloggen is niet gelukt",
            "detail": "Het inloggen is afgebroken of verlopen. Probeer het opnieuw.",
            "status": 400,
            "retry_login": True,
        },
        status_code=400,
    )


@router.get("/auth/callback", include_in_schema=False)
async def callback(request: Request) -> Response:
    client: LoginClient = request.app.state.oidc_client
    try:
        token = await client.authorize_access_token(request)
    except (OAuthError, ValueError, KeyError) as exc:
        log.warning("oidc_callback_refused", error_type=type(exc).__name__)
        return _login_failed(request)
    access_token = token.get("access_token")
    if not isinstance(access_token, str):
        return _login_failed(request)
    verifier: AccessTokenVerifier = request.app.state.token_verifier
    try:
        principal = verifier.verify(access_token)
    except Problem:
        log.warning("oidc_access_token_refused")
        return _login_failed(request)
    userinfo = token.get("userinfo") or {}
    if userinfo.get("sub") not in (None, principal.user_id):
        log.warning("oidc_subject_mismatch")
        return _login_failed(request)
    raw_name = userinfo.get("name")
    name = raw_name if isinstance(raw_name, str) else ""
    user = user_from_principal(principal, name=name, access_token=access_token)
    next_url = safe_next(request.session.pop(NEXT_KEY, None))
    # a fresh session after login, under a new id: nothing from before the login survives
    # (session fixation)
    request.session.clear()
    renew_session(request)
    store_user(request, user)
    log.info("portal_login", user_id=user.user_id, role=user.role.value)
    return RedirectResponse(next_url if next_url != "/" else home_for(user.role), status_code=303)


@router.post("/logout", include_in_schema=False)
async def logout(request: Request) -> Response:
    # the session is deleted from the store and the page below gets a new id: the old cookie,
    # replayed, finds nothing
    request.session.clear()
    renew_session(request)
    log.info("portal_logout")
    return render(request, "login_logged_out.html", {})
