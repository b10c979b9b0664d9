"""The dashboard as tables: what reporting's dashboard answers, laid out as rows and columns with
Dutch headers. The tables are the source of truth of the page; a chart only draws a table.

A count stays exactly as reporting gives it: a number, `"<5"` (1-4), `"x"` (hidden so that a
total cannot betray another cell, or a period total over a hidden month) or `"geheim"` (a whole
table withheld because only its zeros would give a small number away). Nothing here adds, subtracts or estimates a hidden count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .oversight_labels import OPEN_STEPS, OUTCOMES, STEPS

ChartKind = Literal["bar", "stacked", "line"]

SUPPRESSED_NOTE = {
    "<5": "minder dan 5 (niet getoond)",
    "x": "verborgen zodat een ander getal niet terug te rekenen is",
    "geheim": "niet getoond: samen met de nullen zou dit een klein aantal verraden",
}


@dataclass(frozen=True)
class Cell:
    text: str
    """Exactly what is shown."""
    number: float | None
    """The value a chart may draw; None for a suppressed or missing figure."""
    suppressed: bool = False

    @property
    def note(self) -> str:
        """A text for screen readers beside a suppressed figure."""
        return SUPPRESSED_NOTE.get(self.text, "") if self.suppressed else ""


@dataclass(frozen=True)
class Row:
    header: str
    cells: list[Cell]
    link: str | None = None
    in_chart: bool = True
    """Totals are rows of the table but not bars of the chart."""


@dataclass(frozen=True)
class Table:
    key: str
    """Unique on the page (ids of the table and its chart)."""
    caption: str
    corner: str
    """The header above the row headers."""
    columns: list[str]
    rows: list[Row]
    chart: ChartKind | None = None
    chart_columns: list[int] = field(default_factory=list)
    """Which columns the chart draws (a total column is left out)."""
    note: str = ""

    @property
    def has_suppressed(self) -> bool:
        return any(c.suppressed for r in self.rows for c in r.cells)


def count_cell(value: Any) -> Cell:
    """A count as reporting shows it."""
    if isinstance(value, bool):
        raise TypeError("a count is not a boolean")
    if isinstance(value, int | float):
        return Cell(text=str(value), number=float(value))
    if value is None:
        return Cell(text="—", number=None)
    return Cell(text=str(value), number=None, suppressed=True)


def days_cell(value: Any) -> Cell:
    """A median in days; null means: fewer than 5 cases, not shown."""
    if value is None:
        return Cell(text="—", number=None)
    number = float(value)
    return Cell(text=f"{number:.1f}".replace(".", ","), number=number)


def _school_rows(
    dashboard: Mapping[str, Any], cells_of: Any, school_link: Any, school_name: Any, *, with_total: bool
) -> list[Row]:
    rows = [
        Row(header=school_name(s["school"]), cells=cells_of(s), link=school_link(s["school"]))
        for s in dashboard.get("schools", [])
    ]
    if with_total:
        rows.append(
            Row(header="Totaal samenwerkingsverband", cells=cells_of(dashboard["total"]), in_chart=False)
        )
    return rows


def dashboard_tables(
    dashboard: Mapping[str, Any],
    *,
    school_link: Any = lambda _brin: None,
    school_name: Any = lambda brin: f"School {brin}",
    with_total: bool = True,
) -> list[Table]:
    """The dashboard's tables, in the order of the page."""

    def overview(f: Mapping[str, Any]) -> list[Cell]:
        return [
            count_cell(f["signals_recorded"]),
            count_cell(f["decisions"]["total"]),
            count_cell(f["reports_to_veilig_thuis"]),
            count_cell(f["cases_pupil_left_school"]),
        ]

    def open_cases(f: Mapping[str, Any]) -> list[Cell]:
        by_step = f["open_cases"]["by_step"]
        return [count_cell(by_step.get(step, 0)) for step in OPEN_STEPS] + [
            count_cell(f["open_cases"]["total"])
        ]

    def decisions(f: Mapping[str, Any]) -> list[Cell]:
        by_outcome = f["decisions"]["by_outcome"]
        return [count_cell(by_outcome.get(o, 0)) for o in OUTCOMES] + [count_cell(f["decisions"]["total"])]

    def medians(f: Mapping[str, Any]) -> list[Cell]:
        return [days_cell(f["median_days_per_step"].get(step)) for step in OPEN_STEPS]

    def rows(cells_of: Any) -> list[Row]:
        return _school_rows(dashboard, cells_of, school_link, school_name, with_total=with_total)

    step_headers = [STEPS[s] for s in OPEN_STEPS]
    return [
        Table(
            key="overzicht",
            caption="Signalen, besluiten en meldingen bij Veilig Thuis per school",
            corner="School",
            columns=[
                "Signalen vastgelegd",
                "Besluiten",
                "Meldingen bij Veilig Thuis",
                "Zaken waarvan de leerling de school verliet",
            ],
            rows=rows(overview),
            chart="bar",
            chart_columns=[0, 1, 2],
        ),
        Table(
            key="open-zaken",
            caption="Open zaken per school en per stap (nu)",
            corner="School",
            columns=[*step_headers, "Totaal open"],
            rows=rows(open_cases),
            chart="stacked",
            chart_columns=list(range(len(OPEN_STEPS))),
        ),
        Table(
            key="besluiten",
            caption="Besluiten volgens het afwegingskader, per uitkomst",
            corner="School",
            columns=[*OUTCOMES.values(), "Totaal besluiten"],
            rows=rows(decisions),
            chart="stacked",
            chart_columns=list(range(len(OUTCOMES))),
        ),
        Table(
            key="tijd-per-stap",
            caption="Tijd per stap: mediaan in dagen",
            corner="School",
            columns=step_headers,
            rows=rows(medians),
            chart="bar",
            chart_columns=list(range(len(OPEN_STEPS))),
            note="Een streepje (—): minder dan 5 afgeronde periodes in deze stap, daarom geen mediaan.",
        ),
    ]


@dataclass(frozen=True)
class MonthFigures:
    label: str
    """'november 2026'."""
    figures: Mapping[str, Any]
    """The `total` of that month's dashboard (or the school's own row)."""


def month_table(months: Sequence[MonthFigures]) -> Table:
    """Signals, decisions and reports per month, each month as its own dashboard gave it."""
    return Table(
        key="verloop",
        caption="Verloop per maand: signalen, besluiten en meldingen",
        corner="Maand",
        columns=["Signalen vastgelegd", "Besluiten", "Meldingen bij Veilig Thuis"],
        rows=[
            Row(
                header=m.label,
                cells=[
                    count_cell(m.figures["signals_recorded"]),
                    count_cell(m.figures["decisions"]["total"]),
                    count_cell(m.figures["reports_to_veilig_thuis"]),
                ],
            )
            for m in months
        ],
        chart="line",
        chart_columns=[0, 1, 2],
        note=(
            "Alle maanden en periodes komen uit één beschermde tabel per maand, zodat ook samen geen "
            "klein aantal terug te rekenen is: kleine aantallen staan als '<5' of 'x'. "
            "Open zaken zijn alleen voor nu bekend, niet per maand."
        ),
    )
