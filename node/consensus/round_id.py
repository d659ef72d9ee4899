"""The identifier every QBFT message and timer carries: (height, round)."""

from __future__ import annotations

from dataclasses import dataclass

MAX_HEIGHT = 2**63 - 1
MAX_ROUND = 2**31 - 1


@dataclass(frozen=True, order=True)
class RoundId:
    """Besu's ``ConsensusRoundIdentifier``: the block height (sequence) and the round.

    The limits are those of Besu's Java ``long`` and ``int``, so every identifier this node
    accepts is one Besu can represent.
    """

    height: int
    round: int

    def __post_init__(self) -> None:
        if not 0 <= self.height <= MAX_HEIGHT:
            raise ValueError(f"height out of range: {self.height}")
        if not 0 <= self.round <= MAX_ROUND:
            raise ValueError(f"round out of range: {self.round}")

    def __str__(self) -> str:
        return f"{self.height}/{self.round}"
