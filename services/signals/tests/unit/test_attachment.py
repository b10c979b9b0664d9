"""Attachments to a signal as the domain decides them: the file by its content, who may attach."""

import uuid
from datetime import date

import pytest

from signals.domain.attachment import AttachmentFile, AttachmentKind, content_type_of
from signals.domain.errors import (
    AttachmentEmpty,
    AttachmentOnlyByObserver,
    AttachmentTooLarge,
    AttachmentTypeRefused,
)
from signals.domain.signal import Observation, Signal, SignalCategory, SourceKind

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
PDF = b"%PDF-1.7\n" + b"\x00" * 32


def signal() -> Signal:
    return Signal.record(
        tenant="swv-zuid",
        school="12AB",
        pupil_id=uuid.uuid4(),
        observation=Observation(
            observed_on=date(2026, 11, 20),
            description="Blauwe plek op de bovenarm, zichtbaar bij de gymles.",
            source_kind=SourceKind.OWN_OBSERVATION,
            source_name=None,
            categories=(SignalCategory.PHYSICAL,),
            interpretation=None,
        ),
        today=date(2026, 11, 29),
        actor_id="leerkracht-1",
        actor_role="leerkracht",
        correlation_id="c-1",
    )


@pytest.mark.parametrize(
    ("content", "expected"), [(PNG, "image/png"), (JPEG, "image/jpeg"), (PDF, "application/pdf")]
)
def test_a_photo_or_pdf_is_known_by_its_first_bytes(content: bytes, expected: str) -> None:
    assert content_type_of(content) == expected
    checked = AttachmentFile.check(content, declared_type=expected, max_bytes=1024)
    assert (checked.content_type, checked.size) == (expected, len(content))


def test_the_declared_type_may_be_missing_or_generic_but_never_contradict_the_content() -> None:
    assert AttachmentFile.check(PNG, declared_type=None, max_bytes=1024).content_type == "image/png"
    assert AttachmentFile.check(PNG, declared_type="application/octet-stream", max_bytes=1024).size == len(
        PNG
    )
    with pytest.raises(AttachmentTypeRefused, match="image/jpeg"):
        AttachmentFile.check(PNG, declared_type="image/jpeg", max_bytes=1024)


@pytest.mark.parametrize(
    "content",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"<html></html>",
        b"MZ\x90\x00",
    ],
)
def test_anything_else_is_refused_whatever_it_claims_to_be(content: bytes) -> None:
    assert content_type_of(content) is None
    with pytest.raises(AttachmentTypeRefused, match="geen foto"):
        AttachmentFile.check(content, declared_type="image/png", max_bytes=1024)


def test_an_empty_or_too_large_file_is_refused() -> None:
    with pytest.raises(AttachmentEmpty):
        AttachmentFile.check(b"", declared_type="image/png", max_bytes=1024)
    with pytest.raises(AttachmentTooLarge, match="hoogstens"):
        AttachmentFile.check(PNG + b"\x00" * 2000, declared_type="image/png", max_bytes=1024)


def test_the_observer_or_the_ib_er_attaches_and_the_signal_lists_it() -> None:
    recorded = signal()
    file = AttachmentFile.check(PNG, declared_type="image/png", max_bytes=1024)
    first = recorded.add_attachment(
        attachment_id=uuid.uuid4(),
        kind=AttachmentKind.BODY_MAP,
        file=file,
        sha256="ab" * 32,
        actor_id="leerkracht-1",
        actor_role="leerkracht",
        correlation_id="c-2",
    )
    second = recorded.add_attachment(
        attachment_id=uuid.uuid4(),
        kind=AttachmentKind.PHOTO,
        file=file,
        sha256="cd" * 32,
        actor_id="ib-1",
        actor_role="intern_begeleider",
        correlation_id="c-3",
    )
    assert recorded.attachments == [first, second]
    assert (first.kind, first.added_by, second.added_by_role) == (
        AttachmentKind.BODY_MAP,
        "leerkracht-1",
        "intern_begeleider",
    )
    assert recorded.attachment(second.attachment_id) == second
    assert recorded.attachment(uuid.uuid4()) is None
    assert recorded.version == 3


def test_another_teacher_does_not_attach_to_someone_elses_signal() -> None:
    recorded = signal()
    with pytest.raises(AttachmentOnlyByObserver):
        recorded.add_attachment(
            attachment_id=uuid.uuid4(),
            kind=AttachmentKind.PHOTO,
            file=AttachmentFile.check(JPEG, declared_type="image/jpeg", max_bytes=1024),
            sha256="ab" * 32,
            actor_id="leerkracht-2",
            actor_role="leerkracht",
            correlation_id="c-2",
        )
    assert recorded.attachments == []
