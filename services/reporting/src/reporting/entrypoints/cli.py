"""Command line of the reporting service: `meldcode-reporting serve`."""

from meldcode_servicekit.web import service_cli

from ..bootstrap import build_app
from ..config import Settings

cli = service_cli(
    "reporting", "read models for schools, the samenwerkingsverband and auditors", build_app, Settings
)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
