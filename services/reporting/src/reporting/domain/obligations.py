"""Open obligations and overdue items of a case, computed from its folded row and "today".

Deadlines come from event times only (the day of the report, the scheduled evaluation, the moment a
case reached its step); "today" is passed in, so the same row gives the same list on every replay
and in every test. Dutch calendar days (Europe/Amsterdam) and Dutch public holidays (the
`holidays` package, NL) decide working days.

| code | open while | due | overdue |
|---|---|---|---|
| `ouders_informeren` | a decision to report, not yet reported, parents not informed and no exception | — | never (it blocks the report) |
| `kind_informeren` | same, pupil 12 or older today, not informed and no exception | — | never |
| `kind_informeren_vanaf_12` | same, date of birth unknown to reporting | — | never |
| `melden_veilig_thuis` | a decision to report, not yet reported | — | never |
| `terugkoppeling_veilig_thuis` | reported, no feedback since the latest report | report day + 5 working days | after the due day |
| `evaluatie_uitvoeren` | an evaluation scheduled and not held | the evaluation day | after that day |
| `gesprek_ouders` | step `geopend` | step reached + `WAITING_TERM` | after the due day |
| `weging_zorgteam` | step `gesprek_ouders` | step reached + `WAITING_TERM` | after the due day |
| `overdracht` | the pupil left the school (open case) | — | never |

Closed cases have no obligations.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Final
from zoneinfo import ZoneInfo

import holidays

from .cases import CaseRow, CaseStep

DUTCH_TIME: Final = ZoneInfo("Europe/Amsterdam")
FEEDBACK_TERM_WORKING_DAYS: Final = 5
"""Rule 11: Veilig Thuis tells the reporter its steps; feedback is expected within 5 working days."""
WAITING_TERM: Final = timedelta(weeks=6)
"""How long a case may wait for the parents conversation or the weighing: one school term
(roughly the six weeks between two school holidays)."""
CHILD_INFORMED_FROM_AGE: Final = 12
REPORTING_OUTCOMES: Final = frozenset({"report", "report_and_help"})


@dataclass(frozen=True)
class OpenObligation:
    code: str
    text: str
    due_on: date | None = None
    overdue: bool = False


TEXTS: Final = {
    "ouders_informeren": "Informeer de ouders over de voorgenomen melding bij Veilig Thuis, of leg de "
    "uitzondering met wettelijke grond vast.",
    "kind_informeren": "Informeer de leerling (12 jaar of ouder) over de melding, of leg de uitzondering vast.",
    "kind_informeren_vanaf_12": "Is de leerling op de meldingsdatum 12 jaar of ouder? Informeer de leerling "
    "dan over de melding, of leg de uitzondering vast.",
    "melden_veilig_thuis": "Doe de melding bij Veilig Thuis zoals besloten.",
    "terugkoppeling_veilig_thuis": "Leg de terugkoppeling van Veilig Thuis vast; die wordt binnen 5 werkdagen "
    "na de melding verwacht.",
    "evaluatie_uitvoeren": "Evalueer op de geplande datum of de hulp tot blijvende veiligheid leidt.",
    "gesprek_ouders": "Voer het gesprek met de ouders, of leg vast waarom dat niet kan.",
    "weging_zorgteam": "Weeg de signalen en het risico in het zorgteam.",
    "overdracht": "De leerling heeft de school verlaten: alarmeer het zorgteam en draag de zaak zo nodig over.",
}


def dutch_day(moment: datetime) -> date:
    """The calendar day in the Netherlands at `moment` (a timezone-aware datetime)."""
    return moment.astimezone(DUTCH_TIME).date()


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    """Dutch public holidays of `year` (Nieuwjaarsdag, Pasen, Koningsdag, Bevrijdingsdag in lustrum
    years, Hemelvaart, Pinksteren, Kerst)."""
    return frozenset(holidays.country_holidays("NL", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def add_working_days(start: date, n: int) -> date:
    """The `n`th Dutch working day after `start` (`start` itself does not count)."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    while n > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def age_on(date_of_birth: date, day: date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def _due(code: str, due_on: date, today: date) -> OpenObligation:
    return OpenObligation(code, TEXTS[code], due_on=due_on, overdue=today > due_on)


def _plain(code: str) -> OpenObligation:
    return OpenObligation(code, TEXTS[code])


def open_obligations(case: CaseRow, *, today: date, date_of_birth: date | None) -> list[OpenObligation]:
    """What is still to be done in the case, with the due day and whether it is overdue."""
    if not case.is_open:
        return []
    found: list[OpenObligation] = []
    if case.pupil_left_school:
        found.append(_plain("overdracht"))
    if case.step == CaseStep.OPENED and case.step_since is not None:
        found.append(_due("gesprek_ouders", dutch_day(case.step_since) + WAITING_TERM, today))
    if case.step == CaseStep.PARENTS_CONVERSATION and case.step_since is not None:
        found.append(_due("weging_zorgteam", dutch_day(case.step_since) + WAITING_TERM, today))
    if case.outcome in REPORTING_OUTCOMES and not case.reported_for_decision:
        if not case.parents_informed:
            found.append(_plain("ouders_informeren"))
        if not case.child_informed:
            if date_of_birth is None:
                found.append(_plain("kind_informeren_vanaf_12"))
            elif age_on(date_of_birth, today) >= CHILD_INFORMED_FROM_AGE:
                found.append(_plain("kind_informeren"))
        found.append(_plain("melden_veilig_thuis"))
    if case.reports > 0 and case.reported_on is not None and not case.feedback_received:
        due = add_working_days(case.reported_on, FEEDBACK_TERM_WORKING_DAYS)
        found.append(_due("terugkoppeling_veilig_thuis", due, today))
    if case.evaluation_on is not None and not case.evaluated:
        found.append(_due("evaluatie_uitvoeren", case.evaluation_on, today))
    return found


def overdue(obligations: Iterable[OpenObligation]) -> list[str]:
    """The codes of the overdue obligations."""
    return [o.code for o in obligations if o.overdue]
