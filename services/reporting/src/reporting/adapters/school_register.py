"""The school register read from its settings file (JSON: `{samenwerkingsverband: [{brin, name}]}`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from meldcode_contracts.envelope import BRIN_PATTERN, TENANT_PATTERN

from ..domain.schools import School, SchoolRegister


def read_school_register(path: Path | None) -> SchoolRegister:
    """The register in the file; none without a file. A malformed file stops the start-up."""
    if path is None:
        return {}
    return school_register(json.loads(path.read_text(encoding="utf-8")))


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
