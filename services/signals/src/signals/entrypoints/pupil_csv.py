"""Reading a school's pupil administration export (ParnasSys / ESIS style CSV) into registrations.

The export has a header row with (at least) the columns Leerlingnummer, Roepnaam, Achternaam and
Geboortedatum (dd-mm-jjjj); Tussenvoegsel is put before the family name ("van der" + "Berg"), and
columns the Meldcode does not keep (Groep, address, ...) are ignored. Fields are separated by `;`
(a `,` file is read too), the text is UTF-8 with or without byte order mark, or Windows-1252 as
older exports write it. Every row is checked before anything is registered: one bad row makes the
whole file refused, with each bad row's number (the line in the file, the header being line 1).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from pydantic import ValidationError

from ..commands import RegisterPupil

MAX_ROWS = 5_000
"""More pupils than any school has: a larger file is refused rather than half read."""

REQUIRED_COLUMNS = {
    "leerlingnummer": "Leerlingnummer",
    "roepnaam": "Roepnaam",
    "achternaam": "Achternaam",
    "geboortedatum": "Geboortedatum",
}
FIELD_LABELS = {
    "pupil_number": "Leerlingnummer",
    "given_name": "Roepnaam",
    "family_name": "Achternaam",
    "date_of_birth": "Geboortedatum",
    "school": "School",
}


@dataclass(frozen=True)
class RowError:
    row: int
    """The line of the file (the header is line 1)."""
    message: str


@dataclass(frozen=True)
class ParsedRow:
    row: int
    registration: RegisterPupil


class UnreadableFile(Exception):
    """The file as a whole cannot be read as a pupil export (encoding, header, size)."""


def decode(content: bytes) -> str:
    """UTF-8 (a byte order mark is dropped), else Windows-1252."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return content.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                "Het bestand is geen tekst in UTF-8 of Windows-1252; exporteer het opnieuw als CSV."
            ) from exc


def _delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") >= header_line.count(",") else ","


def _date_of_birth(value: str) -> date | None:
    for pattern in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a calendar day, no time
        except ValueError:
            continue
    return None


def parse(content: bytes, *, school: str) -> tuple[list[ParsedRow], list[RowError]]:
    """The registrations of the file's rows, and the errors of the rows that cannot be one."""
    text = decode(content)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise UnreadableFile("Het bestand is leeg: verwacht een kopregel met Leerlingnummer;Roepnaam;…")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(lines[0]))
    header = [h.strip().lower() for h in next(reader)]
    missing = [label for key, label in REQUIRED_COLUMNS.items() if key not in header]
    if missing:
        raise UnreadableFile(f"De kopregel mist de kolom(men): {', '.join(missing)}.")
    column = {name: header.index(name) for name in (*REQUIRED_COLUMNS, "tussenvoegsel") if name in header}

    parsed: list[ParsedRow] = []
    errors: list[RowError] = []
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(parsed) + len(errors) >= MAX_ROWS:
            raise UnreadableFile(f"Het bestand heeft meer dan {MAX_ROWS} leerlingen; splits het op.")

        def cell(name: str, cells: list[str] = cells) -> str:
            index = column.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        raw_birth = cell("geboortedatum")
        birth = _date_of_birth(raw_birth)
        if birth is None:
            errors.append(RowError(line, f"Geboortedatum ‘{raw_birth}’ is geen datum (dd-mm-jjjj)."))
            continue
        family_name = " ".join(p for p in (cell("tussenvoegsel"), cell("achternaam")) if p)
        if not cell("achternaam"):
            family_name = ""
        try:
            registration = RegisterPupil(
                school=school,
                pupil_number=cell("leerlingnummer"),
                given_name=cell("roepnaam"),
                family_name=family_name,
                date_of_birth=birth,
            )
        except ValidationError as invalid:
            fields = sorted(
                {FIELD_LABELS.get(str(e["loc"][-1]), str(e["loc"][-1])) for e in invalid.errors()}
            )
            errors.append(RowError(line, f"Ontbreekt of ongeldig: {', '.join(fields)}."))
            continue
        parsed.append(ParsedRow(line, registration))
    if not parsed and not errors:
        raise UnreadableFile("Het bestand heeft alleen een kopregel en geen leerlingen.")
    return parsed, errors
