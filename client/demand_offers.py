"""The sealed offer's commitment, computed off chain exactly as ``DemandBoard.commitmentOf``.

A supplier keeps its terms and salt until the deadline and sends only this hash; the reveal
must reproduce it. The demand and the supplier are part of it, so a commitment copied from
another supplier or another demand never matches.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eth_abi import encode
from eth_utils import keccak

OFFER_TERMS_TYPE = "(uint256,uint32,bytes32,uint128,uint32)"
"""``DemandBoard.OfferTerms``: productId, version, proposalHash, price, deliveryDays."""


def offer_terms_tuple(terms: Mapping[str, Any]) -> tuple[int, int, bytes, int, int]:
    return (
        terms["productId"],
        terms["version"],
        terms["proposalHash"],
        terms["price"],
        terms["deliveryDays"],
    )


def offer_commitment(demand_id: int, supplier: str, terms: Mapping[str, Any], salt: bytes) -> bytes:
    """keccak256(abi.encode(demandId, supplier, terms, salt))."""
    return keccak(
        encode(
            ["uint256", "address", OFFER_TERMS_TYPE, "bytes32"],
            [demand_id, supplier, offer_terms_tuple(terms), salt],
        )
    )
