"""Staff names: the directory's events as reporting keeps them, and people named in the parents'
export PDF (no I/O)."""

from __future__ import annotations

import io
import uuid
from datetime import date

from pypdf import PdfReader

from meldcode_contracts import (
    Role,
    StaffMemberDelisted,
    StaffMemberDelistedPayload,
    StaffMemberListed,
    StaffMemberListedPayload,
    staff_member_id,
)
from meldcode_testkit.builders import CaseFile, Events, at, envelope
from meldcode_vocabulary import UNKNOWN_STAFF_MEMBER
from reporting.adapters import parents_export_pdf
from reporting.domain.parents_export import ExportPupil, parents_export
from reporting.domain.staff import staff_name
from reporting.translation import project


def test_a_listing_keeps_the_name_and_a_delisting_keeps_only_that_it_ended() -> None:
    subject = staff_member_id("12AB", "ib-1")
    listed = StaffMemberListed(
        **envelope(subject, at=at(1)),
        payload=StaffMemberListedPayload(
            user_id="ib-1", name="Ineke Bakker", role=Role.INTERN_BEGELEIDER, email="ineke@school.example"
        ),
    )
    delisted = StaffMemberDelisted(
        **envelope(subject, at=at(2)), payload=StaffMemberDelistedPayload(user_id="ib-1")
    )
    listing = project(listed).staff
    ended = project(delisted).staff
    assert listing is not None and listing.listed and listing.name == "Ineke Bakker"
    assert listing.role == "intern_begeleider" and listing.key == "swv-zuid/12AB/ib-1"
    assert ended is not None and not ended.listed and ended.name is None and ended.key == listing.key
    assert "Ineke" not in repr(listing), "the name stays out of logs"


def test_an_id_the_directory_does_not_know_is_an_unknown_staff_member() -> None:
    assert staff_name({"ib-1": "Ineke Bakker"}, "ib-1") == "Ineke Bakker"
    assert staff_name({}, "ib-1") == UNKNOWN_STAFF_MEMBER
    assert staff_name({}, None) == UNKNOWN_STAFF_MEMBER


def test_the_parents_export_pdf_names_the_staff_who_acted_instead_of_their_user_ids(events: Events) -> None:
    pupil = events.pupil()
    signal = events.signal(pupil.payload.pupil_id, when=at(1))
    case = CaseFile(events, events.case(pupil.payload.pupil_id, [signal.payload.signal_id], when=at(2)))
    stream = [signal, case.opened, case.decision(at(3)), case.parents_informed(at(4))]
    entries = [e for e in (project(x).entry for x in stream) if e is not None]
    export = parents_export(
        ExportPupil(uuid.uuid4(), "12AB", "L-1", "Sanne Jansen", date(2014, 3, 2)), entries
    )
    assert export.staff_ids() == {"ib-1", "zt-1", "lk-1"}
    pdf = parents_export_pdf.render(export, {"ib-1": "Ineke Bakker", "zt-1": "Joke de Wit"})
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Vastgelegd door: Ineke Bakker (IB'er)" in text
    assert "Vastgelegd door: Joke de Wit (zorgteam)" in text
    assert f"Vastgelegd door: {UNKNOWN_STAFF_MEMBER} (leerkracht)" in text
    assert "Wie meldt: Ineke Bakker" in text
    for user_id in ("ib-1", "zt-1", "lk-1"):
        assert user_id not in text
