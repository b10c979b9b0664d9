"""The write rate limit's token bucket, on a clock the test turns."""

from __future__ import annotations

import pytest

from meldcode_edge.ratelimit import TokenBuckets


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_user_may_make_the_burst_at_once_and_is_refused_after_it() -> None:
    buckets = TokenBuckets(rate_per_minute=60, burst=3, clock=Clock())
    assert [buckets.take("u1").allowed for _ in range(4)] == [True, True, True, False]


def test_a_refusal_says_how_many_seconds_until_the_next_token() -> None:
    buckets = TokenBuckets(rate_per_minute=6, burst=1, clock=Clock())  # one token per 10 s
    buckets.take("u1")
    refused = buckets.take("u1")
    assert not refused.allowed
    assert refused.retry_after_seconds == 10


def test_tokens_come_back_at_the_configured_rate_up_to_the_burst() -> None:
    clock = Clock()
    buckets = TokenBuckets(rate_per_minute=60, burst=2, clock=clock)
    assert buckets.take("u1").allowed and buckets.take("u1").allowed
    clock.now += 1.0
    assert buckets.take("u1").allowed
    assert not buckets.take("u1").allowed
    clock.now += 3600
    assert [buckets.take("u1").allowed for _ in range(3)] == [True, True, False]


def test_refused_requests_do_not_use_up_tokens() -> None:
    clock = Clock()
    buckets = TokenBuckets(rate_per_minute=60, burst=1, clock=clock)
    buckets.take("u1")
    for _ in range(50):
        buckets.take("u1")
    clock.now += 1.0
    assert buckets.take("u1").allowed


def test_each_user_has_a_bucket_of_their_own() -> None:
    buckets = TokenBuckets(rate_per_minute=60, burst=1, clock=Clock())
    assert buckets.take("u1").allowed
    assert not buckets.take("u1").allowed
    assert buckets.take("u2").allowed


def test_memory_stays_bounded_by_forgetting_the_least_recently_seen_users() -> None:
    buckets = TokenBuckets(rate_per_minute=60, burst=1, max_keys=3, clock=Clock())
    for user in ("u1", "u2", "u3"):
        buckets.take(user)
    buckets.take("u1")  # u1 seen again: u2 is now the least recent
    buckets.take("u4")
    assert len(buckets) == 3
    assert buckets.take("u2").allowed  # forgotten, so a fresh bucket
    assert not buckets.take("u1").allowed


def test_a_rate_of_zero_is_not_a_bucket() -> None:
    with pytest.raises(ValueError, match="rate_per_minute"):
        TokenBuckets(rate_per_minute=0, burst=1)
