"""Days, limits and offsets at and far beyond their ends, on the reporting service as a real
process with its real database: every value is answered 200 or 422, never 500 (issue 14,
finding 12), on the access log and both dashboards."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meldcode_edge.inputs import EARLIEST_DAY, LATEST_DAY, MAX_OFFSET, MAX_PAGE
from meldcode_testkit import Suite

AUDITOR = {"sub": "audit-1", "role": "auditor", "schools": ()}
BEHEERDER = {"sub": "beheer-1", "role": "beheerder", "schools": ()}

days = st.dates(min_value=date.min, max_value=date.max) | st.sampled_from(
    [date.min, date.max, EARLIEST_DAY, LATEST_DAY, date(1899, 12, 31), date(2101, 1, 1)]
)
integers = (
    st.integers()
    | st.integers(min_value=-(10**25), max_value=10**25)
    | st.sampled_from([MAX_OFFSET, MAX_PAGE])
)


def in_days(*values: date) -> bool:
    return all(EARLIEST_DAY <= d <= LATEST_DAY for d in values)


def auth(suite: Suite, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {suite.infra.token(**claims)}"}


async def test_the_extremes_of_the_issue_are_422(suite: Suite) -> None:
    reporting = await suite.service("reporting")
    async with httpx.AsyncClient(base_url=reporting.url) as http:
        auditor, beheerder = auth(suite, **AUDITOR), auth(suite, **BEHEERDER)
        statuses = [
            (await http.get("/audit/access-log", params=params, headers=auditor)).status_code
            for params in (
                {"day": "0001-01-01"},
                {"day": "9999-12-31"},
                {"day": "2026-11-29", "offset": "1" * 20},
                {"day": "2026-11-29", "limit": "9" * 20},
            )
        ]
        dashboard = await http.get(
            "/tenants/swv-zuid/dashboard", params={"from": "0001-01-01"}, headers=beheerder
        )
        school = await http.get("/schools/12AB/dashboard", params={"until": "9999-12-31"}, headers=beheerder)
    assert statuses == [422, 422, 422, 422]
    assert (dashboard.status_code, school.status_code) == (422, 422)


async def test_any_day_limit_or_offset_is_answered_200_or_422_never_500(suite: Suite) -> None:
    reporting = await suite.service("reporting")
    auditor, beheerder = auth(suite, **AUDITOR), auth(suite, **BEHEERDER)

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(day=days, limit=integers, offset=integers, period=st.tuples(days, days))
    def answered(day: date, limit: int, offset: int, period: tuple[date, date]) -> None:
        with httpx.Client(base_url=reporting.url) as http:
            log = http.get(
                "/audit/access-log",
                params={"day": day.isoformat(), "limit": limit, "offset": offset},
                headers=auditor,
            )
            fits = in_days(day) and 1 <= limit <= MAX_PAGE and 0 <= offset <= MAX_OFFSET
            assert log.status_code == (200 if fits else 422), log.text

            first, last = period
            for path in ("/tenants/swv-zuid/dashboard", "/schools/12AB/dashboard"):
                response = http.get(
                    path, params={"from": first.isoformat(), "until": last.isoformat()}, headers=beheerder
                )
                expected = 422 if not in_days(first, last) or first > last else 200
                assert response.status_code == expected, response.text

    await asyncio.to_thread(answered)  # hypothesis drives a plain function; the loop stays free
