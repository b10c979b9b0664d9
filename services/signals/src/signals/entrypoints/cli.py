"""Command line of the signals service: `meldcode-signals serve`."""

from __future__ import annotations

import typer

cli = typer.Typer(
    add_completion=False, help="The Meldcode signals service (steps 1-2).", no_args_is_help=True
)


@cli.command()
def serve() -> None:
    """Run the service (HTTP API and its Kafka work) until SIGTERM/Ctrl-C, then shut down gracefully."""
    from meldcode_servicekit.web import serve as serve_app

    from ..bootstrap import build_app
    from ..config import Settings

    settings = Settings()
    serve_app(build_app(settings), settings)


@cli.callback()
def _service() -> None:
    """The Meldcode signals service."""


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
