"""Moments as the auditor types and reads them: Dutch wall-clock time (Europe/Amsterdam) on the
screen, UTC in every call to a service.

A `datetime-local` field has no time zone: what the auditor types is Dutch time, summer or winter.
Two moments a year need a decision: in the spring-forward night 02:00-02:59 does not exist in the
Netherlands (refused with a Dutch message), in the fall-back night 02:00-02:59 happens twice (the
first time, summer time, is taken, and the screen says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from meldcode_vocabulary.dutch_days import DUTCH_TIME

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

INPUT_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")


class MomentError(ValueError):
    """The typed moment cannot be used; `message` is for the auditor (Dutch)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Moment:
    """One instant, with what the screen says about how the typed Dutch time was read."""

    utc: datetime
    ambiguous: bool = False
    """The Dutch time happened twice (fall-back night); the first, summer-time one was taken."""

    @property
    def local(self) -> datetime:
        return self.utc.astimezone(DUTCH_TIME)

    @property
    def input_value(self) -> str:
        """The moment for a `datetime-local` field (Dutch time, whole seconds)."""
        return self.local.strftime("%Y-%m-%dT%H:%M:%S")


def parse_local(text: str) -> Moment:
    """A `datetime-local` value (Dutch time) as a UTC instant."""
    value = text.strip()
    naive: datetime | None = None
    for form in INPUT_FORMATS:
        try:
            naive = datetime.strptime(value, form)  # noqa: DTZ007 - Dutch wall-clock time, zoned below
            break
        except ValueError:
            continue
    if naive is None:
        raise MomentError("Vul een datum en tijd in, bijvoorbeeld 29-11-2026 10:00.")
    first = naive.replace(tzinfo=DUTCH_TIME, fold=0)
    second = naive.replace(tzinfo=DUTCH_TIME, fold=1)
    as_utc = first.astimezone(UTC)
    if as_utc.astimezone(DUTCH_TIME).replace(tzinfo=None) != naive:
        raise MomentError(
            "Dit tijdstip bestaat niet in Nederland: in die nacht ging de klok van 02:00 naar 03:00 "
            "(zomertijd). Kies een tijd voor 02:00 of vanaf 03:00."
        )
    return Moment(utc=as_utc, ambiguous=first.utcoffset() != second.utcoffset())


def parse_instant(text: str) -> Moment:
    """An ISO 8601 instant with zone (from a link on the history page) as UTC."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise MomentError("Dit tijdstip is niet leesbaar.") from None
    if moment.tzinfo is None:
        raise MomentError("Dit tijdstip heeft geen tijdzone.")
    return Moment(utc=moment.astimezone(UTC))


def ceil_to_second(moment: datetime) -> datetime:
    """The first whole second at or after `moment` (a moment typed to the second then includes it)."""
    whole = moment.replace(microsecond=0)
    return whole if whole == moment else whole + timedelta(seconds=1)


def _as_datetime(value: datetime | str | None) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def season(moment: datetime) -> str:
    """'zomertijd' or 'wintertijd' for a Dutch local moment."""
    dst = moment.astimezone(DUTCH_TIME).dst()
    return "zomertijd" if dst else "wintertijd"


def dutch_moment(value: datetime | str | None, *, seconds: bool = True) -> str:
    """'29 november 2026 11:00:00' in Dutch time; empty for nothing."""
    moment = _as_datetime(value)
    if moment is None:
        return ""
    local = moment.astimezone(DUTCH_TIME)
    clock = local.strftime("%H:%M:%S" if seconds else "%H:%M")
    return f"{local.day} {MONTHS[local.month - 1]} {local.year} {clock}"


def utc_moment(value: datetime | str | None) -> str:
    """'29-11-2026 10:00:00 UTC'."""
    moment = _as_datetime(value)
    if moment is None:
        return ""
    return moment.astimezone(UTC).strftime("%d-%m-%Y %H:%M:%S UTC")


def dutch_day(value: date | str | None) -> str:
    """'29 november 2026'."""
    if value is None or value == "":
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def iso_attribute(value: datetime | str | None) -> str:
    """The instant for a `<time datetime>` attribute (UTC, ISO 8601)."""
    moment = _as_datetime(value)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else ""
