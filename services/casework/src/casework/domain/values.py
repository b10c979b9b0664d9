"""Small helpers shared by the value objects of casework: fixed choices and required texts."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from .errors import UnknownChoice

E = TypeVar("E", bound=StrEnum)


def choose(kind: type[E], value: E | str, what: str) -> E:
    """`value` as a member of the fixed list `kind`, or a 422 naming the allowed values."""
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise UnknownChoice(f"Onbekende {what}: '{value}'. Kies uit: {allowed}.") from None


def text(value: str | None) -> str:
    """A free text, trimmed; empty when missing."""
    return (value or "").strip()
