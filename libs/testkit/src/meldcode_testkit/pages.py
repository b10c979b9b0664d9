"""Waiting for a portal page to show what the read sides will show a moment later (browser tests)."""

from __future__ import annotations

import asyncio
import time
from typing import Any


async def until_shown(page: Any, url: str, selector: str, timeout: float = 60.0) -> None:
    """Open `url` (a Playwright page) until `selector` is on it: the read sides follow the events a
    moment later. Fails naming the selector and the address after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        await page.goto(url)
        if await page.locator(selector).count() > 0:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{selector} not shown on {url} within {timeout}s")
        await asyncio.sleep(0.5)
