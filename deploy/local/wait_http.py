"""Wait until every URL answers 200: `wait_http.py SECONDS URL...` (used for /health/ready)."""

import sys
import time

import httpx


def main(timeout: float, urls: list[str]) -> int:
    deadline = time.monotonic() + timeout
    waiting = list(urls)
    while waiting and time.monotonic() < deadline:
        for url in list(waiting):
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    waiting.remove(url)
            except httpx.HTTPError:
                pass
        if waiting:
            time.sleep(0.5)
    for url in waiting:
        print(f"not ready within {timeout:.0f}s: {url}", file=sys.stderr)
    return 1 if waiting else 0


if __name__ == "__main__":
    sys.exit(main(float(sys.argv[1]), sys.argv[2:]))
