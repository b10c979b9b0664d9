"""Command line of the reporting service: `meldcode-reporting serve` and the operator's
`meldcode-reporting rebuild [--replace]` (prints the comparison as JSON; exit code 1 on a mismatch)
and `meldcode-reporting reconcile` (every consumed event is in the read model)."""

from __future__ import annotations

import asyncio
import json

import typer
from rich.console import Console

from meldcode_contracts import ALL_TOPICS
from meldcode_edge.logging import configure_logging
from meldcode_servicekit.keystore import KeyStore
from meldcode_servicekit.progress import progress
from meldcode_servicekit.reconcile import ReadModel, ReconcileTargets
from meldcode_servicekit.web import service_cli

from ..adapters.rebuild import rebuild
from ..bootstrap import MIGRATION, build_app
from ..config import Settings
from ..domain.rebuild_check import RebuildReport
from .consumer import handle_event, handle_page


def reconcile_targets(settings: Settings, keystore: KeyStore) -> ReconcileTargets:
    """What `bootstrap` wires: the consumer of every topic (reporting publishes only the access log,
    which has no store to compare with)."""
    return ReconcileTargets(service="reporting", read_model=ReadModel(topics=ALL_TOPICS, handle=handle_event))


cli = service_cli(
    "reporting",
    "read models for schools, the samenwerkingsverband and auditors",
    build_app,
    Settings,
    reconcile=reconcile_targets,
    migration=MIGRATION,
)


@cli.command("rebuild")
def rebuild_command(
    replace: bool = typer.Option(
        False, "--replace", help="Swap the rebuilt tables in for the live ones (the old ones are kept aside)"
    ),
    wait: float = typer.Option(120.0, help="Seconds to wait for the live consumer to reach the same offsets"),
) -> None:
    """Rebuild every read model from the Kafka topics into a fresh schema and compare checksums."""
    settings = Settings()
    configure_logging(settings.service_name, settings.log_level)
    console = Console(stderr=True)  # stdout carries only the JSON report
    with progress("Herbouw leesmodellen", "gebeurtenissen", console=console) as show:
        report = asyncio.run(
            rebuild(
                settings,
                handle_event,
                group=settings.group("meldcode-reporting"),
                replace=replace,
                wait_timeout=wait,
                handle_page=handle_page,
                progress=show,
                workers=settings.rebuild_workers,
            )
        )
    console.print(rebuild_summary(report))
    out = report.as_json()
    if report.replaced_into is not None:
        out["replaced"] = {"retired_schema": report.replaced_into}
    typer.echo(json.dumps(out, indent=2))
    raise typer.Exit(0 if report.ok else 1)


def rebuild_summary(report: RebuildReport) -> str:
    """What the rebuild did, in one line for the operator."""
    rate = report.events / report.seconds if report.seconds > 0 else 0.0
    unequal = [t.name for t in report.tables if not t.equal]
    outcome = (
        "alle tabellen gelijk aan de live tabellen"
        if not unequal
        else f"verschil in {len(unequal)} tabel(len): {', '.join(unequal)}"
    )
    swapped = (
        f"; herbouwde tabellen in gebruik genomen, de oude staan in schema {report.replaced_into}"
        if report.replaced_into is not None
        else ""
    )
    return (
        f"Herbouw klaar: {report.events} gebeurtenissen in {report.seconds:.1f} s "
        f"({rate:,.0f}/s), {outcome}{swapped}."
    )


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
