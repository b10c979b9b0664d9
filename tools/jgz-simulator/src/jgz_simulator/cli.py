"""meldcode-jgz-simulator: a small JGZ system for tests and the demo.

    meldcode-jgz-simulator serve --port 8199 --secret s3cret [--fail-first 3]
    meldcode-jgz-simulator send-result --casework http://127.0.0.1:8102 --tenant swv-zuid \\
        --secret s3cret --case-id ... [--request-id ...] --advice "..." --professional "..."
    meldcode-jgz-simulator openapi > docs/integration/jgz-openapi.json
"""

from __future__ import annotations

import json
import uuid
from typing import Annotated

import typer

from .app import create_app
from .results import consultation_result, send_result
from .spec import integration_spec

cli = typer.Typer(
    add_completion=False, no_args_is_help=True, help="A JGZ system simulator for the Meldcode platform"
)


@cli.command()
def serve(
    secret: Annotated[list[str], typer.Option(help="Shared HMAC secret (repeat to accept several)")],
    port: Annotated[int, typer.Option(help="HTTP port")] = 8199,
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    fail_first: Annotated[int, typer.Option(help="Answer the first N deliveries with 503")] = 0,
) -> None:
    """Receive signed webhooks at POST /webhooks/meldcode; list them at GET /received."""
    import uvicorn

    app = create_app([s.encode() for s in secret], fail_first=fail_first)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@cli.command("send-result")
def send_result_command(
    casework: Annotated[str, typer.Option(help="Base URL of the casework service")],
    tenant: Annotated[str, typer.Option(help="The samenwerkingsverband (X-Meldcode-Tenant)")],
    secret: Annotated[str, typer.Option(help="Shared HMAC secret")],
    case_id: Annotated[uuid.UUID, typer.Option(help="The case (case_reference of the request)")],
    advice: Annotated[str, typer.Option(help="The advice or findings")],
    professional: Annotated[str, typer.Option(help="Name and discipline")],
    jgz_organisation: Annotated[str, typer.Option(help="The JGZ organisation")] = "GGD Zuid JGZ",
    request_id: Annotated[uuid.UUID | None, typer.Option(help="The request answered")] = None,
    message_id: Annotated[str | None, typer.Option(help="Own message id (default: new)")] = None,
) -> None:
    """POST a signed consultation result to {casework}/integrations/jgz/consultation-results."""
    result = consultation_result(
        case_id=case_id,
        request_id=request_id,
        jgz_organisation=jgz_organisation,
        advice=advice,
        professional=professional,
        message_id=message_id,
    )
    response = send_result(casework, result, secret.encode(), tenant)
    typer.echo(f"{response.status_code} {response.text}")
    if response.status_code >= 300:
        raise typer.Exit(1)


@cli.command()
def openapi() -> None:
    """Print the OpenAPI document of the JGZ integration (both directions, from the pydantic models)."""
    typer.echo(json.dumps(integration_spec(), indent=2, ensure_ascii=False))


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
