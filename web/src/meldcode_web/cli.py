"""`meldcode-web serve --port P`: run the portal with uvicorn."""

from __future__ import annotations

import typer
import uvicorn

from meldcode_edge.logging import configure_logging

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


@cli.command()
def migrate() -> None:
    """Create the sessions table as the owner role (PORTAL_SESSION_MIGRATION_DATABASE_URL) and grant
    the portal's role (the user of PORTAL_SESSION_DATABASE_URL) what it needs (ADR 16)."""
    import asyncio

    from meldcode_edge.roles import migrate_tables, role_of

    from .session_store import SCHEMA
    from .settings import PortalSettings

    settings = PortalSettings()
    if not settings.session_database_url:
        raise typer.BadParameter("PORTAL_SESSION_DATABASE_URL is not set: the sessions have no database")
    asyncio.run(
        migrate_tables(
            schema=SCHEMA,
            owner_url=settings.session_migration_database_url or settings.session_database_url,
            role=role_of(settings.session_database_url),
        )
    )
    typer.echo(f"portal: migrated for {role_of(settings.session_database_url)}")


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
