"""meldcode-audit: the auditor's command line. It reads through the services' audit endpoints over
HTTP (never their databases); every read it causes is in the services' access log, with this tool's
name and version as client."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from .client import USER_AGENT, AuditClient, AuditError, tool_version
from .export import file_lines, write_jsonl, write_pdf
from .heads import SERVICES, RecordedHeads, read_heads
from .labels import FINDINGS, STEPS, event_label, role_label
from .render import moment, table

app = typer.Typer(help="Het audit-hulpmiddel van het Meldcode-platform.", no_args_is_help=True)

Token = Annotated[
    str | None,
    typer.Option(
        "--token",
        envvar="MELDCODE_TOKEN",
        help="Bearer-token van de auditor (of MELDCODE_TOKEN).",
        show_envvar=True,
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Uitvoer als JSON, voor programma's.")]


def _client(token: str | None) -> AuditClient:
    return AuditClient(token)


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"Fout: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def version() -> None:
    """Toon de versie."""
    typer.echo(USER_AGENT.replace("/", " "))


@app.command()
def history(
    case: Annotated[str, typer.Argument(help="Het zaaknummer (uuid).")],
    token: Token = None,
    as_json: AsJson = False,
) -> None:
    """Alle gebeurtenissen van een zaak op volgorde: wat, wanneer, door wie, met hash."""
    try:
        with _client(token) as client:
            body = client.get("casework", f"/audit/cases/{case}/events")
    except AuditError as exc:
        return _fail(str(exc))
    if as_json:
        return _print_json(body)
    typer.echo(
        f"Zaak {body['case_id']}  leerling {body['pupil_id']}  ({body['tenant']}, school {body['school']})\n"
    )
    rows = [
        (
            e["version"],
            moment(e["recorded_at"]),
            event_label(e["event_type"]),
            e.get("actor_id") or "-",
            role_label(e.get("actor_role")),
            (e.get("event_hash") or "-")[:12],
        )
        for e in body["events"]
    ]
    typer.echo(table(["Versie", "Tijdstip (UTC)", "Gebeurtenis", "Door", "Rol", "Hash"], rows))
    typer.echo(f"\n{len(rows)} gebeurtenissen.")


@app.command("as-of")
def as_of(
    case: Annotated[str, typer.Argument(help="Het zaaknummer (uuid).")],
    timestamp: Annotated[str, typer.Argument(help="Tijdstip met tijdzone, bv. 2026-11-29T10:00:00Z.")],
    token: Token = None,
    as_json: AsJson = False,
) -> None:
    """De zaak zoals die was op een tijdstip, opnieuw opgebouwd uit de gebeurtenissen."""
    try:
        moment_asked = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return _fail("Geef het tijdstip als ISO 8601 met tijdzone, bv. 2026-11-29T10:00:00Z.")
    if moment_asked.tzinfo is None:
        return _fail("Geef het tijdstip met tijdzone, bv. 2026-11-29T10:00:00Z.")
    try:
        with _client(token) as client:
            body = client.get("casework", f"/audit/cases/{case}/as-of", {"at": moment_asked.isoformat()})
    except AuditError as exc:
        return _fail(str(exc))
    if as_json:
        return _print_json(body)
    typer.echo(
        f"Zaak {body['case_id']} zoals die was op {moment(body['as_of'])} UTC (versie {body['version']})"
    )
    typer.echo(
        f"Laatste gebeurtenis: {event_label(body['last_event_type'])} op {moment(body['last_event_at'])} UTC\n"
    )
    typer.echo(f"Stap:          {body['step']} ({STEPS.get(body['step'], body['step'])})")
    typer.echo(f"Leerling:      {body['pupil_id']} ({body['tenant']}, school {body['school']})")
    typer.echo(f"Casushouder:   {body['case_owner_id']}")
    typer.echo(f"Geopend door:  {body['opened_by']} op {moment(body['opened_at'])} UTC")
    typer.echo(f"Signalen van de zaak: {', '.join(body['signal_ids'])}")
    typer.echo("\nOpenstaande verplichtingen:")
    for item in body["open_obligations"] or [{"text": "geen"}]:
        typer.echo(f"  - {item['text']}")
    typer.echo("Nog nodig vóór een melding:")
    for item in body["missing_for_report"] or [{"text": "niets"}]:
        typer.echo(f"  - {item['text']}")
    typer.echo("Toen bekende signalen van de leerling:")
    rows = [(s["signal_id"], s["observed_on"], moment(s["recorded_at"])) for s in body["known_signals"]]
    typer.echo(table(["Signaal", "Waargenomen", "Vastgelegd (UTC)"], rows) if rows else "  geen")


ANCHORS_PER_REQUEST = 100
"""Heads per `/audit/verify` call: the query string stays short; more heads take more calls."""


def _verify_service(
    client: AuditClient, service: str, anchors: list[str], *, recorded_heads: bool
) -> dict[str, Any]:
    chunks = [anchors[i : i + ANCHORS_PER_REQUEST] for i in range(0, len(anchors), ANCHORS_PER_REQUEST)]
    params: dict[str, Any] = {"recorded_heads": recorded_heads}
    result: dict[str, Any] = client.get(
        service, "/audit/verify", {**params, "anchor": chunks[0] if chunks else []}
    )
    for chunk in chunks[1:]:
        more = client.get(service, "/audit/verify", {**params, "anchor": chunk})
        missing = [p for p in more["problems"] if p["kind"] == "head_missing"]
        result["problems"] += missing
        result["problems_total"] += len(missing)
        result["ok"] = result["ok"] and not missing
    return result


def _trusted_keys(client: AuditClient, given: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """The keys the records must be signed with: the auditor's own (--heads-key), else what the
    services publish now (said in the output: pinning the key is the auditor's safeguard)."""
    if given:
        return dict.fromkeys(SERVICES, given), []
    keys: dict[str, list[str]] = {}
    notes = []
    for service in SERVICES:
        published = client.get(service, "/audit/chain-heads", {"limit": 0})
        keys[service] = [published["public_key"]] if published.get("public_key") else []
        notes.append(
            f"{service}: handtekeningen gecontroleerd met de sleutel die de dienst nu publiceert "
            f"({published.get('key_id') or 'geen'}); leg die sleutel vast en geef hem mee met --heads-key."
        )
    return keys, notes


@app.command()
def verify(
    token: Token = None,
    as_json: AsJson = False,
    anchor: Annotated[
        list[str] | None,
        typer.Option(
            help="Eerder vastgelegde ketenkop, DIENST=<nummer>:<hash>, bv. casework=120:ab12…; herhaalbaar."
        ),
    ] = None,
    heads: Annotated[
        list[Path] | None,
        typer.Option(
            "--heads",
            help=(
                "Uw kopie van de vastgelegde ketenkoppen (<dienst>-chain-heads.jsonl); herhaalbaar. Elke "
                "handtekening wordt gecontroleerd en elke ketenkop moet nog in de keten staan."
            ),
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ] = None,
    heads_key: Annotated[
        list[str] | None,
        typer.Option(
            "--heads-key",
            help="Publieke sleutel (base64) waarmee de ketenkoppen ondertekend moeten zijn; herhaalbaar.",
        ),
    ] = None,
) -> None:
    """Controleer de hashketens van de gebeurtenissen van zaken en signalen; exitcode 1 bij afwijkingen."""
    anchors: dict[str, list[str]] = {service: [] for service in SERVICES}
    for item in anchor or []:
        service, _, given = item.partition("=")
        if service not in anchors or not given:
            return _fail(f"Ketenkop {item!r}: gebruik casework=<nummer>:<hash> of signals=<nummer>:<hash>.")
        anchors[service].append(given)
    results: dict[str, Any] = {}
    notes: list[str] = []
    recorded: RecordedHeads | None = None
    try:
        with _client(token) as client:
            if heads:
                trusted, notes = _trusted_keys(client, heads_key or [])
                try:
                    recorded = read_heads(heads, trusted)
                except (OSError, UnicodeDecodeError) as exc:
                    return _fail(f"De ketenkoppen zijn niet te lezen: {exc}")
                for service in SERVICES:
                    anchors[service] += [a for a in recorded.anchors[service] if a not in anchors[service]]
            for service in ("casework", "signals"):
                # with --heads the auditor's copy is what counts, not the service's own file
                results[service] = _verify_service(
                    client, service, anchors[service], recorded_heads=not heads
                )
    except AuditError as exc:
        return _fail(str(exc))
    if recorded is not None:
        for service, result in results.items():
            result["recorded_heads_checked"] = recorded.records[service]
            if recorded.problems[service]:
                result["problems"] += recorded.problems[service]
                result["problems_total"] += len(recorded.problems[service])
                result["ok"] = False
    ok = all(r["ok"] for r in results.values()) and not (recorded and recorded.unreadable)
    if as_json:
        _print_json(
            {"ok": ok, "services": results, "unreadable_heads": recorded.unreadable if recorded else []}
        )
    else:
        for service, result in results.items():
            chain_head = result.get("head") or {}
            head_text = (
                f"{chain_head.get('notification_id')}:{chain_head.get('log_hash')}" if chain_head else "leeg"
            )
            state = "in orde" if result["ok"] else f"NIET IN ORDE ({result['problems_total']} afwijkingen)"
            typer.echo(
                f"{service}: {state} - {result['events_checked']} gebeurtenissen, "
                f"{result['aggregates_checked']} aggregaten gecontroleerd"
            )
            typer.echo(f"  ketenkop: {head_text}")
            typer.echo(
                f"  vastgelegde ketenkoppen gecontroleerd: {result.get('recorded_heads_checked', 0)}"
                + (" (uit uw bestanden)" if heads else " (uit het bestand van de dienst)")
            )
            for problem in result["problems"]:
                typer.echo(f"  - [{FINDINGS.get(problem['kind'], problem['kind'])}] {problem['detail']}")
        for line in recorded.unreadable if recorded else []:
            typer.echo(f"- [onleesbaar] {line}")
        for note in notes:
            typer.echo(note)
        typer.echo(
            "\nAlles in orde."
            if ok
            else "\nDe gebeurtenissen of de vastgelegde ketenkoppen zijn na het vastleggen veranderd: zie hierboven."
        )
        typer.echo(
            "Bewaar de ketenkoppen buiten het systeem en geef ze een volgende keer mee met --heads "
            "(of losse koppen met --anchor)."
        )
    if not ok:
        raise typer.Exit(1)


@app.command()
def export(
    case: Annotated[str, typer.Argument(help="Het zaaknummer (uuid).")],
    out: Annotated[Path, typer.Option("--out", help="Map voor het JSON Lines- en het PDF-bestand.")],
    token: Token = None,
    as_json: AsJson = False,
) -> None:
    """Het volledige dossier: gebeurtenissen van de zaak en de signalen van de leerling (JSONL en PDF)."""
    try:
        with _client(token) as client:
            case_events = client.get("casework", f"/audit/cases/{case}/events", {"purpose": "export"})
            pupil_events = client.get("signals", f"/audit/pupils/{case_events['pupil_id']}/events")
    except AuditError as exc:
        return _fail(str(exc))
    out.mkdir(parents=True, exist_ok=True)
    lines = file_lines(case_events, pupil_events)
    jsonl, pdf = out / f"zaak-{case_events['case_id']}.jsonl", out / f"zaak-{case_events['case_id']}.pdf"
    write_jsonl(jsonl, lines)
    write_pdf(pdf, case_events, lines, tool=f"meldcode-audit {tool_version()}", exported_at=datetime.now(UTC))
    if as_json:
        return _print_json({"jsonl": str(jsonl), "pdf": str(pdf), "events": len(lines)})
    typer.echo(f"{len(lines)} gebeurtenissen geëxporteerd:\n  {jsonl}\n  {pdf}")


@app.command()
def rebuild(token: Token = None, as_json: AsJson = False) -> None:
    """Laat reporting alle leesmodellen opnieuw opbouwen uit de gebeurtenissen en vergelijk; exitcode 1 bij verschil."""
    try:
        with _client(token) as client:
            body = client.post("reporting", "/audit/rebuild")
    except AuditError as exc:
        return _fail(str(exc))
    if as_json:
        _print_json(body)
    else:
        rows = [
            (
                t["name"],
                t.get("rows", "-"),
                t.get("live_checksum", "-"),
                t.get("rebuilt_checksum", "-"),
                "ja" if t.get("equal") else "NEE",
            )
            for t in body.get("tables", [])
        ]
        typer.echo(table(["Tabel", "Rijen", "Live", "Herbouwd", "Gelijk"], rows))
        typer.echo(
            "\nHerbouw gelijk aan de live leesmodellen."
            if body.get("ok")
            else "\nVERSCHIL tussen herbouw en live."
        )
    if not body.get("ok"):
        raise typer.Exit(1)


@app.command("access-log")
def access_log(
    pupil: Annotated[str | None, typer.Option("--pupil", help="Leerling-id.")] = None,
    user: Annotated[str | None, typer.Option("--user", help="Gebruikers-id van een medewerker.")] = None,
    day: Annotated[str | None, typer.Option("--day", help="Dag, JJJJ-MM-DD.")] = None,
    token: Token = None,
    as_json: AsJson = False,
) -> None:
    """Het toegangslogboek (NEN 7513): per leerling, per medewerker of per dag."""
    chosen = {k: v for k, v in {"pupil_id": pupil, "user_id": user, "day": day}.items() if v}
    if len(chosen) != 1:
        return _fail("Kies precies één van --pupil, --user of --day.")
    try:
        with _client(token) as client:
            body = client.get("reporting", "/audit/access-log", chosen)
    except AuditError as exc:
        return _fail(str(exc))
    if as_json:
        return _print_json(body)
    entries = body.get("entries", []) if isinstance(body, dict) else body
    rows = [
        (
            moment(e.get("occurred_at") or e.get("accessed_at")),
            e.get("user_id") or e.get("actor_id") or (e.get("actor") or {}).get("user_id", "-"),
            role_label(e.get("role") or e.get("actor_role") or (e.get("actor") or {}).get("role")),
            e.get("on_behalf_of") or "-",
            e.get("action", "-"),
            e.get("pupil_id") or "-",
            e.get("case_id") or "-",
            e.get("service", "-"),
        )
        for e in entries
    ]
    typer.echo(
        table(["Tijdstip (UTC)", "Gebruiker", "Rol", "Namens", "Actie", "Leerling", "Zaak", "Dienst"], rows)
    )
    typer.echo(f"\n{len(rows)} inzagen.")


def main() -> None:
    try:
        app()
    except AuditError as exc:  # pragma: no cover - commands catch their own
        typer.echo(f"Fout: {exc}", err=True)
        sys.exit(2)
