"""The case file (dossier) as a printable Dutch PDF (fpdf2, as the parents' export): the sections of
`reporting.domain.case_file` in reading order, indented lines kept indented."""

from __future__ import annotations

from fpdf import FPDF

from ..domain.case_file import CaseFile
from .parents_export_pdf import latin1

INDENT = "    "


def render(file: CaseFile) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(latin1(file.title))
    pdf.set_author("Meldcode-platform")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, latin1(file.title), new_x="LMARGIN", new_y="NEXT")
    for section in file.sections:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 12)
        pdf.multi_cell(0, 7, latin1(section.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        for line in section.lines:
            indented = line.startswith(INDENT)
            pdf.set_x(pdf.l_margin + (6 if indented else 0))
            pdf.multi_cell(0, 5, latin1(line.strip()), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
