"""Reading a staff import: a CSV file of one school's people (issue 17).

Columns `gebruikersnaam`/`user_id`, `naam`/`name`, `rol`/`role` and `e-mail`/`email` (optional),
in any order, in a header row in Dutch or English; separated by `;` (as Dutch spreadsheets save)
or `,`. Every row is checked before anything is listed: a file with a bad row is refused as a
whole, naming each bad row by its number as a spreadsheet shows it (the header is row 1).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from pydantic import ValidationError

from ..commands import ListStaffMember
from ..domain.errors import DomainError, StaffImportMalformed
from ..domain.staff import valid_listing

MAX_ROWS = 5_000
"""More people than any school has: a larger file is not a staff list."""

HEADERS = {
    "user_id": ("gebruikersnaam", "user_id", "userid", "gebruiker", "username", "user"),
    "name": ("naam", "name", "volledige naam", "full name"),
    "role": ("rol", "role", "functie"),
    "email": ("e-mail", "email", "e-mailadres", "emailadres", "mail"),
}
ROLE_WORDS = {
    "leerkracht": "leerkracht",
    "teacher": "leerkracht",
    "intern_begeleider": "intern_begeleider",
    "intern begeleider": "intern_begeleider",
    "ib'er": "intern_begeleider",
    "ib": "intern_begeleider",
    "zorgteam": "zorgteam",
    "beheerder": "beheerder",
}
"""The words a school's export may use for a role; anything else is refused by the domain."""


@dataclass(frozen=True)
class ImportRow:
    row: int
    command: ListStaffMember


def _column_of(header: str) -> str | None:
    word = header.strip().lower()
    return next((column for column, words in HEADERS.items() if word in words), None)


def _separator(first_line: str) -> str:
    return ";" if first_line.count(";") >= first_line.count(",") else ","


def _refusal(row: int, user_id: str | None, rule: str, detail: str) -> dict[str, object]:
    return {"row": row, "user_id": user_id, "outcome": "refused", "rule": rule, "detail": detail}


def read_staff_csv(data: bytes, *, school: str) -> list[ImportRow]:
    """The file's rows as commands, or `StaffImportMalformed` naming every bad row."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StaffImportMalformed("Het bestand is niet in UTF-8 opgeslagen.", rows=[]) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise StaffImportMalformed("Het bestand is leeg of begint met een lege regel.", rows=[])
    reader = csv.reader(io.StringIO(text), delimiter=_separator(lines[0]))
    header = next(reader)
    columns = [_column_of(h) for h in header]
    missing = [c for c in ("user_id", "name", "role") if c not in columns]
    if missing:
        expected = ", ".join(HEADERS[c][0] for c in missing)
        raise StaffImportMalformed(f"De kopregel mist de kolom(men): {expected}.", rows=[])
    rows: list[ImportRow] = []
    refused: list[dict[str, object]] = []
    for number, fields in enumerate(reader, start=2):
        if not any(f.strip() for f in fields):
            continue
        if number > MAX_ROWS + 1:
            raise StaffImportMalformed(f"Een import heeft hoogstens {MAX_ROWS} medewerkers.", rows=[])
        if len(fields) != len(header):
            refused.append(
                _refusal(
                    number,
                    None,
                    "staff-import-columns",
                    f"Deze regel heeft {len(fields)} kolommen in plaats van {len(header)}.",
                )
            )
            continue
        values = {c: v.strip() for c, v in zip(columns, fields, strict=True) if c is not None}
        user_id = values.get("user_id") or None
        role = ROLE_WORDS.get(values.get("role", "").lower(), values.get("role", ""))
        try:
            command = ListStaffMember(
                school=school,
                user_id=values.get("user_id", ""),
                name=values.get("name", ""),
                role=role,
                email=values.get("email") or None,
            )
            valid_listing(command.name, command.role, command.email)
        except ValidationError as invalid:
            fields_wrong = ", ".join(str(e["loc"][0]) for e in invalid.errors())
            refused.append(
                _refusal(number, user_id, "staff-import-field", f"Niet goed ingevuld: {fields_wrong}.")
            )
            continue
        except DomainError as refusal:
            refused.append(_refusal(number, user_id, refusal.rule, str(refusal)))
            continue
        rows.append(ImportRow(row=number, command=command))
    if refused:
        raise StaffImportMalformed(
            "Het bestand is niet ingelezen: verbeter de genoemde regels en lees het opnieuw in.", rows=refused
        )
    return rows
