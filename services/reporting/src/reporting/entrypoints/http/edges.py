"""What every route of reporting shares: the ports the use cases get (read models on the app's pool,
the access log bound to the request), the clock, path parameters, and refusals as problem bodies."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated

import asyncpg
from fastapi import Depends, Path, Request

from meldcode_contracts.envelope import BRIN_PATTERN, TENANT_PATTERN
from meldcode_edge.auth import CurrentPrincipal, Principal
from meldcode_edge.problems import NotFound, Unprocessable
from meldcode_servicekit.access import AccessLogger
from meldcode_vocabulary.dutch_days import dutch_today

from ...adapters.case_reads import CaseReads
from ...adapters.figure_reads import FigureReads
from ...adapters.pupil_reads import PupilReads
from ...adapters.staff_reads import StaffReads
from ...application.refusals import NotKnown, Refused, Unanswerable

"""Who reads pupils' chronologies and cases."""


def read_pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


def read_today(request: Request) -> date:
    """The Dutch calendar day; `app.state.today` (a callable) replaces the clock where set."""
    clock: Callable[[], date] | None = getattr(request.app.state, "today", None)
    return clock() if clock is not None else dutch_today()


Pool = Annotated[asyncpg.Pool, Depends(read_pool)]
Today = Annotated[date, Depends(read_today)]
BrinPath = Annotated[str, Path(pattern=BRIN_PATTERN, description="School BRIN code, e.g. 12AB or 12AB01")]
TenantPath = Annotated[str, Path(pattern=TENANT_PATTERN, description="The samenwerkingsverband")]


def pupil_reads(pool: Pool) -> PupilReads:
    return PupilReads(pool)


def case_reads(pool: Pool) -> CaseReads:
    return CaseReads(pool)


def figure_reads(pool: Pool) -> FigureReads:
    return FigureReads(pool)


def staff_reads(pool: Pool) -> StaffReads:
    return StaffReads(pool)


Pupils = Annotated[PupilReads, Depends(pupil_reads)]
Staff = Annotated[StaffReads, Depends(staff_reads)]
Cases = Annotated[CaseReads, Depends(case_reads)]
Figures = Annotated[FigureReads, Depends(figure_reads)]


class RequestAccessLog:
    """The service kit's access log, bound to the caller and the request it serves."""

    def __init__(self, log: AccessLogger, principal: Principal, request: Request) -> None:
        self._log = log
        self._principal = principal
        self._request = request

    async def record(
        self,
        *,
        action: str,
        tenant: str,
        school: str,
        pupil_id: uuid.UUID | None = None,
        case_id: uuid.UUID | None = None,
    ) -> None:
        await self._log.record(
            self._principal,
            self._request,
            action=action,
            tenant=tenant,
            school=school,
            pupil_id=pupil_id,
            case_id=case_id,
        )


def request_access_log(log: AccessLogger, principal: CurrentPrincipal, request: Request) -> RequestAccessLog:
    return RequestAccessLog(log, principal, request)


Access = Annotated[RequestAccessLog, Depends(request_access_log)]

PROBLEMS: dict[type[Refused], type[NotFound] | type[Unprocessable]] = {
    NotKnown: NotFound,
    Unanswerable: Unprocessable,
}


@contextmanager
def refusals_as_problems() -> Iterator[None]:
    """A use case's refusal answered as its problem body (404 unknown, 422 unanswerable)."""
    try:
        yield
    except Refused as refused:
        raise PROBLEMS[type(refused)](refused.detail, rule=refused.rule) from refused
