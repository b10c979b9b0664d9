"""An in-memory token bucket per key (a user, or a client address), for the write rate limit.

The buckets live in the process: with N replicas behind a load balancer a user may make up to N
times the configured rate. That is enough to stop a runaway script or a stuck retry loop; a
shared limit (Redis, the gateway) is the place for anything stricter.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after_seconds: int = 0
    """Whole seconds until one token is back (0 when allowed)."""


class TokenBuckets:
    """`burst` tokens per key, refilled at `rate_per_minute`; every request takes one token.

    At most `max_keys` buckets are kept: the least recently used goes first (it is the one most
    likely to have refilled completely, which is the same as having no bucket).
    """

    def __init__(
        self,
        *,
        rate_per_minute: float,
        burst: int,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate_per_minute <= 0 or burst < 1:
            raise ValueError("rate_per_minute must be positive and burst at least 1")
        self._rate = rate_per_minute / 60.0
        self._burst = float(burst)
        self._max_keys = max_keys
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)

    def __len__(self) -> int:
        return len(self._buckets)

    def _tokens_now(self, key: str, now: float) -> float:
        tokens, at = self._buckets.get(key, (self._burst, now))
        return min(self._burst, tokens + max(0.0, now - at) * self._rate)

    def take(self, key: str) -> Decision:
        now = self._clock()
        tokens = self._tokens_now(key, now)
        allowed = tokens >= 1.0
        self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
        self._buckets.move_to_end(key)
        while len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)
        if allowed:
            return Decision(True)
        return Decision(False, max(1, math.ceil((1.0 - tokens) / self._rate)))
