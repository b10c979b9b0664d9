"""Command line of the signals service: `meldcode-signals serve`."""

from __future__ import annotations

import typer
import uvicorn

cli = typer.Typer(add_completion=False, help="The Meldcode signals service (steps 1-2).")


@cli.command()
def serve() -> None:
    """Run the HTTP API and the outbox relay until SIGTERM/Ctrl-C (graceful shutdown)."""
    from ..bootstrap import build_app
    from ..config import Settings

    settings = Settings()
    uvicorn.run(
        build_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=20,
    )


@cli.callback()
def main_callback() -> None:
    """The Meldcode signals service."""


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
