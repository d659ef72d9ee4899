"""The hash of a TradeSettlement mediation proposal, as the contract computes it.

A party names this hash in ``acceptMediation``; since it covers the order, the bill, the
outcome, the refund, the mediation document and the proposal's round, an acceptance binds
exactly those terms. Pure code: a client computes it from a ``MediationProposed`` event (or
its own reading of the document) to see what it is accepting.
"""

from __future__ import annotations

from eth_abi import encode
from eth_utils import keccak


def proposal_hash(
    order_id: int, bill_no: int, outcome: int, refund: int, document_hash: bytes, round_: int
) -> bytes:
    """keccak256(abi.encode(orderId, billNo, outcome, refund, documentHash, round))."""
    return keccak(
        encode(
            ["uint256", "uint32", "uint8", "uint128", "bytes32", "uint32"],
            [order_id, bill_no, outcome, refund, document_hash, round_],
        )
    )
