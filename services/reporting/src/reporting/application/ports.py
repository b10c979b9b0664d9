"""The ports of the use cases: who asks, the read models, the access log. typing.Protocols, so a
unit test gives a fake and the adapters need not know the application."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from meldcode_contracts import Role

from ..domain.access import AccessEntry
from ..domain.cases import CaseRow, SchoolCase
from ..domain.chronology import RecordedSignal, StoredEntry
from ..domain.dashboard import DashboardFacts
from ..domain.projection import Projection
from ..domain.pupils import PupilRow
from ..domain.rebuild_check import RebuildReport
from ..domain.staff import StaffNames


class Reader(Protocol):
    """Who asks, as the verified token has it (`meldcode_edge.auth.Principal` is one)."""

    @property
    def user_id(self) -> str: ...
    @property
    def role(self) -> Role: ...
    @property
    def tenant(self) -> str: ...
    @property
    def schools(self) -> frozenset[str]: ...

    def require_school(self, tenant: str, school: str) -> None:
        """Refuses (403) when the data of `school` of samenwerkingsverband `tenant` is not the caller's."""


class AccessLog(Protocol):
    """The access log (NEN 7513) of the current request: every read of a pupil's or case's data."""

    async def record(
        self,
        *,
        action: str,
        tenant: str,
        school: str,
        pupil_id: uuid.UUID | None = None,
        case_id: uuid.UUID | None = None,
    ) -> None: ...


class PupilReadModels(Protocol):
    async def find_pupil(self, pupil_id: uuid.UUID) -> PupilRow | None: ...
    async def chronology_of(self, tenant: str, pupil_id: uuid.UUID) -> list[StoredEntry]: ...
    async def search_pupils(self, tenant: str, school: str, query: str) -> list[PupilRow]: ...
    async def signals_recorded_by(self, tenant: str, school: str, actor_id: str) -> list[RecordedSignal]: ...


class CaseReadModels(Protocol):
    async def find_case(self, case_id: uuid.UUID) -> CaseRow | None: ...
    async def cases_of_school(self, tenant: str, school: str) -> list[SchoolCase]: ...
    async def invited_cases(self, member_id: str) -> set[uuid.UUID]: ...
    async def invited_cases_of_pupil(self, member_id: str, pupil_id: uuid.UUID) -> set[uuid.UUID]: ...
    async def is_invited(self, member_id: str, case_id: uuid.UUID) -> bool: ...


class StaffDirectory(Protocol):
    """The names of staff user ids (the schools' staff directories, `StaffMemberListed`)."""

    async def names_of(self, tenant: str, user_ids: Iterable[str]) -> StaffNames: ...


class FigureReadModels(Protocol):
    async def dashboard_facts(
        self, tenant: str, *, since: datetime | None = None, until: datetime | None = None
    ) -> DashboardFacts: ...

    async def access_log_entries(
        self,
        tenant: str,
        *,
        pupil_id: uuid.UUID | None = None,
        user_id: str | None = None,
        between: tuple[datetime, datetime] | None = None,
        limit: int,
        offset: int,
    ) -> list[AccessEntry]: ...


class ProjectionStore(Protocol):
    """The read models as the consumer writes them, inside its transaction."""

    async def apply(self, projection: Projection) -> None: ...


class Rebuilder(Protocol):
    """Rebuilds every read model from the topics beside the live ones and compares them; raises
    `RebuildBusy` or `LiveBehind` (`reporting.domain.rebuild_check`)."""

    async def __call__(self) -> RebuildReport: ...
