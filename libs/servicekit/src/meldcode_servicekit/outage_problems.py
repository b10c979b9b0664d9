"""The problem bodies of what only a service meets: an outage of PostgreSQL, the key store or Kafka
(503, or 409 for a concurrent write), and a pupil whose data key was erased (410). Installed on top
of the edge's handlers (`meldcode_edge.problems.install_problem_handlers(more_handlers=...)`)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse

from meldcode_edge.logging import get_logger
from meldcode_edge.problems import RETRY_AFTER_SECONDS, ErrorHandler, on_unexpected, problem_response

from .keystore import DataKeyErased
from .outages import OUTAGE_ERROR_TYPES, is_concurrent_write, is_infrastructure_error

log = get_logger("meldcode_edge.problems")  # beside the other refusals of a request


async def on_infrastructure(request: Request, exc: Exception) -> JSONResponse:
    """A database, the key store or Kafka failed under the request. Registered for those error
    types (not for `Exception`), so Starlette answers from its exception middleware and the
    client's keep-alive connection stays usable."""
    if is_infrastructure_error(exc):
        log.warning("request_refused_outage", path=request.url.path, error_type=type(exc).__name__)
        return problem_response(
            503,
            "Tijdelijk niet beschikbaar",
            "De dienst kan dit nu niet verwerken; er is niets vastgelegd. Probeer het zo opnieuw.",
            rule="service-unavailable",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if is_concurrent_write(exc):
        log.info("request_refused_concurrent_write", path=request.url.path)
        return problem_response(
            409,
            "Conflict",
            "Iemand anders heeft dit tegelijk gewijzigd; er is niets vastgelegd. Laad opnieuw en probeer het nog eens.",
            rule="concurrent-change",
        )
    return await on_unexpected(request, exc)


async def on_erased(_: Request, exc: Exception) -> JSONResponse:
    return problem_response(
        410,
        "Gegevens gewist",
        "De persoonsgegevens van deze leerling zijn gewist; er kan niets meer over worden vastgelegd.",
        rule="personal-data-erased",
    )


def outage_handlers() -> dict[type[Exception], ErrorHandler]:
    """Every outage error type and the erased data key, each with its handler."""
    handlers: dict[type[Exception], ErrorHandler] = dict.fromkeys(OUTAGE_ERROR_TYPES, on_infrastructure)
    handlers[DataKeyErased] = on_erased
    return handlers
