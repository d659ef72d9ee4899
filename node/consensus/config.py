"""Settings of the QBFT core, with Besu's defaults where Besu has one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QbftConfig:
    block_period_seconds: int = 1
    request_timeout_seconds: float = 1.0
    max_round_timeout_seconds: float = 60.0
    future_messages_max_distance: int = 10
    future_messages_limit: int = 1000
    future_messages_per_author: int = 100
    future_rounds_max_distance: int = 10
    seen_messages_limit: int = 10_000

    def __post_init__(self) -> None:
        if self.block_period_seconds < 0:
            raise ValueError("block period must not be negative")
        if self.request_timeout_seconds <= 0:
            raise ValueError("request timeout must be positive")
        if self.max_round_timeout_seconds < self.request_timeout_seconds:
            raise ValueError("the round timeout cap must be at least the request timeout")
        limits = (
            self.future_messages_max_distance,
            self.future_messages_per_author,
            self.future_rounds_max_distance,
        )
        if min(limits) < 0:
            raise ValueError("future message limits must not be negative")
        if self.future_messages_limit < 0 or self.seen_messages_limit < 1:
            raise ValueError("message limits must be positive")
