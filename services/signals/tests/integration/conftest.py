"""Fixtures of signals' integration tests that use the application directly (no HTTP)."""

import pytest

from meldcode_testkit import Infrastructure


@pytest.fixture
async def urls(infrastructure: Infrastructure, isolation: str) -> tuple[str, str]:
    """(key store, event store) databases of the test's own."""
    keys = await infrastructure.create_database(f"{isolation}_keys")
    events = await infrastructure.create_database(f"{isolation}_signals")
    return keys, events
