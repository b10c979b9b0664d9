"""HTTP API of the staff directory (issue 17): who works at a school, by name, and the import."""

from __future__ import annotations

from typing import Annotated, cast

import anyio
from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from meldcode_contracts import Role
from meldcode_edge.auth import CurrentPrincipal, Principal

from ..adapters.staff_directory import DirectoryEntry, PostgresStaffDirectory
from ..application.staff_import import read_staff_csv
from ..domain.errors import StaffImportMalformed, StaffSchoolOfOtherTenant
from .http import SignalsApp

router = APIRouter()

MAX_IMPORT_BYTES = 1_000_000
MAX_USER_IDS = 200


async def staff_directory(request: Request) -> PostgresStaffDirectory:
    directory: PostgresStaffDirectory = request.app.state.staff_directory
    return directory


Directory = Annotated[PostgresStaffDirectory, Depends(staff_directory)]


class StaffOut(BaseModel):
    user_id: str
    name: str
    role: str
    email: str | None


class StaffList(BaseModel):
    items: list[StaffOut] = Field(description="Listed people, sorted by name")


class StaffAtSchoolOut(StaffOut):
    school: str


class StaffNames(BaseModel):
    items: list[StaffAtSchoolOut] = Field(
        description="Every listing of the asked ids in your samenwerkingsverband, delisted ones too"
    )


class ImportRowOut(BaseModel):
    row: int = Field(description="Row number as a spreadsheet shows it (the header is row 1)")
    user_id: str
    outcome: str = Field(description="listed (new or changed) or unchanged")


class StaffImport(BaseModel):
    school: str
    listed: int
    unchanged: int
    rows: list[ImportRowOut]


def require_school_or_tenant_wide(principal: Principal, school: str) -> None:
    """The school's own people reach their school; the samenwerkingsverband's beheerder and auditor
    reach every school of it (the directory is asked within the caller's samenwerkingsverband)."""
    if principal.role in (Role.ADMINISTRATOR, Role.AUDITOR):
        return
    principal.require_school(principal.tenant, school)


def _out(entry: DirectoryEntry) -> StaffOut:
    return StaffOut(user_id=entry.user_id, name=entry.name, role=entry.role, email=entry.email)


@router.get(
    "/schools/{brin}/staff",
    response_model=StaffList,
    tags=["staff"],
    summary="The staff directory of a school (listed people, by name)",
)
async def school_staff(
    brin: str,
    principal: CurrentPrincipal,
    directory: Directory,
    role: Annotated[list[str], Query(description="Only these roles (repeatable)")] = [],  # noqa: B006
) -> StaffList:
    require_school_or_tenant_wide(principal, brin)
    entries = await directory.at_school(principal.tenant, brin, role)
    return StaffList(items=[_out(e) for e in entries])


@router.get(
    "/staff",
    response_model=StaffNames,
    tags=["staff"],
    summary="Names of the given user ids in your samenwerkingsverband (also of people no longer listed)",
)
async def staff_names(
    principal: CurrentPrincipal,
    directory: Directory,
    user_id: Annotated[list[str], Query(max_length=MAX_USER_IDS)] = [],  # noqa: B006
) -> StaffNames:
    if len(user_id) > MAX_USER_IDS:
        raise StaffImportMalformed(f"Vraag hoogstens {MAX_USER_IDS} namen tegelijk.", rows=[])
    entries = await directory.by_user_ids(principal.tenant, user_id) if user_id else []
    return StaffNames(items=[StaffAtSchoolOut(**_out(e).model_dump(), school=e.school) for e in entries])


@router.post(
    "/schools/{brin}/staff/import",
    response_model=StaffImport,
    tags=["staff"],
    summary="Import a school's staff list (CSV): all rows listed, or none when a row is wrong",
    openapi_extra={
        "requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}, "required": True}
    },
)
async def import_staff(
    brin: str, principal: CurrentPrincipal, app: SignalsApp, directory: Directory, request: Request
) -> StaffImport:
    if principal.role != Role.ADMINISTRATOR:
        principal.require_school(principal.tenant, brin)
    data = await request.body()
    if len(data) > MAX_IMPORT_BYTES:
        raise StaffImportMalformed("Het bestand is groter dan 1 MB; dat is geen personeelslijst.", rows=[])
    rows = read_staff_csv(data, school=brin)
    if await directory.school_of_other_tenant(principal.tenant, brin):
        raise StaffSchoolOfOtherTenant("Deze school hoort bij een ander samenwerkingsverband.")
    acting = principal.acting(request.state.correlation_id)
    commands = [r.command for r in rows]
    try:
        listings = await anyio.to_thread.run_sync(lambda: app.list_staff_members(commands, acting=acting))
    except StaffImportMalformed as refused:
        # the application names refused commands by position; the caller knows rows
        for item in refused.rows:
            index = cast(int, item.pop("index"))
            item.update(row=rows[index].row, user_id=rows[index].command.user_id, outcome="refused")
        raise
    out = [
        ImportRowOut(
            row=r.row, user_id=r.command.user_id, outcome="listed" if listing.changed else "unchanged"
        )
        for r, listing in zip(rows, listings, strict=True)
    ]
    listed = sum(1 for o in out if o.outcome == "listed")
    return StaffImport(school=brin, listed=listed, unchanged=len(out) - listed, rows=out)
