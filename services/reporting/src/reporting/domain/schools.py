"""The schools of each samenwerkingsverband with their names: screens show "Basisschool De Regenboog
(12AB)" where the events carry only the BRIN code. One register for the platform (a settings file,
`REPORTING_SCHOOLS_FILE`); a school it does not name is shown by its code alone."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from meldcode_contracts.envelope import BRIN_PATTERN, TENANT_PATTERN


@dataclass(frozen=True)
class School:
    brin: str
    name: str


SchoolRegister = Mapping[str, tuple[School, ...]]
"""Per samenwerkingsverband, its schools sorted by name."""


class InvalidSchoolRegister(ValueError):
    """The register is not `{samenwerkingsverband: [{"brin": ..., "name": ...}]}`."""


def school_register(data: object) -> SchoolRegister:
    """The register from its JSON form, checked: valid codes, a name each, no BRIN twice."""
    if not isinstance(data, dict):
        raise InvalidSchoolRegister("the register maps each samenwerkingsverband to its schools")
    register: dict[str, tuple[School, ...]] = {}
    for tenant, schools in data.items():
        if not re.fullmatch(TENANT_PATTERN, str(tenant)) or not isinstance(schools, list):
            raise InvalidSchoolRegister(f"not a samenwerkingsverband with a list of schools: {tenant!r}")
        found: dict[str, School] = {}
        for item in schools:
            brin = str(item.get("brin", "")) if isinstance(item, dict) else ""
            name = str(item.get("name", "")).strip() if isinstance(item, dict) else ""
            if not re.fullmatch(BRIN_PATTERN, brin) or not name or brin in found:
                raise InvalidSchoolRegister(f"a school needs a unique BRIN code and a name: {item!r}")
            found[brin] = School(brin=brin, name=name)
        register[str(tenant)] = tuple(sorted(found.values(), key=lambda s: (s.name, s.brin)))
    return register


def schools_of(register: SchoolRegister, tenant: str) -> tuple[School, ...]:
    """The schools of one samenwerkingsverband (none when the register does not name it)."""
    return register.get(tenant, ())
