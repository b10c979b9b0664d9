"""`meldcode-web serve --port P`: run the portal with uvicorn."""

from __future__ import annotations

import typer
import uvicorn

from meldcode_servicekit.logging import configure_logging

cli = typer.Typer(add_completion=False, help="The Meldcode portal.")


@cli.callback()
def _root() -> None:
    """The Meldcode portal (settings from PORTAL_* environment variables)."""


@cli.command()
def serve(
    port: int | None = typer.Option(None, help="HTTP port (default PORTAL_HTTP_PORT or 8180)"),
    host: str | None = typer.Option(None, help="Interface (default PORTAL_HTTP_HOST or 127.0.0.1)"),
) -> None:
    """Serve the portal."""
    configure_logging("portal", "INFO")  # first: what the imports below warn is logged as JSON too
    from .app import create_app
    from .settings import PortalSettings

    settings = PortalSettings()
    uvicorn.run(
        create_app(settings),
        host=host or settings.http_host,
        port=port or settings.http_port,
        proxy_headers=True,
        log_level="warning",
    )


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
