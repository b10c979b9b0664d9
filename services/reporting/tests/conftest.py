"""Fixtures of the reporting tests: builders of contract events (from `meldcode_testkit.builders`)."""

from __future__ import annotations

import pytest

from meldcode_testkit.builders import Events, Notices


@pytest.fixture
def events() -> Events:
    return Events()


@pytest.fixture
def notices() -> Notices:
    return Notices()
