"""meldcode-audit end to end against the real signals and casework services (real Kafka and
PostgreSQL): the demo case's history, as-of, export (JSONL and PDF read back) and verify."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from meldcode_audit import cli
from meldcode_audit.client import AuditClient
from meldcode_edge.db import create_pool
from meldcode_servicekit.hashchain import install_hash_chain
from meldcode_testkit import Suite, eventually
from meldcode_testkit.demo_case import walk_reported_case
from meldcode_vocabulary.dutch_days import dutch_today

TENANT = "swv-zuid"


def bearer(suite: Suite, sub: str, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {suite.infra.token(sub=sub, role=role, tenant=TENANT)}"}


async def demo_case(suite: Suite) -> tuple[dict[str, str], str, str]:
    """The demo case walked through the real services; returns (CLI environment, case id, pupil id)."""
    signals, casework = await suite.service("signals"), await suite.service("casework")
    ib, teacher = bearer(suite, "ib-bram", "intern_begeleider"), bearer(suite, "lk-anna", "leerkracht")
    today = dutch_today()
    async with httpx.AsyncClient() as http:
        pupil_id = (
            await http.post(
                f"{signals.url}/pupils",
                headers=ib,
                json={
                    "school": "12AB",
                    "pupil_number": uuid.uuid4().hex[:6],
                    "given_name": "Sam",
                    "family_name": "de Vries",
                    "date_of_birth": date(today.year - 13, 1, 1).isoformat(),
                },
            )
        ).json()["pupil_id"]
        signal_ids = []
        for text in ("Blauwe plek op de bovenarm.", "Schrikt zichtbaar bij harde geluiden."):
            response = await http.post(
                f"{signals.url}/pupils/{pupil_id}/signals",
                headers=teacher,
                json={
                    "observed_on": today.isoformat(),
                    "description": text,
                    "source": {"kind": "own_observation"},
                },
            )
            signal_ids.append(response.json()["signal_id"])

        async def known() -> bool:
            response = await http.get(f"{casework.url}/pupils/{pupil_id}/signals", headers=ib)
            return response.status_code == 200 and len(response.json()) == 2

        await eventually(known)
        case_id = (
            await http.post(
                f"{casework.url}/cases", headers=ib, json={"pupil_id": pupil_id, "signal_ids": signal_ids}
            )
        ).json()["case_id"]
        await walk_reported_case(
            http, casework.url, ib, bearer(suite, "zt-carla", "zorgteam"), case_id, signal_ids
        )
    env = {
        "MELDCODE_CASEWORK_URL": casework.url,
        "MELDCODE_SIGNALS_URL": signals.url,
        "MELDCODE_REPORTING_URL": "http://127.0.0.1:9",
        "MELDCODE_TOKEN": suite.infra.token(sub="au-ines", role="auditor", tenant=TENANT),
    }
    return env, case_id, pupil_id


def run(env: dict[str, str], *args: str) -> Any:
    return CliRunner().invoke(cli.app, list(args), env=env)


async def test_history_as_of_and_export_give_the_auditor_the_whole_file(suite: Suite, tmp_path: Path) -> None:
    env, case_id, pupil_id = await demo_case(suite)

    history = run(env, "history", case_id)
    history_json = json.loads(run(env, "history", case_id, "--json").output)
    events = history_json["events"]
    report_at = next(e["recorded_at"] for e in events if e["event_type"] == "AmkNotified")
    opened_at = datetime.fromisoformat(events[0]["recorded_at"].replace("Z", "+00:00"))
    at_report = run(env, "as-of", case_id, report_at)
    at_report_json = json.loads(run(env, "as-of", case_id, report_at, "--json").output)
    before = run(env, "as-of", case_id, (opened_at - timedelta(seconds=1)).isoformat())
    exported = run(env, "export", case_id, "--out", str(tmp_path))

    assert history.exit_code == 0, history.output
    assert "Zaak geopend" in history.output and "Melding bij Veilig Thuis" in history.output
    assert history.output.index("Zaak geopend") < history.output.index("Zaak gesloten")
    assert at_report.exit_code == 0, at_report.output
    assert "Stap:          melding" in at_report.output
    assert at_report_json["step"] == "melding"
    assert before.exit_code == 2 and "bestond op dat moment nog niet" in before.output

    assert exported.exit_code == 0, exported.output
    lines = [json.loads(x) for x in (tmp_path / f"zaak-{case_id}.jsonl").read_text().splitlines()]
    case_lines = [x for x in lines if x["service"] == "casework"]
    signal_lines = [x for x in lines if x["service"] == "signals"]
    assert len(case_lines) == len(events) and len(signal_lines) == 3  # registered + two signals
    stamps = [datetime.fromisoformat(x["recorded_at"].replace("Z", "+00:00")) for x in lines]
    assert stamps == sorted(stamps)
    assert [x["version"] for x in case_lines] == list(range(1, len(events) + 1))
    assert lines[0]["event_type"] == "PupilRegistered"
    # closing is followed by casework's published step "gesloten" without obligations (ADR 18)
    assert [x["event_type"] for x in case_lines[-2:]] == ["CaseClosed", "CaseObligationsChanged"]

    text = "\n".join(page.extract_text() for page in PdfReader(tmp_path / f"zaak-{case_id}.pdf").pages)
    for label in (
        "Dossier Meldcode",
        "Chronologisch overzicht",
        "Signaal vastgelegd",
        "Zaak geopend",
        "Weging in het zorgteam",
        "Melding bij Veilig Thuis",
        "Zaak gesloten",
        "intern begeleider",
    ):
        assert label in text, label
    assert "Melder: ib-bram" in text
    assert case_id in text and pupil_id in text


async def test_verify_is_clean_until_a_stored_event_is_altered_then_exits_1_naming_it(suite: Suite) -> None:
    env, case_id, _ = await demo_case(suite)
    clean = run(env, "verify")
    clean_json = json.loads(run(env, "verify", "--json").output)
    head = clean_json["services"]["casework"]["head"]
    anchored = run(env, "verify", "--anchor", f"casework={head['notification_id']}:{head['log_hash']}")
    conn = await asyncpg.connect(suite.services["casework"].owner_database_url)
    try:
        await conn.execute(
            "update casework_events set state = set_byte(state, 20, get_byte(state, 20) # 4) "
            "where originator_id = $1 and originator_version = 2",
            uuid.UUID(case_id),
        )
    finally:
        await conn.close()
    tampered = run(env, "verify")
    tampered_json = json.loads(run(env, "verify", "--json").output)

    assert clean.exit_code == 0, clean.output
    assert "casework: in orde" in clean.output and "signals: in orde" in clean.output
    assert anchored.exit_code == 0, anchored.output
    assert tampered.exit_code == 1
    assert "casework: NIET IN ORDE (1 afwijkingen)" in tampered.output
    assert "[gewijzigd]" in tampered.output and case_id in tampered.output
    [problem] = tampered_json["services"]["casework"]["problems"]
    assert (problem["kind"], problem["aggregate_id"], problem["version"]) == ("altered", case_id, 2)


async def rewrite_casework_consistently(suite: Suite, case_id: str) -> None:
    """A database superuser alters an event of the case and recomputes every hash after it."""
    pool = await create_pool(suite.services["casework"].owner_database_url, max_size=2)
    try:
        await pool.execute(
            "update casework_events set state = set_byte(state, 20, get_byte(state, 20) # 4) "
            "where originator_id = $1 and originator_version = 2",
            uuid.UUID(case_id),
        )
        await pool.execute("update casework_events set event_hash = null, log_hash = null")
        await install_hash_chain(pool, "casework_events")
    finally:
        await pool.close()


async def test_verify_with_the_recorded_heads_catches_a_consistent_rewrite_and_refuses_forged_heads(
    suite: Suite, tmp_path: Path
) -> None:
    heads_dir = tmp_path / "heads"
    for service in ("signals", "casework"):
        await suite.service(
            service, MELDCODE_CHAIN_HEADS_DIR=str(heads_dir), MELDCODE_CHAIN_HEAD_INTERVAL_SECONDS="0.2"
        )
    env, case_id, _ = await demo_case(suite)
    head = json.loads(run(env, "verify", "--json").output)["services"]["casework"]["head"]
    casework_heads = heads_dir / "casework-chain-heads.jsonl"

    async def head_recorded() -> bool:
        lines = casework_heads.read_text().splitlines() if casework_heads.exists() else []
        return any(json.loads(line)["notification_id"] == head["notification_id"] for line in lines)

    await eventually(head_recorded)
    kept = tmp_path / "auditor" / "casework-chain-heads.jsonl"  # the auditor's copy, kept elsewhere
    kept.parent.mkdir()
    kept.write_text(casework_heads.read_text())
    published = json.loads(run(env, "verify", "--json").output)  # the services check their own files
    with AuditClient(env["MELDCODE_TOKEN"], {"casework": env["MELDCODE_CASEWORK_URL"]}) as client:
        key = client.get("casework", "/audit/chain-heads", {"limit": 1})
    clean = run(env, "verify", "--heads", str(kept), "--heads-key", key["public_key"])

    forged_line = json.loads(kept.read_text().splitlines()[-1])
    forged_line["log_hash"] = "0" * 64
    forged = tmp_path / "forged.jsonl"
    forged.write_text(kept.read_text() + json.dumps(forged_line) + "\n")
    with_forged = run(env, "verify", "--heads", str(forged), "--heads-key", key["public_key"])
    wrong_key = run(env, "verify", "--heads", str(kept), "--heads-key", "A" * 43 + "=")

    await rewrite_casework_consistently(suite, case_id)
    service_side = run(env, "verify")  # the service's own file holds the old heads as well
    rewritten = run(env, "verify", "--heads", str(kept))
    rewritten_json = json.loads(run(env, "verify", "--heads", str(kept), "--json").output)

    assert published["ok"], published
    assert published["services"]["casework"]["recorded_heads_checked"] >= 1
    assert key["recording"] and len(key["records"]) == 1
    assert clean.exit_code == 0, clean.output
    assert "casework: in orde" in clean.output
    assert with_forged.exit_code == 1, with_forged.output
    assert (
        "[handtekening ongeldig]" in with_forged.output and "[ketenkop ontbreekt]" not in with_forged.output
    )
    assert wrong_key.exit_code == 1 and "[handtekening ongeldig]" in wrong_key.output
    assert service_side.exit_code == 1 and "[ketenkop ontbreekt]" in service_side.output
    assert rewritten.exit_code == 1, rewritten.output
    assert "[ketenkop ontbreekt]" in rewritten.output
    assert "met de sleutel die de dienst nu publiceert" in rewritten.output
    casework = rewritten_json["services"]["casework"]
    assert {p["kind"] for p in casework["problems"]} == {"head_missing"}, casework["problems"]
    assert rewritten_json["services"]["signals"]["ok"]


def reporting_stub(rebuild: dict[str, Any]) -> httpx.MockTransport:
    """Stands in for reporting's HTTP answers only (its endpoints are built and tested elsewhere)."""

    def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["user-agent"].startswith("meldcode-audit/")
        if request.url.path == "/audit/rebuild" and request.method == "POST":
            return httpx.Response(200, json=rebuild)
        if request.url.path == "/audit/access-log":
            return httpx.Response(
                200,
                json={
                    "entries": [
                        {
                            "occurred_at": "2026-11-29T10:00:00Z",
                            "user_id": "ib-bram",
                            "role": "intern_begeleider",
                            "action": "case.read",
                            "pupil_id": request.url.params.get("pupil_id"),
                        }
                    ]
                },
            )
        return httpx.Response(404, json={"title": "Niet gevonden", "detail": "Onbekend pad."})

    return httpx.MockTransport(answer)


@pytest.mark.parametrize(("equal", "exit_code"), [(True, 0), (False, 1)])
def test_rebuild_prints_the_checksums_per_table_and_exits_1_on_a_mismatch(
    monkeypatch: pytest.MonkeyPatch, equal: bool, exit_code: int
) -> None:
    body = {
        "ok": equal,
        "tables": [
            {
                "name": "chronology",
                "live_checksum": "aa",
                "rebuilt_checksum": "aa" if equal else "bb",
                "rows": 12,
                "equal": equal,
            }
        ],
    }
    monkeypatch.setattr(cli, "_client", lambda token: AuditClient(token, transport=reporting_stub(body)))
    result = CliRunner().invoke(cli.app, ["rebuild", "--token", "t"])
    assert result.exit_code == exit_code, result.output
    assert "chronology" in result.output and ("ja" if equal else "NEE") in result.output


def test_the_access_log_is_asked_for_exactly_one_pupil_user_or_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "_client", lambda token: AuditClient(token, transport=reporting_stub({})))
    pupil = str(uuid.uuid4())
    one = CliRunner().invoke(cli.app, ["access-log", "--pupil", pupil, "--token", "t"])
    two = CliRunner().invoke(cli.app, ["access-log", "--pupil", pupil, "--day", "2026-11-29", "--token", "t"])
    assert one.exit_code == 0, one.output
    assert pupil in one.output and "intern begeleider" in one.output and "1 inzagen" in one.output
    assert two.exit_code == 2


def test_without_a_token_the_tool_says_how_to_give_one() -> None:
    result = CliRunner().invoke(cli.app, ["history", str(uuid.uuid4())], env={"MELDCODE_TOKEN": ""})
    assert result.exit_code == 2
    assert "MELDCODE_TOKEN" in result.output
