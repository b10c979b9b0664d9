"""The backup and restore drill (issue 13, docs/operations.md "Backup and restore").

A durable PostgreSQL of the test's own, archiving its WAL, under the signals and casework services
(on the shared Kafka): writes, a base backup, more writes, the time T, more writes (an erasure among
them), then the server is stopped and restored to T into a new data directory. Exactly the writes
confirmed before T must be in the event stores, none after; the hash chains must verify; and the
key that the restore brought back to the erased pupil must be refused, then destroyed again.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest

from meldcode_contracts import SIGNALS_EVENTS
from meldcode_servicekit.hashchain import Anchor, verify
from meldcode_testkit import DEPLOY_LOCAL, REPO_ROOT, Infrastructure, Suite, eventually, read_topic
from meldcode_testkit.demo_case import ZORGTEAM_WEIGHING
from meldcode_testkit.scenario import (
    SCHOOL,
    TENANT,
    Staff,
    bearer,
    erase_on_request,
    record_signal,
    register_pupil,
)

pytestmark = [pytest.mark.faults, pytest.mark.infra]

STORES = {"signals": "signals_events", "casework": "casework_events"}
RESURRECTED = 4  # backup.sh erasures check: an erased pupil's key is back


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class OwnPostgres:
    """A durable PostgreSQL started by deploy/local/postgres.sh with the WAL archive on: the server of
    this drill alone (it is stopped and replaced, so it is never the shared one)."""

    run_dir: Path
    port: int
    archive_dir: Path
    backup_dir: Path
    topic_prefix: str
    kafka: str
    keystore_database: str

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "MELDCODE_DATABASE_URL"}
        env.update(
            MELDCODE_RUN_DIR=str(self.run_dir),
            MELDCODE_PG_PORT=str(self.port),
            MELDCODE_PG_DURABILITY="durable",
            MELDCODE_PG_ARCHIVE_DIR=str(self.archive_dir),
            MELDCODE_BACKUP_DIR=str(self.backup_dir),
            KAFKA_BOOTSTRAP_SERVERS=self.kafka,
            MELDCODE_TOPIC_PREFIX=self.topic_prefix,
            MELDCODE_KEYSTORE_URL=f"postgresql://postgres@127.0.0.1:{self.port}/{self.keystore_database}",
            MELDCODE_PYTHON=sys.executable,
        )
        return env

    def run(self, script: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            ["bash", str(DEPLOY_LOCAL / script), *args],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            env=self.env(),
        )
        if check and result.returncode != 0:
            raise AssertionError(f"{script} {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
        return result


async def store_rows(db: dict[str, str]) -> dict[str, set[tuple[str, int]]]:
    """Every stored event of both stores as (aggregate id, version)."""
    rows: dict[str, set[tuple[str, int]]] = {}
    for service, table in STORES.items():
        conn = await asyncpg.connect(db[service])
        try:
            found = await conn.fetch(f"select originator_id, originator_version from {table}")  # noqa: S608
        finally:
            await conn.close()
        rows[service] = {(str(r["originator_id"]), r["originator_version"]) for r in found}
    return rows


async def chain_heads(db: dict[str, str]) -> dict[str, Anchor]:
    heads: dict[str, Anchor] = {}
    for service, table in STORES.items():
        conn = await asyncpg.connect(db[service])
        try:
            row = await conn.fetchrow(
                f"select notification_id, log_hash from {table} order by notification_id desc limit 1"  # noqa: S608
            )
        finally:
            await conn.close()
        assert row is not None
        heads[service] = Anchor(row["notification_id"], bytes(row["log_hash"]).hex())
    return heads


async def server_now(url: str) -> str:
    conn = await asyncpg.connect(url)
    try:
        now = await conn.fetchval("select clock_timestamp()")
    finally:
        await conn.close()
    return str(now.isoformat())


async def wrapped_key(keystore_url: str, pupil_id: str) -> bytes | None:
    conn = await asyncpg.connect(keystore_url)
    try:
        key: bytes | None = await conn.fetchval(
            "select wrapped_key from pupil_keys where pupil_id = $1::uuid", pupil_id
        )
    finally:
        await conn.close()
    return key


async def test_restore_to_a_point_in_time_keeps_exactly_the_writes_before_it(
    infrastructure: Infrastructure, isolation: str, tmp_path: Path
) -> None:
    # Not under tmp_path: pytest takes the other users' access to its base directory away whenever a
    # session starts, and the server runs as another OS user (postgres.sh, as root).
    home = REPO_ROOT / ".run" / "faults" / isolation
    port = _free_port()
    first = OwnPostgres(
        home / "run-first",
        port,
        home / "archive",
        home / "backup",
        f"{isolation}.",
        infrastructure.kafka,
        f"{isolation}_keys",
    )
    restored = OwnPostgres(
        home / "run-restored",
        port,
        first.archive_dir,
        first.backup_dir,
        first.topic_prefix,
        first.kafka,
        first.keystore_database,
    )
    first.run("postgres.sh", "start")
    own = Infrastructure(kafka=infrastructure.kafka, postgres_url=first.url, keys_dir=infrastructure.keys_dir)
    suite = Suite(own, isolation, tmp_path)
    figures: dict[str, str] = {}
    try:
        signals = await suite.service("signals")
        casework = await suite.service("casework")
        staff = Staff(suite)
        zorgteam = bearer(
            suite.infra.token(sub="jgz-arts", role="zorgteam", tenant=TENANT, schools=(SCHOOL,))
        )
        db = {name: own.database_url(f"{isolation}_{name}") for name in STORES}
        keystore_url = own.database_url(f"{isolation}_keys")

        async with httpx.AsyncClient(timeout=30) as http:

            async def step(who: dict[str, str], case_id: str, path: str, body: dict[str, object]) -> int:
                response = await http.post(f"{casework.url}/cases/{case_id}/{path}", headers=who, json=body)
                assert response.status_code == 200, response.text
                return int(response.json()["version"])

            # Before the base backup: a pupil with two signals and a case; a pupil to be erased later.
            pupil = await register_pupil(http, signals.url, staff)
            erased_pupil = await register_pupil(http, signals.url, staff)
            early = [
                await record_signal(
                    http, signals.url, staff, pupil, d, "Vroeg signaal: blauwe plek op de arm."
                )
                for d in (9, 8)
            ]

            async def casework_knows() -> bool:
                response = await http.get(f"{casework.url}/pupils/{pupil}/signals", headers=staff.ib)
                return response.status_code == 200 and len(response.json()) == len(early)

            await eventually(casework_knows)
            opened = await http.post(
                f"{casework.url}/cases", headers=staff.ib, json={"pupil_id": pupil, "signal_ids": early}
            )
            assert opened.status_code == 201, opened.text
            case_id = opened.json()["case_id"]
            await step(staff.ib, case_id, "zorgteam-invitations", {"member_id": "jgz-arts"})

            started = time.monotonic()
            name = first.run("backup.sh", "base").stdout.strip()
            figures["base backup"] = f"{time.monotonic() - started:.2f} s"
            info = (first.backup_dir / "base" / name / "meldcode_backup.info").read_text()
            size = int(re.findall(r"bytes=(\d+)", info)[0])
            figures["base backup size"] = f"{size / 2**20:.1f} MiB"

            # Between the base backup and T: only the WAL archive holds these.
            before_t = [
                await record_signal(
                    http, signals.url, staff, pupil, d, "Voor T: kwam zonder jas naar school."
                )
                for d in (7, 6)
            ]
            version_before_t = await step(
                staff.ib,
                case_id,
                "parents-conversation",
                {"held_on": "2026-01-05", "participants": ["moeder"], "summary": "Zorgen besproken."},
            )
            late_pupil_before_t = await register_pupil(http, signals.url, staff)

            # T: after every write above was confirmed, before any write below was sent.
            target = await server_now(first.url)
            stores_at_t = await store_rows(db)
            heads_at_t = await chain_heads(db)

            after_t = [
                await record_signal(
                    http, signals.url, staff, pupil, d, "Na T: kwam zonder ontbijt naar school."
                )
                for d in (5, 4)
            ]
            version_after_t = await step(
                zorgteam,
                case_id,
                "risk-weighing",
                {
                    "participants": ZORGTEAM_WEIGHING,
                    "nature": "Herhaald letsel.",
                    "severity": "ernstig",
                    "risk_level": "hoog",
                    "suspicion": True,
                    "acute_unsafety": False,
                    "structural_unsafety": True,
                    "approach": "Melden.",
                },
            )
            late_pupil_after_t = await register_pupil(http, signals.url, staff)
            erasure = await erase_on_request(http, signals.url, staff, erased_pupil)
            assert erasure.status_code == 200, erasure.text
            assert await wrapped_key(keystore_url, erased_pupil) is None
            stores_after_t = await store_rows(db)
            heads_after_t = await chain_heads(db)
            figures["events at T / after"] = (
                f"{sum(map(len, stores_at_t.values()))} / {sum(map(len, stores_after_t.values()))}"
            )
            assert stores_after_t["signals"] > stores_at_t["signals"]
            assert stores_after_t["casework"] > stores_at_t["casework"]

            async def erasure_on_topic() -> bool:
                messages = await read_topic(
                    own.kafka, suite.topic(SIGNALS_EVENTS), expected=10_000, timeout=2
                )
                return any(b'"PersonalDataErased"' in m["value"] for m in messages)

            await eventually(erasure_on_topic, timeout=60)

        # The last writes are in the current WAL segment: close it so the archive holds them (what
        # archive_timeout does within a minute on its own). Then the server goes.
        first.run("backup.sh", "switch-wal")
        suite.stop_all()
        first.run("postgres.sh", "stop")

        started = time.monotonic()
        restore = restored.run("backup.sh", "restore", "--to", target, check=False)
        figures["restore (copy, replay, erasure check)"] = f"{time.monotonic() - started:.2f} s"
        replay = re.search(r"restored to \S+ in ([0-9.]+) s", restore.stderr)
        assert replay, restore.stderr
        figures["restore (copy and replay)"] = f"{replay.group(1)} s"
        # The erasure after T is undone in the restored key store: the restore refuses to call it done.
        assert restore.returncode == RESURRECTED, restore.stdout + restore.stderr
        assert erased_pupil in restore.stdout
        assert await wrapped_key(keystore_url, erased_pupil) is not None

        # Exactly the writes confirmed before T, none after.
        stores_restored = await store_rows(db)
        assert stores_restored == stores_at_t
        signal_aggregates = {aggregate for aggregate, _ in stores_restored["signals"]}
        assert {*early, *before_t, late_pupil_before_t} <= signal_aggregates
        assert not {*after_t, late_pupil_after_t} & signal_aggregates
        case_versions = [v for a, v in stores_restored["casework"] if a == case_id]
        assert max(case_versions) == version_before_t < version_after_t

        # The hash chains of the restored stores are whole; the head recorded at T is still there,
        # the head recorded after T is not (that is how an auditor sees what the restore took back).
        for service, table in STORES.items():
            conn = await asyncpg.connect(db[service])
            try:
                result = await verify(conn, table, anchors=[heads_at_t[service]])
                assert result.ok, result
                later = await verify(conn, table, anchors=[heads_after_t[service]])
                assert [p.kind for p in later.problems] == ["head_missing"]
            finally:
                await conn.close()

        # The rule of docs/operations.md: erasures after T are applied again before the services start.
        applied = restored.run("backup.sh", "erasures", "apply")
        assert erased_pupil in applied.stdout
        assert await wrapped_key(keystore_url, erased_pupil) is None
        assert restored.run("backup.sh", "erasures", "check").returncode == 0

        # The services start on the restored server; the auditor's `meldcode-audit verify` passes.
        signals = await suite.service("signals")
        casework = await suite.service("casework")
        auditor = suite.infra.token(sub="auditor-1", role="auditor", tenant=TENANT, schools=())
        audit = await asyncio.to_thread(
            subprocess.run,
            [str(Path(sys.executable).parent / "meldcode-audit"), "verify"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={
                **os.environ,
                "MELDCODE_TOKEN": auditor,
                "MELDCODE_SIGNALS_URL": signals.url,
                "MELDCODE_CASEWORK_URL": casework.url,
            },
        )
        assert audit.returncode == 0, audit.stdout + audit.stderr

        # Reconcile names what the topic holds and the restored store lacks: all of it after T
        # (signals: the two SignalRecorded, the late PupilRegistered, the PersonalDataErased;
        # casework: the risk weighing). Nothing the store holds is missing on the topic.
        code, report = await suite.reconcile("signals")
        assert code == 1
        lost = sorted(d["event_type"] for d in report["differences"] if d["kind"] == "missing_in_store")
        # the erasure after T: requested, approved by another person, then erased (four eyes)
        assert lost == [
            "ErasureApproved",
            "ErasureRequested",
            "PersonalDataErased",
            "PupilRegistered",
            "SignalRecorded",
            "SignalRecorded",
        ]
        assert not [d for d in report["differences"] if d["kind"] == "missing_on_topic"]
        # signals' read model of the cases is restored to T too, while its consumer group's offset
        # stayed after the risk weighing: named, and applied again by --replay-missing
        # (and any event before T that it applied only after T: how many is a matter of timing)
        skipped = [d["event_type"] for d in report["differences"] if d["kind"] == "missing_in_read_model"]
        assert "RiskWeighed" in skipped
        code, report = await suite.reconcile("signals", "--replay-missing")
        assert sorted(d["kind"] for d in report["differences"]) == ["missing_in_store"] * len(lost)
        code, report = await suite.reconcile("casework")
        assert code == 1
        differences = report["differences"]
        assert {(d["kind"], d["aggregate"]) for d in differences if d["kind"] != "missing_in_read_model"} == {
            ("missing_in_store", case_id)
        }
        # and casework's read model of the signals lacks the signals topic's events after T (and any
        # before T that it applied only after T); --replay-missing applies them
        skipped = Counter(d["event_type"] for d in differences if d["kind"] == "missing_in_read_model")
        assert not Counter(lost) - skipped
        code, report = await suite.reconcile("casework", "--replay-missing")
        assert {(d["kind"], d["aggregate"]) for d in report["differences"]} == {("missing_in_store", case_id)}

        # The erasure is recorded again through the API (the key is destroyed already).
        async with httpx.AsyncClient(timeout=30) as http:
            again = await erase_on_request(http, signals.url, staff, erased_pupil)
            assert again.status_code == 200, again.text
            gone = await http.get(f"{signals.url}/pupils/{erased_pupil}", headers=staff.ib)
            assert gone.status_code == 410, gone.text
        assert await wrapped_key(keystore_url, erased_pupil) is None

        # Runbook step 6: a new base backup on the new timeline; older backups and WAL can then go.
        newest = restored.run("backup.sh", "base").stdout.strip()
        restored.run("backup.sh", "prune", "--keep", "1")
        assert sorted(p.name for p in (first.backup_dir / "base").iterdir()) == [newest]
        label = (first.backup_dir / "base" / newest / "backup_label").read_text()
        [start_segment] = re.findall(r"START WAL LOCATION: .* \(file ([0-9A-F]{24})\)", label)
        segments = sorted(
            p.name for p in first.archive_dir.iterdir() if re.fullmatch(r"[0-9A-F]{24}", p.name)
        )
        assert segments
        assert all(name[8:] >= start_segment[8:] for name in segments), (start_segment, segments)
        assert (first.archive_dir / "00000002.history").exists()
    finally:
        suite.stop_all()
        for server in (first, restored):
            server.run("postgres.sh", "stop", check=False)
        print("\nbackup drill figures:", ", ".join(f"{k}: {v}" for k, v in figures.items()))
    shutil.rmtree(home)  # kept for inspection when the drill failed
