"""Outbound JGZ webhooks: which casework events become which message, and the retry schedule.

One delivery per source event: its id (also the message id and the `X-Meldcode-Delivery` header)
is a uuid5 of the event id, so a redelivered event is the same delivery and the JGZ system can
drop a second copy. A hand-over is sent only with one of the recorded legal bases (rule 14).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from meldcode_vocabulary import LEGAL_BASES

from .tasks import must_be_utc

DELIVERY_NAMESPACE = uuid.UUID("2c3d4e5f-6a7b-5c8d-9e0f-1a2b3c4d5e6f")


def delivery_id_for(source_event_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(DELIVERY_NAMESPACE, str(source_event_id))


def has_legal_basis(legal_basis: str | None) -> bool:
    """Rule 14: a case file leaves the school only on a recorded legal basis."""
    return legal_basis is not None and legal_basis.strip() in LEGAL_BASES


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff, capped, with full jitter in the upper half (so retries of many
    deliveries after an outage do not all hit the receiver at the same moment)."""

    base_seconds: float = 2.0
    cap_seconds: float = 3600.0

    def delay(self, attempts: int, rand: Callable[[], float] = random.random) -> timedelta:
        """The wait after the `attempts`th failed attempt (1 = the first)."""
        if attempts < 1:
            raise ValueError("attempts starts at 1")
        raw = min(self.cap_seconds, self.base_seconds * 2 ** min(attempts - 1, 32))
        return timedelta(seconds=raw * (0.5 + 0.5 * rand()))

    def next_attempt(
        self, now: datetime, attempts: int, rand: Callable[[], float] = random.random
    ) -> datetime:
        return must_be_utc(now, "now") + self.delay(attempts, rand)
