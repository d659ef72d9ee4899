"""Round timeouts and quorum sizes: the arithmetic of Besu's ``BftHelpers`` and
``BftRoundExpiryTimeCalculator``, with a cap on the timeout."""

from __future__ import annotations

from node.chain.header_rules import quorum

__all__ = ["quorum", "round_change_quorum", "round_timeout_seconds"]


def round_change_quorum(validator_count: int) -> int:
    """f + 1 with n = 3f + 1 + k: round changes from this many validators for higher rounds
    mean at least one honest validator has moved on, so this node moves too."""
    return (validator_count - 1) // 3 + 1


def round_timeout_seconds(round_number: int, request_timeout: float, cap: float) -> float:
    """``requesttimeoutseconds * 2^round``, capped: without a cap a network that lost quorum
    for a while waits hours between attempts once it is back."""
    if round_number >= 64:
        return cap
    return min(request_timeout * 2**round_number, cap)
