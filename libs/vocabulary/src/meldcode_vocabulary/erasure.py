"""The words of erasure (ADR 10): why a pupil's personal data is erased, and what it reads as after."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

ERASED: Final = "[gewist]"
"""What a personal text reads as once the pupil's data key is destroyed (crypto-shredding)."""


class ErasureReason(StrEnum):
    RETENTION_EXPIRED = "bewaartermijn_verstreken"
    """The retention term after the pupil left school has passed and no case is open."""
    LAWFUL_REQUEST = "verzoek_betrokkene"
    """A lawful request of the parents or the pupil (AVG art. 17), assessed by the school."""
    COURT_ORDER = "rechterlijke_uitspraak"
    """A court order or a comparable binding decision (e.g. of the Autoriteit Persoonsgegevens):
    not held back by the waiting period after a case was closed."""
