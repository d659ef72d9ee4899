"""The gateway's limits, and the token bucket that enforces the per-caller request rate.

Pure: the bucket is told the time, so tests drive it with a fixed clock.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass

CERTIFICATE_VERIFY_PATH = "/v1/certificates/verify"


@dataclass(frozen=True)
class GatewayLimits:
    max_body_bytes: int = 64 * 1024
    """Larger bodies get 413 (a signed transaction of the system contracts is a few KiB)."""
    max_certificate_bytes: int = 1024 * 1024
    """The body limit of ``POST /v1/certificates/verify``: a certificate grows with the
    validator-set changes it proves (about 45 KiB with one)."""
    default_page_size: int = 20
    max_page_size: int = 100
    """A larger ``limit`` is refused with 400, not silently cut, so a client never mistakes a
    short page for the end."""
    rate_per_second: float = 20.0
    """Requests a caller (its token, or its address when anonymous) may make per second..."""
    burst: int = 40
    """...and in one burst."""
    token_lifetime_seconds: int = 900
    challenge_lifetime_seconds: int = 300
    max_open_challenges: int = 10_000
    wait_timeout_seconds: float = 30.0
    """Longest ``?wait=true`` on a transaction before answering it as pending."""
    tracked_callers: int = 100_000
    """Buckets kept (least recently used first out), so callers cannot grow memory."""

    def body_limit(self, path: str) -> int:
        """The body limit of the route at ``path``."""
        if path == CERTIFICATE_VERIFY_PATH:
            return self.max_certificate_bytes
        return self.max_body_bytes


class RateLimiter:
    """One token bucket per caller: ``burst`` tokens, refilled at ``rate`` per second."""

    def __init__(self, rate: float, burst: int, tracked: int = 100_000) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self._rate = rate
        self._burst = float(burst)
        self._tracked = tracked
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, caller: str, now: float) -> int | None:
        """Spend one token of ``caller``'s bucket: None if there was one, else the whole
        seconds to wait until there is (the ``Retry-After`` value, at least 1)."""
        tokens, last = self._buckets.pop(caller, (self._burst, now))
        tokens = min(self._burst, tokens + (now - last) * self._rate)
        if tokens >= 1:
            self._remember(caller, (tokens - 1, now))
            return None
        self._remember(caller, (tokens, now))
        return max(1, math.ceil((1 - tokens) / self._rate))

    def _remember(self, caller: str, bucket: tuple[float, float]) -> None:
        self._buckets[caller] = bucket
        if len(self._buckets) > self._tracked:
            self._buckets.popitem(last=False)
