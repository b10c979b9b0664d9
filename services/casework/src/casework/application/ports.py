"""What the use cases need from outside the case: small ports, implemented in `adapters/` and
wired in `bootstrap.py` (unit tests use fakes)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date
from typing import Protocol

from ..domain.case import KnownSignal
from ..domain.staff_directory import StaffDirectory


class CaseFacts(Protocol):
    """What a command needs to know that its case does not hold (`adapters.case_facts`)."""

    async def date_of_birth(self, pupil_id: uuid.UUID) -> date | None:
        """The pupil's registered date of birth; None when unknown or erased."""

    async def signals(self, signal_ids: Sequence[uuid.UUID]) -> list[KnownSignal]:
        """The signals casework knows among `signal_ids` (of any samenwerkingsverband)."""

    async def tenant_of_school(self, school: str, case_tenant: str) -> str | None:
        """The samenwerkingsverband `school` belongs to (the case's own when it is among them);
        None when nobody knows the school (rule 14)."""

    async def jgz_organisation(self, tenant: str) -> str | None:
        """The samenwerkingsverband's JGZ partner organisation; None when none is configured."""

    async def staff_directory(self, tenant: str, school: str, user_ids: Collection[str]) -> StaffDirectory:
        """What the school's staff directory says of `user_ids` (rule 17): whether the school keeps
        one at all, and the roles of those among them who are listed now."""


class SchoolAccess(Protocol):
    """May the caller see data of this school? A command naming signals names only signals of the
    caller's own schools. (The HTTP edge's verified principal is one: a refusal is its 403.)"""

    def require_school(self, tenant: str, school: str) -> None: ...
