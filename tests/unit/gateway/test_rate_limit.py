"""The per-caller token bucket, with a fixed clock."""

from __future__ import annotations

from node.gateway.limits import RateLimiter


def test_a_burst_is_allowed_then_refused_with_the_seconds_to_wait() -> None:
    limiter = RateLimiter(rate=2, burst=3)
    assert [limiter.take("a", 100.0) for _ in range(3)] == [None, None, None]
    assert limiter.take("a", 100.0) == 1


def test_tokens_refill_at_the_rate() -> None:
    limiter = RateLimiter(rate=2, burst=1)
    assert limiter.take("a", 100.0) is None
    assert limiter.take("a", 100.2) == 1
    assert limiter.take("a", 100.5) is None


def test_a_slow_rate_asks_for_a_longer_wait() -> None:
    limiter = RateLimiter(rate=0.1, burst=1)
    limiter.take("a", 0.0)
    assert limiter.take("a", 0.0) == 10


def test_callers_have_their_own_buckets() -> None:
    limiter = RateLimiter(rate=1, burst=1)
    assert limiter.take("a", 0.0) is None
    assert limiter.take("b", 0.0) is None
    assert limiter.take("a", 0.0) == 1


def test_the_least_recently_seen_caller_is_forgotten_first() -> None:
    limiter = RateLimiter(rate=1, burst=1, tracked=1)
    limiter.take("a", 0.0)
    limiter.take("b", 0.0)
    assert limiter.take("a", 0.0) is None
