"""HTTP: importing a school's pupil administration export (CSV) to register its pupils."""

from __future__ import annotations

import uuid
from typing import Annotated

import anyio
from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from meldcode_contracts.envelope import BRIN_PATTERN
from meldcode_edge.auth import CurrentPrincipal
from meldcode_edge.problems import Unprocessable

from ..application.pupil_import import (
    ImportedRow,
    InvalidRow,
    NumberedRegistration,
    PupilImportInvalid,
    RowOutcome,
)
from .http import SignalsApp
from .pupil_csv import UnreadableFile, parse

router = APIRouter()

BrinPath = Annotated[str, Path(pattern=BRIN_PATTERN, description="School BRIN code, e.g. 12AB or 12AB01")]

CSV_EXAMPLE = (
    "Leerlingnummer;Roepnaam;Tussenvoegsel;Achternaam;Geboortedatum;Groep\n"
    "1001;Sanne;;Jansen;02-03-2016;4\n"
    "1002;Daan;van der;Berg;17-09-2015;5\n"
)


class ImportedRowOut(BaseModel):
    row: int = Field(description="The line of the file (the header is line 1)")
    pupil_number: str
    outcome: RowOutcome = Field(description="registered, already_known or refused")
    pupil_id: uuid.UUID | None
    reason: str | None = Field(description="Why the row was refused (Dutch)")


class PupilImportOut(BaseModel):
    school: str
    registered: int
    already_known: int
    refused: int
    rows: list[ImportedRowOut]


def _invalid(rows: list[InvalidRow]) -> Unprocessable:
    refused = PupilImportInvalid(rows)
    return Unprocessable(
        str(refused),
        rule=refused.rule,
        errors=[{"row": r.row, "message": r.message} for r in rows],
    )


def _answer(school: str, rows: list[ImportedRow]) -> PupilImportOut:
    def count(outcome: RowOutcome) -> int:
        return sum(1 for r in rows if r.outcome is outcome)

    return PupilImportOut(
        school=school,
        registered=count(RowOutcome.REGISTERED),
        already_known=count(RowOutcome.ALREADY_KNOWN),
        refused=count(RowOutcome.REFUSED),
        rows=[
            ImportedRowOut(
                row=r.row,
                pupil_number=r.pupil_number,
                outcome=r.outcome,
                pupil_id=r.pupil_id,
                reason=r.reason,
            )
            for r in rows
        ],
    )


@router.post(
    "/schools/{brin}/pupils/import",
    response_model=PupilImportOut,
    tags=["pupils"],
    summary="Import the school's pupil administration export (CSV, ParnasSys/ESIS style): register new pupils",
    description=(
        "Columns Leerlingnummer, Roepnaam, Tussenvoegsel (optional), Achternaam, Geboortedatum "
        "(dd-mm-jjjj); others (Groep) are ignored. `;`-separated, UTF-8 (with or without BOM) or "
        "Windows-1252. Idempotent by leerlingnummer. A file with a row that cannot be registered "
        "is refused whole (422, `errors[].row`); nothing is registered then."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE}},
        }
    },
)
async def import_pupils(
    brin: BrinPath,
    principal: CurrentPrincipal,
    app: SignalsApp,
    request: Request,
) -> PupilImportOut:
    principal.require_school(principal.tenant, brin)
    try:
        parsed, errors = parse(await request.body(), school=brin)
    except UnreadableFile as not_an_export:
        raise Unprocessable(str(not_an_export), rule="pupil-import-unreadable") from None
    unreadable = tuple(InvalidRow(e.row, e.message) for e in errors)
    acting = principal.acting(request.state.correlation_id)
    numbered = [NumberedRegistration(p.row, p.registration) for p in parsed]
    try:
        rows = await anyio.to_thread.run_sync(
            lambda: app.import_pupils(numbered, acting=acting, unreadable=unreadable)
        )
    except PupilImportInvalid as refused:
        raise _invalid(refused.rows) from None
    return _answer(brin, rows)
