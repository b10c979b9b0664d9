"""The auditor's as-of instant at and far beyond its ends, on casework as a real process with a
real case: every instant is answered 200, 404 (before the case) or 422, never 500 (issue 14,
finding 12)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meldcode_edge.inputs import EARLIEST_INSTANT, LATEST_INSTANT
from meldcode_testkit import Suite

from .world import as_user, opened_case

ZONES = [UTC, timezone(timedelta(hours=-14)), timezone(timedelta(hours=14))]
instants = st.datetimes(
    # hypothesis takes naive bounds; a day off the ends so every zone below still makes a datetime
    min_value=datetime.min + timedelta(days=1),  # noqa: DTZ901
    max_value=datetime.max - timedelta(days=1),  # noqa: DTZ901
    timezones=st.sampled_from(ZONES),
) | st.sampled_from([EARLIEST_INSTANT, LATEST_INSTANT, datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)])


async def test_any_as_of_instant_is_answered_200_404_or_422_never_500(suite: Suite) -> None:
    casework, case_id, _, _ = await opened_case(suite)
    auditor = as_user(suite, "au-ines", "auditor")
    async with httpx.AsyncClient(base_url=casework.url, headers=auditor) as http:
        extreme = await http.get(f"/audit/cases/{case_id}/as-of", params={"at": "9999-12-31T23:59:59Z"})
        events = (await http.get(f"/audit/cases/{case_id}/events")).json()["events"]
    opened_at = datetime.fromisoformat(events[0]["recorded_at"])
    assert extreme.status_code == 422, extreme.text

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(at=instants)
    def answered(at: datetime) -> None:
        with httpx.Client(base_url=casework.url, headers=auditor) as http:
            response = http.get(f"/audit/cases/{case_id}/as-of", params={"at": at.isoformat()})
        in_range = EARLIEST_INSTANT <= at <= LATEST_INSTANT
        expected = (200 if at >= opened_at else 404) if in_range else 422
        assert response.status_code == expected, response.text

    await asyncio.to_thread(answered)  # hypothesis drives a plain function; the loop stays free
