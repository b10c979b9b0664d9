"""meldcode-audit: the commands land with the auditor replay work."""

import typer

app = typer.Typer(help="Het audit-hulpmiddel van het Meldcode-platform.")


@app.command()
def version() -> None:
    """Toon de versie."""
    typer.echo("meldcode-audit 0.1.0")


def main() -> None:
    app()
