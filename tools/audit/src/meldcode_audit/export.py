"""A case's complete file: the case events and the signal events of its pupil, merged in time
order, as JSON Lines (for programs) and as a readable Dutch PDF (for people)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF

from .labels import event_label, facts, role_label

# Helvetica (a PDF core font) speaks Latin-1; these few characters are common in Dutch texts.
_PLAIN = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "€": "EUR"})


def file_lines(case_events: dict[str, Any], pupil_events: dict[str, Any]) -> list[dict[str, Any]]:
    """One line per stored event, both services, in the order they were recorded."""
    lines = [
        {"service": service, **event, "label": event_label(event["event_type"])}
        for service, body in (("casework", case_events), ("signals", pupil_events))
        for event in body["events"]
    ]
    lines.sort(key=lambda line: datetime.fromisoformat(line["recorded_at"].replace("Z", "+00:00")))
    return lines


def write_jsonl(path: Path, lines: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")


def _latin1(text: str) -> str:
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def _when(stamp: str) -> str:
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC)
    return moment.strftime("%d-%m-%Y %H:%M:%S UTC")


class _File(FPDF):
    def __init__(self, case_id: str) -> None:
        super().__init__(format="A4")
        self.case_id = case_id
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title(_latin1(f"Dossier Meldcode - zaak {case_id}"))
        self.set_creator("meldcode-audit")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "I", 8)
        self.cell(0, 6, _latin1(f"Zaak {self.case_id} - pagina {self.page_no()}/{{nb}}"), align="C")

    def line_of(self, text: str, *, size: int = 10, style: str = "", height: float = 5) -> None:
        self.set_font("Helvetica", style, size)
        self.multi_cell(0, height, _latin1(text), new_x="LMARGIN", new_y="NEXT")


def write_pdf(
    path: Path, case_events: dict[str, Any], lines: list[dict[str, Any]], *, tool: str, exported_at: datetime
) -> None:
    pdf = _File(case_events["case_id"])
    pdf.add_page()
    pdf.line_of("Dossier Meldcode huiselijk geweld en kindermishandeling", size=16, style="B", height=8)
    pdf.line_of("Auditexport: de volledige geschiedenis van de zaak en de signalen van de leerling", size=11)
    pdf.ln(3)
    header = [
        ("Zaak", case_events["case_id"]),
        ("Leerling (pseudoniem)", case_events["pupil_id"]),
        ("Samenwerkingsverband", case_events["tenant"]),
        ("School (BRIN)", case_events["school"]),
        (
            "Aantal gebeurtenissen",
            f"{len(lines)} ({sum(1 for x in lines if x['service'] == 'casework')} "
            f"van de zaak, {sum(1 for x in lines if x['service'] == 'signals')} signalering)",
        ),
        ("Geëxporteerd op", f"{exported_at.astimezone(UTC).strftime('%d-%m-%Y %H:%M:%S')} UTC met {tool}"),
    ]
    for label, value in header:
        pdf.line_of(f"{label}: {value}")
    pdf.ln(2)
    pdf.line_of(
        "Dit overzicht bevat alle vastgelegde gebeurtenissen, ook de identiteit van de melder. Het is "
        "bestemd voor de auditor en mag niet aan het gezin worden verstrekt.",
        size=9,
        style="I",
    )
    pdf.ln(3)
    pdf.line_of("Chronologisch overzicht", size=13, style="B", height=7)
    for number, line in enumerate(lines, start=1):
        pdf.ln(2)
        pdf.line_of(f"{number}. {_when(line['recorded_at'])} - {line['label']}", size=11, style="B", height=6)
        pdf.line_of(
            f"Door: {line.get('actor_id') or 'onbekend'} ({role_label(line.get('actor_role'))})", size=9
        )
        source = "zaak" if line["service"] == "casework" else "signalering"
        pdf.line_of(
            f"Bron: {source}, versie {line['version']}, logpositie {line['notification_id']}, "
            f"hash {(line.get('event_hash') or '-')[:16]}",
            size=8,
        )
        for label, value in facts(line["payload"]):
            pdf.line_of(f"{label}: {value}", size=9)
    pdf.output(str(path))
