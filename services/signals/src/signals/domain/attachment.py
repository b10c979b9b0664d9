"""Attachments to a signal (issue 17): a photo of a note, a scanned document, a body map drawing.

What a file is, is decided by its first bytes, never by the name or the type the sender declares:
only JPEG, PNG and PDF are kept (nothing a browser would run), within a size limit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .errors import AttachmentEmpty, AttachmentTooLarge, AttachmentTypeRefused

DEFAULT_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class AttachmentKind(StrEnum):
    PHOTO = "foto"
    DOCUMENT = "document"
    BODY_MAP = "lichaamskaart"


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
ACCEPTED_CONTENT_TYPES = tuple(content_type for _, content_type in _MAGIC)


def content_type_of(content: bytes) -> str | None:
    """The content type the bytes themselves say (JPEG, PNG or PDF), or None for anything else."""
    for magic, content_type in _MAGIC:
        if content.startswith(magic):
            return content_type
    return None


@dataclass(frozen=True)
class AttachmentFile:
    """A file as it was checked: its content type as its bytes say, and its size."""

    content_type: str
    size: int

    @classmethod
    def check(cls, content: bytes, *, declared_type: str | None, max_bytes: int) -> AttachmentFile:
        if not content:
            raise AttachmentEmpty("Het bestand is leeg. Kies een foto (JPEG of PNG) of een PDF.")
        if len(content) > max_bytes:
            raise AttachmentTooLarge(
                f"Het bestand is te groot ({_megabytes(len(content))}); "
                f"het mag hoogstens {_megabytes(max_bytes)} zijn."
            )
        actual = content_type_of(content)
        if actual is None:
            raise AttachmentTypeRefused(
                "Dit bestand is geen foto (JPEG of PNG) of PDF. Andere bestanden worden niet bewaard."
            )
        declared = (declared_type or "").split(";", 1)[0].strip().lower()
        if declared not in ("", "application/octet-stream", actual):
            raise AttachmentTypeRefused(
                f"Het bestand zegt {declared} te zijn, maar de inhoud is {actual}. "
                "Kies het bestand opnieuw of sla het op als JPEG, PNG of PDF."
            )
        return cls(content_type=actual, size=len(content))


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


@dataclass(frozen=True)
class Attachment:
    """An attachment as the signal records it (its bytes are kept apart, sealed)."""

    attachment_id: uuid.UUID
    kind: AttachmentKind
    content_type: str
    size: int
    sha256: str
    added_at: datetime
    added_by: str
    added_by_role: str
