"""The portal application: FastAPI with server-rendered pages per role.

`create_app()` wires the session cookie, the central CSRF check, the login, the error pages and
the three page routers (teacher, casework, oversight). The portal keeps no case data: each page
calls the services' APIs with the logged-in user's token (`api.ServiceApi`).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from meldcode_edge.auth import TokenVerifier
from meldcode_edge.logging import get_logger
from meldcode_edge.settings import AuthSettings

from . import auth
from .api import ApiProblem, ServiceUnavailable
from .csrf import verify_csrf
from .errors import AccessDenied, CsrfFailed, LoginRequired
from .pages import casework, oversight, pupil_registration, pupil_signal, signal_attachments, teacher
from .server_sessions import ServerSessionMiddleware
from .session import AccessTokenVerifier, current_user
from .session_store import MemorySessionStore, PostgresSessionStore, SessionStore
from .settings import PortalSettings
from .templating import home_for, is_htmx, render

log = get_logger(__name__)
STATIC_DIR = Path(__file__).parent / "static"
SESSION_COOKIE = "meldcode_portal"

_TITLES = {
    400: "Ongeldig verzoek",
    401: "Niet ingelogd",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Niet toegestaan",
    409: "Conflict",
    422: "Kan niet worden verwerkt",
}


def login_redirect(request: Request, next_url: str) -> Response:
    target = "/login?next=" + quote(next_url, safe="/")
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def error_page(request: Request, status: int, title: str, detail: str) -> Response:
    return render(
        request, "error.html", {"title": title, "detail": detail, "status": status}, status_code=status
    )


def install_error_pages(app: FastAPI) -> None:
    async def on_login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        return login_redirect(request, exc.next_url)

    async def on_access_denied(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AccessDenied)
        return error_page(request, 403, "Geen toegang", exc.detail)

    async def on_csrf(request: Request, _: Exception) -> Response:
        return error_page(
            request,
            403,
            "Formulier verlopen",
            "Dit formulier is verlopen of niet door deze site verstuurd. Ga terug, laad de pagina "
            "opnieuw en probeer het nog eens.",
        )

    async def on_api_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiProblem)
        if exc.status == 401:
            request.session.clear()
            return login_redirect(request, request.url.path)
        status = exc.status if 400 <= exc.status < 500 else 400
        return error_page(request, status, _TITLES.get(status, exc.title), exc.detail)

    async def on_unavailable(request: Request, _: Exception) -> Response:
        return error_page(
            request,
            503,
            "Tijdelijk niet beschikbaar",
            "Een onderdeel van het systeem is even niet bereikbaar. Probeer het over een paar minuten opnieuw.",
        )

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        status = exc.status_code
        if status == 404:
            return error_page(request, 404, "Niet gevonden", "Deze pagina bestaat niet (meer).")
        title = _TITLES.get(status, "Niet gelukt")
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != title else title + "."
        return error_page(request, status, title, detail)

    app.add_exception_handler(LoginRequired, on_login_required)
    app.add_exception_handler(AccessDenied, on_access_denied)
    app.add_exception_handler(CsrfFailed, on_csrf)
    app.add_exception_handler(ApiProblem, on_api_problem)
    app.add_exception_handler(ServiceUnavailable, on_unavailable)
    app.add_exception_handler(StarletteHTTPException, on_http)


CLIENT_HEADERS = {"User-Agent": "meldcode-web/0.1.0"}
"""How the portal names itself to the services: it shows as the client application in the access log."""


def _session_store(settings: PortalSettings) -> SessionStore:
    if settings.session_database_url:
        return PostgresSessionStore(settings.session_database_url)
    log.warning("portal_sessions_in_memory", reason="PORTAL_SESSION_DATABASE_URL is not set")
    return MemorySessionStore()


def create_app(
    settings: PortalSettings | None = None,
    *,
    token_verifier: AccessTokenVerifier | None = None,
    oidc_client: Any = None,
    http_transport: httpx.AsyncBaseTransport | None = None,
    session_store: SessionStore | None = None,
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    """The portal. Tests pass fakes for the token verifier, the OIDC client and the services."""
    settings = settings or PortalSettings()
    store = session_store or _session_store(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient(transport=http_transport, headers=CLIENT_HEADERS) as client:
            app.state.http_client = client
            try:
                yield
            finally:
                await store.close()

    app = FastAPI(
        title="Meldcode-portaal",
        lifespan=lifespan,
        dependencies=[Depends(verify_csrf)],
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.token_verifier = token_verifier or TokenVerifier(AuthSettings())
    app.state.oidc_client = oidc_client or auth.oidc_client(settings)
    # Outside the lifespan (e.g. a TestClient without `with`) pages still get a client.
    app.state.http_client = httpx.AsyncClient(transport=http_transport, headers=CLIENT_HEADERS)

    app.state.session_store = store
    app.add_middleware(
        ServerSessionMiddleware,
        store=store,
        secret=settings.session_secret.get_secret_value(),
        cookie_name=SESSION_COOKIE,
        idle=timedelta(seconds=settings.session_idle_seconds),
        absolute=timedelta(seconds=settings.session_max_age_seconds),
        secure=settings.cookies_secure,
        **({"clock": clock} if clock is not None else {}),
    )

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        started = time.perf_counter()
        response: Response = await call_next(request)
        # the portal's own time for this page, service calls included (read by the case-walk measurement)
        response.headers.setdefault("Server-Timing", f"app;dur={(time.perf_counter() - started) * 1000:.1f}")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; frame-ancestors 'none'; form-action 'self' " + settings.oidc_issuer,
        )
        if request.url.path.startswith(
            ("/leerkracht", "/auth", "/dossiers")
        ) or "text/html" in response.headers.get("content-type", ""):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    install_error_pages(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static")
    app.include_router(auth.router)

    @app.get("/", include_in_schema=False)
    async def home(request: Request) -> Response:
        user = current_user(request)
        target = home_for(user.role)
        if target == "/":
            return render(request, "home.html", {})
        return RedirectResponse(target, status_code=303)

    @app.get("/health", include_in_schema=False)
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(teacher.router)
    app.include_router(pupil_registration.router)
    app.include_router(pupil_signal.router)
    app.include_router(signal_attachments.router)
    app.include_router(casework.router)
    app.include_router(oversight.router)
    return app
