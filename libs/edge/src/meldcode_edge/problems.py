"""Problem details (RFC 9457) for every error an API returns.

Bodies name what went wrong (the field, the rule) in Dutch for the user, with a stable `rule`
or `errors[].field` for programs. They never carry stack traces or personal data.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .logging import get_logger

PROBLEM_JSON = "application/problem+json"
RETRY_AFTER_SECONDS = 5

log = get_logger(__name__)

ErrorHandler = Callable[[Request, Exception], Awaitable[JSONResponse]]
"""Answers one error type with a problem body (`install_problem_handlers`' `more_handlers`)."""


class Problem(Exception):
    """An error with an HTTP status and a user-facing Dutch message."""

    status = 400
    title = "Ongeldig verzoek"

    def __init__(self, detail: str, *, rule: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.rule = rule
        self.extra = extra


class Unauthorized(Problem):
    status = 401
    title = "Niet ingelogd"


class Forbidden(Problem):
    status = 403
    title = "Geen toegang"


class NotFound(Problem):
    status = 404
    title = "Niet gevonden"


class Conflict(Problem):
    status = 409
    title = "Conflict"


class InvalidInput(Problem):
    """422 for input refused at the edge, before any route code; `errors` names the fields."""

    status = 422
    title = "Ongeldige invoer"


class ServiceUnavailable(Problem):
    status = 503
    title = "Tijdelijk niet beschikbaar"


class Unprocessable(Problem):
    status = 422
    title = "Kan niet worden verwerkt"


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    rule: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if rule:
        body["type"] = f"urn:meldcode:rule:{rule}"
        body["rule"] = rule
    body.update(extra)
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


@dataclass(frozen=True)
class Refusal:
    rule: str
    title: str
    detail: str


HTTP_REFUSALS: dict[int, Refusal] = {
    400: Refusal(
        rule="request-unreadable",
        title="Ongeldig verzoek",
        detail="De inhoud van het verzoek kan niet worden gelezen: stuur JSON in UTF-8.",
    ),
    401: Refusal(rule="unauthenticated", title="Niet ingelogd", detail="Log in om verder te gaan."),
    403: Refusal(rule="forbidden", title="Geen toegang", detail="U hebt geen toegang tot dit onderdeel."),
    404: Refusal(rule="not-found", title="Niet gevonden", detail="Dit adres bestaat niet."),
    405: Refusal(
        rule="method-not-allowed",
        title="Methode niet toegestaan",
        detail="Dit adres kan dit soort verzoek niet verwerken.",
    ),
}
"""What the web framework itself refuses (a body that is no UTF-8, an unknown path or method),
said in Dutch with a rule id like every other refusal."""
OTHER_HTTP_REFUSAL = Refusal(
    rule="request-refused", title="Verzoek niet verwerkt", detail="Het verzoek kan niet worden verwerkt."
)

REFUSALS = {401: "unauthenticated", 403: "forbidden", 404: "not-found"}
"""The refusals written to the service log (ADR 8), with the reason used when no rule is given."""

PRINCIPAL_STATE = "meldcode_principal"
"""Request-state key where `current_principal` leaves whom the token named, for the refusal log."""


def log_refusal(request: Request, status: int, rule: str | None) -> None:
    """One line per 401/403/404: who (token subject, role, tenant), which route template and why.
    No path values, query string or body: the template and the rule say what was refused."""
    if status not in REFUSALS:
        return
    principal = request.scope.get("state", {}).get(PRINCIPAL_STATE)
    route = request.scope.get("route")
    (log.info if status == 404 else log.warning)(
        "request_refused",
        status=status,
        reason=rule or REFUSALS[status],
        method=request.method,
        route=getattr(route, "path_format", None),
        user_id=getattr(principal, "user_id", None),
        role=getattr(getattr(principal, "role", None), "value", None),
        tenant=getattr(principal, "tenant", None),
    )


async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    """500 without anything of the error in the body; the log names its type only."""
    log.error("unhandled_error", path=request.url.path, error_type=type(exc).__name__)
    return problem_response(500, "Interne fout", "Er ging iets mis; probeer het later opnieuw.")


def install_problem_handlers(
    app: FastAPI,
    domain_error: type[Exception] | None = None,
    *,
    more_handlers: Mapping[type[Exception], ErrorHandler] | None = None,
) -> None:
    """Map errors to problem bodies. `domain_error` is the service's domain error base class:
    instances carry `rule`, `status` (409/422) and a Dutch `message`. `more_handlers` answers
    error types the edge does not know (the service kit's outages and erased data keys,
    `meldcode_servicekit.outage_problems`)."""

    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        log_refusal(request, exc.status, exc.rule)
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if exc.status == 503 else None
        return problem_response(
            exc.status, exc.title, exc.detail, rule=exc.rule, headers=headers, **exc.extra
        )

    async def on_validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {
                "field": ".".join(str(p) for p in err["loc"] if p != "body"),
                "message": err["msg"],
                "type": err["type"],
            }
            for err in exc.errors()
        ]
        fields = ", ".join(e["field"] or "body" for e in errors)
        return problem_response(
            422,
            "Ongeldige invoer",
            f"Controleer deze velden: {fields}.",
            rule="request-validation",
            errors=errors,
        )

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        refusal = HTTP_REFUSALS.get(exc.status_code, OTHER_HTTP_REFUSAL)
        log_refusal(request, exc.status_code, refusal.rule)
        return problem_response(
            exc.status_code, refusal.title, refusal.detail, rule=refusal.rule, headers=dict(exc.headers or {})
        )

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)
    for error_type, handler in (more_handlers or {}).items():
        app.add_exception_handler(error_type, handler)

    if domain_error is not None:

        async def on_domain_error(request: Request, exc: Exception) -> JSONResponse:
            rule = getattr(exc, "rule", type(exc).__name__)
            status = getattr(exc, "status", 422)
            log_refusal(request, status, rule)
            title = {404: "Niet gevonden", 409: "Conflict"}.get(status, "Niet toegestaan volgens de Meldcode")
            return problem_response(status, title, str(exc), rule=rule, **getattr(exc, "details", {}))

        app.add_exception_handler(domain_error, on_domain_error)
