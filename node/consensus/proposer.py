"""Which validator proposes in a round: Besu's ``BftProposerSelector``.

Round-robin over the sorted validator set, counted from the previous block's proposer (its
coinbase). QBFT moves to the next validator on every block (``changeEachBlock``), and each
further round of the same height moves one more. When the previous proposer has left the set,
counting starts at the first validator after it in sorted order, without the per-block step.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from node.consensus.round_id import RoundId


def select_proposer(
    round_id: RoundId,
    previous_proposer: bytes,
    validators: Sequence[bytes],
    change_each_block: bool = True,
) -> bytes:
    ordered = sorted(validators)
    if not ordered:
        raise ValueError("no validators")
    if previous_proposer in ordered:
        base = ordered.index(previous_proposer)
        offset = round_id.round + (1 if change_each_block else 0)
    else:
        base = bisect_right(ordered, previous_proposer) % len(ordered)
        offset = round_id.round
    return ordered[(base + offset) % len(ordered)]
