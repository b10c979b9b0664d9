"""Command line of the signals service: `meldcode-signals serve`."""

from meldcode_servicekit.web import service_cli

from ..bootstrap import build_app
from ..config import Settings

cli = service_cli("signals", "steps 1-2 of the Meldcode", build_app, Settings)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
