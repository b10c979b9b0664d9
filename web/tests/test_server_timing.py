"""Every portal answer says how long the portal took (Server-Timing), for the page-timing measurement."""

from __future__ import annotations

import re

from .shell_fakes import portal


def test_every_answer_carries_the_portals_own_time() -> None:
    client, _, _ = portal()
    response = client.get("/health")
    assert re.fullmatch(r"app;dur=\d+\.\d", response.headers["Server-Timing"])
