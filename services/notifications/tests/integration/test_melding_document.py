"""The melding document built from the consumed events, read back with pypdf."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

from pypdf import PdfReader

from meldcode_contracts import (
    MeldingDocumentIssued,
    Role,
    StaffMemberListed,
    StaffMemberListedPayload,
    parse_event,
    staff_member_id,
)
from meldcode_testkit.builders import envelope
from meldcode_testkit.builders.demo_case_events import SCHOOL_CONTINUES, SIGNAL_TEXTS, demo_case

from .harness import Harness


async def issued_pdf(harness: Harness, anonymous: bool) -> tuple[str, bytes]:
    case = demo_case(anonymous=anonymous)
    report = next(e for e in case.events if e.event_type == "AmkNotified")
    for event in case.events[: case.events.index(report) + 1]:
        await harness.apply(event)
    await harness.workers.documents.run_due(report.occurred_at + timedelta(seconds=1))
    pdf = await harness.scalar("select pdf from melding_documents")
    assert pdf is not None, "no document was issued"
    text = " ".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    return text, bytes(pdf)


async def test_the_melding_pdf_holds_the_facts_the_consultation_the_informing_and_the_reporter(
    harness: Harness,
) -> None:
    text, pdf = await issued_pdf(harness, anonymous=False)
    assert "Melding aan Veilig Thuis" in text
    for description in SIGNAL_TEXTS:
        assert " ".join(description.split()) in text
    assert "01-09-2026 - bron: eigen waarneming" in text
    assert "03-09-2026 - bron: verteld door de leerling" in text
    assert "Joke Jansen, jeugdverpleegkundige (JGZ)" in text
    assert "De ouders zijn op 04-10-2026 door Bram Bakker geïnformeerd over de melding." in text
    assert "De leerling is op 04-10-2026 door Bram Bakker geïnformeerd over de melding." in text
    assert "Gemeld door: Bram Bakker" in text and "ib-bram" not in text
    assert "Sanne de Vries" in text and "17-05-2013" in text
    assert " ".join(SCHOOL_CONTINUES.split()) in text
    assert "anoniem" not in text
    row = await harness.scalar("select row(sha256, pages) from melding_documents")
    assert row[0] == hashlib.sha256(pdf).hexdigest() and row[1] >= 1
    [value] = await harness.pool.fetch(
        "select value from event_outbox where event_type = 'MeldingDocumentIssued'"
    )
    issued = parse_event(bytes(value["value"]))
    assert isinstance(issued, MeldingDocumentIssued)
    assert issued.payload.sha256 == row[0]


async def test_with_anonymity_agreed_the_pdf_carries_the_note_and_never_the_reporter(
    harness: Harness,
) -> None:
    text, _ = await issued_pdf(harness, anonymous=True)
    assert "De melder blijft anoniem tegenover het gezin." in text
    assert "bedreiging van de melder of collega's" in text
    assert "Bram" not in text and "ib-bram" not in text
    assert "De ouders zijn op 04-10-2026 geïnformeerd over de melding." in text
    for description in SIGNAL_TEXTS:
        assert " ".join(description.split()) in text


async def test_building_the_document_again_gives_the_same_bytes(harness: Harness) -> None:
    _, first = await issued_pdf(harness, anonymous=False)
    await harness.pool.execute("update melding_documents set status = 'pending', pdf = null")
    await harness.pool.execute("delete from event_outbox")
    await harness.workers.documents.run_due(demo_case().events[-1].occurred_at)
    assert bytes(await harness.scalar("select pdf from melding_documents")) == first


async def test_the_staff_directory_names_the_reporter_and_the_informer_before_the_configured_names(
    harness: Harness,
) -> None:
    await harness.apply(
        StaffMemberListed(
            **envelope(staff_member_id("12AB", "ib-bram")),
            payload=StaffMemberListedPayload(
                user_id="ib-bram", name="Bram van Dijk", role=Role.INTERN_BEGELEIDER, email=None
            ),
        )
    )
    text, _ = await issued_pdf(harness, anonymous=False)
    assert "Gemeld door: Bram van Dijk" in text
    assert "De ouders zijn op 04-10-2026 door Bram van Dijk geïnformeerd over de melding." in text
    assert "Bram Bakker" not in text and "ib-bram" not in text
