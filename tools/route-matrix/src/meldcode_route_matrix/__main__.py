"""`python -m meldcode_route_matrix [--check]`: write (or check) the table in docs/security.md."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import rendered

DOC = Path(__file__).resolve().parents[4] / "docs" / "security.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the permissions matrix into docs/security.md")
    parser.add_argument("--check", action="store_true", help="Fail when the document is not up to date")
    args = parser.parse_args(argv)
    document = DOC.read_text()
    wanted = rendered(document)
    if args.check:
        if wanted != document:
            print(f"{DOC} is out of date: run python -m meldcode_route_matrix", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
