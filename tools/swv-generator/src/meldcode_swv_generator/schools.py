"""`python -m meldcode_swv_generator.schools`: the school register (`REPORTING_SCHOOLS_FILE`) of the
demo's schools plus the generated ones, so the coordinator's dashboard names them instead of showing
BRIN codes. `make run` writes it before reporting starts when `MELDCODE_DEMO=samenwerkingsverband`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .load import TENANT
from .shape import brin, school_count

KINDS = (
    "Basisschool",
    "Kindcentrum",
    "Openbare basisschool",
    "Christelijke basisschool",
    "Integraal kindcentrum",
)
NAMES = (
    "De Linde", "Het Kompas", "De Wilgen", "De Horizon", "Het Palet", "De Vlinder", "De Sterrenboog",
    "Het Anker", "De Klimop", "De Zonnewijzer", "De Boomgaard", "Het Mozaïek",
    "De Windroos", "Het Speelkwartier", "De Bron",
)  # fmt: skip


def school_name(index: int) -> str:
    """A made-up but Dutch school name per generated school; the same index gives the same name."""
    name = f"{KINDS[(index // len(NAMES)) % len(KINDS)]} {NAMES[index % len(NAMES)]}"
    return name if index < len(KINDS) * len(NAMES) else f"{name} {index // (len(KINDS) * len(NAMES)) + 1}"


def register(
    base: dict[str, list[dict[str, str]]], scale: float, tenant: str = TENANT
) -> dict[str, list[dict[str, str]]]:
    """`base` (tenant → schools) with the generated schools of `scale` added to `tenant`."""
    schools = {t: list(entries) for t, entries in base.items()}
    known = {entry["brin"] for entries in schools.values() for entry in entries}
    added = [
        {"brin": brin(i), "name": school_name(i)} for i in range(school_count(scale)) if brin(i) not in known
    ]
    schools[tenant] = schools.get(tenant, []) + added
    return schools


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="meldcode-swv-generator-schools", description=__doc__)
    parser.add_argument("--base", type=Path, required=True, help="the school register to start from")
    parser.add_argument("--out", type=Path, required=True, help="where to write the register")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--tenant", default=TENANT)
    args = parser.parse_args(argv)
    merged = register(json.loads(args.base.read_text(encoding="utf-8")), args.scale, args.tenant)
    args.out.write_text(json.dumps(merged, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
