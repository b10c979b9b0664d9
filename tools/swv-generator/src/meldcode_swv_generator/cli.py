"""`python -m meldcode_swv_generator`: generate a samenwerkingsverband and load it into running
services; ends with a summary and one JSON line of what it did."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from meldcode_vocabulary.dutch_days import dutch_today

from .load import TENANT, Targets, load
from .shape import generate


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="meldcode-swv-generator", description=__doc__)
    parser.add_argument("--signals", required=True, help="base URL of the signals service")
    parser.add_argument("--casework", required=True, help="base URL of the casework service")
    parser.add_argument("--issuer-key", required=True, help="PEM file of the development token issuer")
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="1 = 40 schools, 12 000 pupils; 0.1, 10, 100 scale every count",
    )
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight at most")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--tenant", default=TENANT)
    parser.add_argument(
        "--case-timeout",
        type=float,
        default=120.0,
        help="seconds to wait for casework to learn a pupil's signals",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    console = Console(stderr=True)
    shape = generate(args.scale, today=dutch_today(), seed=args.seed)
    planned = shape.counts()
    console.print(
        f"Samenwerkingsverband {args.tenant} (schaal {args.scale:g}): {planned['schools']} scholen, "
        f"{planned['pupils']} leerlingen, {planned['signals']} signalen, {planned['cases']} zaken"
    )
    targets = Targets(args.signals, args.casework, Path(args.issuer_key).read_text(), args.tenant)
    report = asyncio.run(
        load(shape, targets, concurrency=args.concurrency, console=console, case_timeout=args.case_timeout)
    )
    table = Table(title="Gegenereerd")
    table.add_column("wat")
    table.add_column("gepland", justify="right")
    for name, count in planned.items():
        table.add_row(name, str(count))
    for name, count in report.as_dict().items():
        table.add_row(f"gedaan: {name}", str(count))
    console.print(table)
    print(json.dumps({"scale": args.scale, "planned": planned, "done": report.as_dict()}))


if __name__ == "__main__":
    main()
