"""Step 5, hulp organiseren: the help agreed for the pupil and the family."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class AgreedHelp:
    """The help organised under the current decision (rule 10), as the case view shows it."""

    organised_on: date
    description: str
    providers: tuple[str, ...]
    agreed_term_until: date | None
