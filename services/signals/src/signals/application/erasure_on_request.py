"""Erasure on request (ADR 10): the two commands of the four eyes, with the facts they need from
casework's events (rule 16: no erasure while a case is open; the waiting period after closing)."""

from __future__ import annotations

import uuid
from datetime import date

import anyio

from meldcode_edge.acting import Acting

from ..commands import ApproveErasure, RequestErasure
from ..domain.erasure import require_no_open_case
from ..domain.retention import RetentionTerms
from .ports import OpenCases
from .signals_application import Erasure, RequestedErasure, SignalsApplication


class ErasureOnRequest:
    def __init__(
        self, application: SignalsApplication, open_cases: OpenCases, waiting_periods: RetentionTerms
    ) -> None:
        self._app = application
        self._open_cases = open_cases
        self._waiting_periods = waiting_periods

    async def request_erasure(
        self, pupil_id: uuid.UUID, command: RequestErasure, *, acting: Acting
    ) -> RequestedErasure:
        """The first of the four eyes; a repeat (also a concurrent one) answers the waiting request."""
        closed_on = await self._last_case_closed_on(pupil_id)
        return await anyio.to_thread.run_sync(
            lambda: self._app.request_erasure(
                pupil_id,
                command,
                last_case_closed_on=closed_on,
                waiting_periods=self._waiting_periods,
                acting=acting,
            )
        )

    async def approve_erasure(
        self, pupil_id: uuid.UUID, command: ApproveErasure, *, acting: Acting
    ) -> Erasure:
        """The second of the four eyes, and the erasure itself. A repeat (also of an approval that
        raced ours) answers the erasure there is."""
        closed_on = await self._last_case_closed_on(pupil_id)
        return await anyio.to_thread.run_sync(
            lambda: self._app.approve_erasure(
                pupil_id,
                command,
                last_case_closed_on=closed_on,
                waiting_periods=self._waiting_periods,
                acting=acting,
            )
        )

    async def _last_case_closed_on(self, pupil_id: uuid.UUID) -> date | None:
        """Refuses while a case about the pupil is open; else the day the last one was closed."""
        require_no_open_case(has_open_case=await self._open_cases.has_open_case(pupil_id))
        return await self._open_cases.last_case_closed_on(pupil_id)
