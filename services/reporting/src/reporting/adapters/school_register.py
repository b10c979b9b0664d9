"""The school register read from its settings file (JSON: `{samenwerkingsverband: [{brin, name}]}`)."""

from __future__ import annotations

import json
from pathlib import Path

from ..domain.schools import SchoolRegister, school_register


def read_school_register(path: Path | None) -> SchoolRegister:
    """The register in the file; none without a file. A malformed file stops the start-up."""
    if path is None:
        return {}
    return school_register(json.loads(path.read_text(encoding="utf-8")))
