"""Pupils kept in memory for recording signals without loading the pupil first (ADR 25, I2).

A kept pupil is only a guess: the signal recorded on it is saved on condition that the pupil's
last stored version is still the kept one, checked by the insert itself (`unchanged=` on save,
`FailFastRecorder.insert_events`); a transfer, an erasure or any other event of the pupil since
makes that insert insert nothing, and the signal is decided again on the pupil as stored. A pupil
is kept no longer than the key store keeps its data key in memory (`KeyStore.cache_seconds`), so
its opened personal fields live in this process no longer than the key that opens them does.
"""

from __future__ import annotations

import threading
import time
import uuid

from ..domain.pupil import Pupil


class KeptPupils:
    """At most `size` pupils, each for `seconds` after it was loaded; thread-safe."""

    def __init__(self, *, size: int, seconds: float) -> None:
        self._size = size
        self._seconds = seconds
        self._pupils: dict[uuid.UUID, tuple[Pupil, float]] = {}
        self._lock = threading.Lock()

    def get(self, pupil_id: uuid.UUID) -> Pupil | None:
        with self._lock:
            kept = self._pupils.get(pupil_id)
            if kept is None:
                return None
            pupil, until = kept
            if time.monotonic() >= until:
                del self._pupils[pupil_id]
                return None
            return pupil

    def keep(self, pupil: Pupil) -> None:
        if self._size <= 0 or self._seconds <= 0:
            return
        with self._lock:
            self._pupils.pop(pupil.id, None)
            while len(self._pupils) >= self._size:
                del self._pupils[next(iter(self._pupils))]  # the longest kept
            self._pupils[pupil.id] = (pupil, time.monotonic() + self._seconds)

    def forget(self, pupil_id: uuid.UUID) -> None:
        with self._lock:
            self._pupils.pop(pupil_id, None)
