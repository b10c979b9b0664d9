"""Command line of the signals service: `meldcode-signals serve` and the operator's
`meldcode-signals retention run [--dry-run]`, `meldcode-signals list-staff --file users.json` (the
demo users in the staff directory) (prints what it did as one line of JSON, after the
JSON log lines: pseudonymous ids and counts; exit code 1 when an erasure failed, 2 when another
run holds the lock) and `meldcode-signals reconcile` (event store, topic and read model agree)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import typer

from meldcode_contracts import CASEWORK_EVENTS, SIGNALS_EVENTS
from meldcode_edge.logging import configure_logging
from meldcode_servicekit.keystore import KeyStore
from meldcode_servicekit.progress import progress
from meldcode_servicekit.reconcile import EventStoreOutbox, ReadModel, ReconcileTargets
from meldcode_servicekit.web import service_cli

from ..application import RetentionBusy, SignalsApplication
from ..application.retention import RetentionReport
from ..bootstrap import MIGRATION, build_app, list_staff_from_file, run_retention_once
from ..config import Settings
from ..translation import to_contract_event
from .consumer import handle_event


def reconcile_targets(settings: Settings, keystore: KeyStore) -> ReconcileTargets:
    """What `bootstrap` wires: the event store relayed to the signals topic, the casework consumer."""
    return ReconcileTargets(
        service="signals",
        outbox=EventStoreOutbox(
            relay="signals-events",
            topic=SIGNALS_EVENTS,
            application=SignalsApplication(settings.database_url, keystore=keystore),
            translate=to_contract_event,
        ),
        read_model=ReadModel(topics=[CASEWORK_EVENTS], handle=handle_event),
    )


cli = service_cli(
    "signals",
    "steps 1-2 of the Meldcode",
    build_app,
    Settings,
    reconcile=reconcile_targets,
    migration=MIGRATION,
)
retention_cli = typer.Typer(
    help="Retention (rule 16): erase the personal data of pupils whose term has passed", no_args_is_help=True
)
cli.add_typer(retention_cli, name="retention")


@retention_cli.command("run")
def retention_run_command(
    dry_run: bool = typer.Option(False, "--dry-run", help="Only list the pupils that are due; erase nothing"),
) -> None:
    """Erase every pupil that is due today (left school longer than the term ago, no open case)."""
    settings = Settings()
    configure_logging(settings.service_name, settings.log_level)
    try:
        with progress("Bewaartermijn", "leerlingen") as show:
            report = asyncio.run(run_retention_once(settings, dry_run=dry_run, progress=show))
    except RetentionBusy:
        typer.echo(json.dumps({"error": "another retention run is in progress"}))
        raise typer.Exit(2) from None
    typer.echo(retention_summary(report), err=True)
    typer.echo(json.dumps(report.as_json()))  # one line: the last of stdout, after the log lines
    raise typer.Exit(1 if report.failed else 0)


def retention_summary(report: RetentionReport) -> str:
    """What the run did, in one line for the operator (stderr; stdout keeps the JSON report)."""
    done = (
        f"{len(report.due)} te wissen (proefrun, niets gewist)"
        if report.dry_run
        else f"{len(report.erased)} gewist"
    )
    return (
        f"Bewaartermijn {report.today.isoformat()}: {report.candidates} leerlingen bekeken, "
        f"{done}, {len(report.kept_case_open)} bewaard wegens een open zaak"
        + (f", {len(report.failed)} mislukt" if report.failed else "")
        + (", gestopt voor het einde" if report.stopped else "")
        + "."
    )


@cli.command("list-staff")
def list_staff_command(
    file: Path = typer.Option(..., "--file", exists=True, dir_okay=False, help='JSON: {"users": [...]}'),
) -> None:
    """List the users of a file (as deploy/local/demo-users.json) in the staff directory of each of
    their schools; prints the counts as one line of JSON. Repeating it lists nothing new."""
    settings = Settings()
    configure_logging(settings.service_name, settings.log_level)
    users = json.loads(file.read_text(encoding="utf-8"))["users"]
    typer.echo(json.dumps(list_staff_from_file(settings, users)))


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
