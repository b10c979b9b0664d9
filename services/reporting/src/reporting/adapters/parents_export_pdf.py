"""The parents' export as a readable Dutch PDF (fpdf2). Core fonts cover Latin-1 (all Dutch
letters); other characters are replaced by their closest Latin-1 form."""

from __future__ import annotations

import unicodedata
from typing import Final

from fpdf import FPDF

from meldcode_vocabulary import field_label

from ..domain.chronology import JsonValue
from ..domain.parents_export import STAFF_ID_KEYS, ParentsExport
from ..domain.staff import StaffNames, role_label, staff_name

FACT_LABELS: Final = {
    "description": "Beschrijving",
    "source": "Bron",
    "categories": "Categorieën",
    "interpretation": "Interpretatie",
    "reason": "Reden",
    "consulted_role": "Rol van de geraadpleegde",
    "organisation": "Organisatie",
    "advice": "Advies",
    "outcome": "Uitkomst",
    "ground": "Grond",
    "explanation": "Toelichting",
    "veilig_thuis_region": "Regio Veilig Thuis",
    "veilig_thuis_organisation": "Veilig Thuis",
    "school_continues": "Wat de school blijft doen",
    "steps_taken": "Stappen van Veilig Thuis",
    "reporter_id": "Melder",
    "observer_id": "Waargenomen door",
    "case_owner_id": "Casushouder",
}

REPLACEMENTS = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."})


def latin1(text: str) -> str:
    text = text.translate(REPLACEMENTS)
    if all(ord(c) < 256 for c in text):
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c if ord(c) < 256 else "?" for c in decomposed if not unicodedata.combining(c))


def _fact(key: str, value: JsonValue, names: StaffNames) -> str:
    """A fact line; a staff user id is shown as the person's name."""
    if key in STAFF_ID_KEYS:
        ids = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        return f"{FACT_LABELS.get(key, field_label(key))}: {', '.join(staff_name(names, i) for i in ids if isinstance(i, str)) or '-'}"
    return f"{FACT_LABELS.get(key, field_label(key))}: {_value(value)}"


def _value(value: JsonValue) -> str:
    if value is True:
        return "ja"
    if value is False:
        return "nee"
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value) or "-"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_value(v)}" for k, v in value.items())
    return str(value)


def title(export: ParentsExport) -> str:
    return f"Inzage in het dossier van {export.pupil.display_name}"


def render(export: ParentsExport, names: StaffNames | None = None) -> bytes:
    """`names`: the staff directory's names of `export.staff_ids()`; an id it lacks reads as unknown."""
    names = names or {}
    pdf = FPDF(format="A4")
    pdf.set_title(latin1(title(export)))
    pdf.set_author("Meldcode-platform")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, latin1(title(export)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pupil = export.pupil
    born = pupil.date_of_birth.strftime("%d-%m-%Y") if pupil.date_of_birth else "onbekend"
    for line in (
        f"Leerlingnummer: {pupil.pupil_number}",
        f"Geboortedatum: {born}",
        f"School (BRIN): {pupil.school}",
        "Dit overzicht bevat de gegevens over uw kind die de school heeft vastgelegd volgens de "
        "Meldcode huiselijk geweld en kindermishandeling (inzage volgens de AVG).",
    ):
        pdf.multi_cell(0, 5, latin1(line), new_x="LMARGIN", new_y="NEXT")
    if not export.entries:
        pdf.ln(4)
        pdf.multi_cell(0, 5, "Er zijn geen gegevens vastgelegd.", new_x="LMARGIN", new_y="NEXT")
    for entry in export.entries:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 11)
        when = (entry.day or entry.occurred_at.date()).strftime("%d-%m-%Y")
        pdf.multi_cell(0, 6, latin1(f"{when}  {entry.label}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        lines = []
        if entry.corrected:
            lines.append("Later gecorrigeerd (zie de correctie).")
        if entry.actor_id is not None:
            lines.append(
                f"Vastgelegd door: {staff_name(names, entry.actor_id)} ({role_label(entry.actor_role)})"
            )
        lines.extend(_fact(k, v, names) for k, v in entry.facts.items())
        for line in lines:
            pdf.set_x(pdf.l_margin + 6)
            pdf.multi_cell(0, 5, latin1(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
