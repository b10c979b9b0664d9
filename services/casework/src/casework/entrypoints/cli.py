"""Command line of the casework service: `meldcode-casework serve`."""

from meldcode_servicekit.web import service_cli

from ..bootstrap import build_app
from ..config import Settings

cli = service_cli("casework", "steps 3-6 of the Meldcode", build_app, Settings)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
