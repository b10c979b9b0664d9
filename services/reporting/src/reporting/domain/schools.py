"""The schools of each samenwerkingsverband with their names: screens show "Basisschool De Regenboog
(12AB)" where the events carry only the BRIN code. One register for the platform (a settings file,
`REPORTING_SCHOOLS_FILE`); a school it does not name is shown by its code alone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class School:
    brin: str
    name: str


SchoolRegister = Mapping[str, tuple[School, ...]]
"""Per samenwerkingsverband, its schools sorted by name."""


def schools_of(register: SchoolRegister, tenant: str) -> tuple[School, ...]:
    """The schools of one samenwerkingsverband (none when the register does not name it)."""
    return register.get(tenant, ())
