"""The facts a case command needs that the case does not hold (`application.CaseFacts`): from
casework's copy of the signal history and of the staff directories, and from the settings."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date

import asyncpg

from ..config import Settings
from ..domain.case import KnownSignal
from ..domain.staff_directory import StaffDirectory
from . import signal_history, staff_directory


class CaseFactsFromHistory:
    def __init__(self, pool: asyncpg.Pool, settings: Settings) -> None:
        self._pool = pool
        self._settings = settings

    async def date_of_birth(self, pupil_id: uuid.UUID) -> date | None:
        return await signal_history.date_of_birth(self._pool, pupil_id)

    async def signals(self, signal_ids: Sequence[uuid.UUID]) -> list[KnownSignal]:
        return await signal_history.find_signals(self._pool, signal_ids)

    async def tenant_of_school(self, school: str, case_tenant: str) -> str | None:
        known = await signal_history.tenants_of_school(self._pool, school)
        return self._settings.tenant_of_school(school, known, case_tenant)

    async def jgz_organisation(self, tenant: str) -> str | None:
        partner = self._settings.jgz_partners.get(tenant)
        return partner.organisation if partner is not None else None

    async def staff_directory(self, tenant: str, school: str, user_ids: Collection[str]) -> StaffDirectory:
        return await staff_directory.directory_of(self._pool, tenant, school, user_ids)
