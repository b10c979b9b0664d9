"""The melding document as a PDF (fpdf2), from the sections `domain.melding` decides on.

Deterministic: the creation date is the report's time, so building it again (a replay) gives the
same bytes and the same sha256. The core fonts cover Latin-1 (all Dutch letters); other characters
in recorded texts are replaced by their closest Latin-1 form.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from fpdf import FPDF

from ..domain.melding import SUBTITLE, TITLE, MeldingFile, document_sections

REPLACEMENTS = str.maketrans(
    {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "•": "-"}
)


def latin1(text: str) -> str:
    text = text.translate(REPLACEMENTS)
    if all(ord(c) < 256 for c in text):
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c if ord(c) < 256 else "?" for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class RenderedDocument:
    pdf: bytes
    sha256: str
    pages: int


def render(file: MeldingFile) -> RenderedDocument:
    pdf = FPDF(format="A4")
    pdf.set_creation_date(file.reported_at)
    pdf.set_title(latin1(TITLE))
    pdf.set_author("Meldcode-platform")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, latin1(TITLE), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(0, 5, latin1(SUBTITLE), new_x="LMARGIN", new_y="NEXT")
    for section in document_sections(file):
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 12)
        pdf.multi_cell(0, 7, latin1(section.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        for line in section.lines:
            indent = line.startswith("    ")
            if indent:
                pdf.set_x(pdf.l_margin + 6)
            pdf.multi_cell(0, 5, latin1(line.strip()), new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(-20)
    pdf.set_font("Helvetica", "I", 8)
    pdf.multi_cell(
        0, 4, latin1(f"Document {file.document_id} - vertrouwelijk"), new_x="LMARGIN", new_y="NEXT"
    )
    data = bytes(pdf.output())
    return RenderedDocument(pdf=data, sha256=hashlib.sha256(data).hexdigest(), pages=pdf.pages_count)
