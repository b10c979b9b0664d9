"""Projecting a contract event into the read models (the consumer's use case)."""

from __future__ import annotations

from ..domain.projection import Projection
from .ports import ProjectionStore


async def apply_projection(projection: Projection, store: ProjectionStore) -> bool:
    """Apply what an event changes in the read models; False when it changes nothing. Idempotent:
    every write is keyed by the event or aggregate id."""
    if projection.is_empty:
        return False
    await store.apply(projection)
    return True
