"""The hardened HTTP edge of a real service process: write rate per user, body size, headers."""

from __future__ import annotations

import httpx

from meldcode_testkit import Suite
from meldcode_testkit.scenario import Staff, register_pupil, signal_body


async def test_a_user_writing_too_fast_gets_429_with_retry_after_while_another_user_is_not_slowed(
    suite: Suite,
) -> None:
    signals = await suite.service("signals", MELDCODE_WRITE_RATE_PER_MINUTE="6", MELDCODE_WRITE_BURST="3")
    staff = Staff(suite)
    async with httpx.AsyncClient(timeout=15) as http:
        pupil_id = await register_pupil(http, signals.url, staff)  # the IB'er's first write
        url = f"{signals.url}/pupils/{pupil_id}/signals"
        statuses = [
            (
                await http.post(url, headers=staff.teacher, json=signal_body(1, f"Signaal {n}: geen jas."))
            ).status_code
            for n in range(4)
        ]
        assert statuses == [201, 201, 201, 429]
        refused = await http.post(url, headers=staff.teacher, json=signal_body(1, "Nog een signaal."))
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) >= 1
        assert refused.headers["content-type"].startswith("application/problem+json")
        by_ib = await http.post(url, headers=staff.ib, json=signal_body(1, "De IB'er ziet het ook."))
        assert by_ib.status_code == 201, "the limit is per user"


async def test_a_too_large_body_is_refused_with_413_and_every_answer_carries_the_security_headers(
    suite: Suite,
) -> None:
    signals = await suite.service("signals")
    staff = Staff(suite)
    async with httpx.AsyncClient(timeout=15) as http:
        pupil_id = await register_pupil(http, signals.url, staff)
        huge = signal_body(1, "x" * (2 * 1024 * 1024))
        response = await http.post(
            f"{signals.url}/pupils/{pupil_id}/signals", headers=staff.teacher, json=huge
        )
        assert response.status_code == 413
        read = await http.get(f"{signals.url}/pupils/{pupil_id}", headers=staff.ib)
    for answer in (response, read):
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Cache-Control"] == "no-store"
        assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
