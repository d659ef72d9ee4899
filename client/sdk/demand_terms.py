"""The demand pool's vocabulary: what a buyer posts, what a supplier
offers and later reveals, what the buyer adds when it awards, and the sealed offer a supplier
keeps between its offer and its reveal.

A sealed offer's salt is the one secret of the scheme: whoever holds it can test guessed
prices against the public commitment, and without it the offer can never be revealed. So the
SDK draws it from the operating system's generator and hands back a :class:`SealedOffer` to
keep (``to_json``) until the deadline has passed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from client.contracts import encode_exchange_code
from client.demand_offers import offer_commitment
from client.sdk.domain import (
    ZERO_HASH,
    Classification,
    ContractType,
    GrantRequest,
    ProductType,
    Right,
    bits,
    hash32,
    ordinal,
    short_code,
)


class DemandStatus(StrEnum):
    NONE = "none"
    OPEN = "open"
    AWARDED = "awarded"
    WITHDRAWN = "withdrawn"
    TAKEN_DOWN = "taken-down"


class OfferStatus(StrEnum):
    NONE = "none"
    SEALED = "sealed"
    REVEALED = "revealed"
    SHORTLISTED = "shortlisted"
    AWARDED = "awarded"
    CLOSED = "closed"


@dataclass(frozen=True)
class DemandTerms:
    """A demand as its buyer posts it (``DemandBoard.DemandTerms``), all of it public."""

    title: str
    category: bytes
    """32 bytes, e.g. ``keccak(text="logistics.cold")``."""
    product_type: ProductType
    rights: frozenset[Right]
    classification_ceiling: Classification
    """The highest classification accepted: general or important."""
    budget_min: int
    budget_max: int
    """In the currency's minor unit; no offer may be priced above it."""
    currency: str
    response_deadline: int
    """Unix seconds: offers are sealed until then (inclusive) and revealed after."""
    description_hash: bytes
    description_uri: str
    home_exchange: str
    """The exchange the demand is posted at: the buyer's exchange of the awarded order."""

    def as_abi(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "category": hash32(self.category),
            "productType": ordinal(self.product_type),
            "rights": bits(self.rights),
            "classificationCeiling": ordinal(self.classification_ceiling),
            "budgetMin": self.budget_min,
            "budgetMax": self.budget_max,
            "currency": short_code(self.currency, 3),
            "responseDeadline": self.response_deadline,
            "descriptionHash": hash32(self.description_hash),
            "descriptionUri": self.description_uri,
            "homeExchange": encode_exchange_code(self.home_exchange),
        }


@dataclass(frozen=True)
class OfferTerms:
    """What a sealed offer commits to (``DemandBoard.OfferTerms``): a listed product at a
    version, or the hash of a proposal for a product to be made; the total price and the
    delivery time."""

    price: int
    delivery_days: int
    product_id: int = 0
    version: int = 0
    proposal_hash: bytes = ZERO_HASH

    @classmethod
    def listed(cls, product_id: int, version: int, price: int, delivery_days: int) -> OfferTerms:
        return cls(price, delivery_days, product_id=product_id, version=version)

    @classmethod
    def proposal(cls, proposal_hash: bytes, price: int, delivery_days: int) -> OfferTerms:
        return cls(price, delivery_days, proposal_hash=hash32(proposal_hash))

    def as_abi(self) -> dict[str, Any]:
        return {
            "productId": self.product_id,
            "version": self.version,
            "proposalHash": hash32(self.proposal_hash),
            "price": self.price,
            "deliveryDays": self.delivery_days,
        }


def _empty_grant() -> dict[str, Any]:
    """No grant: an order for a product still to be made grants nothing yet."""
    return {
        "right": 0,
        "onwardTransfer": False,
        "validFrom": 0,
        "validUntil": 0,
        "maxUses": 0,
        "purposeCode": ZERO_HASH,
        "purposeHash": ZERO_HASH,
        "destinations": [],
    }


@dataclass(frozen=True)
class AwardTerms:
    """The order terms a buyer adds when it awards (``DemandBoard.AwardTerms``): the fee
    rates in force (checked by TradeSettlement as for any order) and, for a listed product,
    the grant it asks for."""

    contract_type: ContractType
    contract_hash: bytes
    listing_fee_bps: int
    buyer_exchange_fee_bps: int
    grant: GrantRequest | None
    """None for a product to be made (fusion development or entrusted processing)."""

    def as_abi(self) -> dict[str, Any]:
        return {
            "contractType": ordinal(self.contract_type),
            "contractHash": hash32(self.contract_hash),
            "listingFeeBps": self.listing_fee_bps,
            "buyerExchangeFeeBps": self.buyer_exchange_fee_bps,
            "grant": _empty_grant() if self.grant is None else self.grant.as_abi(),
        }


@dataclass(frozen=True)
class SealedOffer:
    """Everything needed to reveal an offer: keep it secret until the deadline has passed."""

    demand_id: int
    supplier: str
    terms: OfferTerms
    salt: bytes
    offer_id: int | None = None
    """Known once the offer is on chain."""

    @classmethod
    def seal(cls, demand_id: int, supplier: str, terms: OfferTerms) -> SealedOffer:
        """``terms`` sealed with a fresh 32-byte salt from the operating system."""
        return cls(demand_id, supplier, terms, secrets.token_bytes(32))

    @property
    def commitment(self) -> bytes:
        """What the offer puts on chain (``DemandBoard.commitmentOf``)."""
        return offer_commitment(self.demand_id, self.supplier, self.terms.as_abi(), self.salt)

    def on_chain_as(self, offer_id: int) -> SealedOffer:
        return replace(self, offer_id=offer_id)

    def to_json(self) -> dict[str, Any]:
        terms = self.terms
        return {
            "demandId": self.demand_id,
            "offerId": self.offer_id,
            "supplier": self.supplier,
            "salt": "0x" + self.salt.hex(),
            "commitment": "0x" + self.commitment.hex(),
            "terms": {
                "productId": terms.product_id,
                "version": terms.version,
                "proposalHash": "0x" + terms.proposal_hash.hex(),
                "price": str(terms.price),
                "deliveryDays": terms.delivery_days,
            },
        }

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> SealedOffer:
        """The offer ``to_json`` kept; a ``ValueError`` if it is not one, or if its salt and
        terms no longer give the commitment it recorded."""
        try:
            terms = document["terms"]
            sealed = cls(
                demand_id=int(document["demandId"]),
                supplier=str(document["supplier"]),
                salt=hash32(bytes.fromhex(document["salt"].removeprefix("0x"))),
                offer_id=None if document["offerId"] is None else int(document["offerId"]),
                terms=OfferTerms(
                    price=int(terms["price"]),
                    delivery_days=int(terms["deliveryDays"]),
                    product_id=int(terms["productId"]),
                    version=int(terms["version"]),
                    proposal_hash=hash32(bytes.fromhex(terms["proposalHash"].removeprefix("0x"))),
                ),
            )
            recorded = document["commitment"]
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"not a sealed offer: {error!r}") from None
        if "0x" + sealed.commitment.hex() != recorded:
            raise ValueError("the sealed offer's salt and terms do not give its commitment")
        return sealed
