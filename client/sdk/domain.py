"""The market's vocabulary as Python types: the contracts' enums and bit sets (named as the
gateway names them), and the terms a participant writes (a listing, an order, a grant), each
converting itself to the contract's ABI values.

Money is an integer in the currency's minor unit (fen for CNY), never a float.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from client.contracts import encode_exchange_code

E = TypeVar("E", bound=StrEnum)
ZERO_HASH = bytes(32)


def ordinal(member: StrEnum) -> int:
    """The member's position, which is its value in the contract's enum."""
    return list(type(member)).index(member)


def from_ordinal(kind: type[E], value: int) -> E:
    return list(kind)[value]


def bits(members: Iterable[StrEnum]) -> int:
    """A contract bit set: member ``i`` is bit ``1 << i``."""
    return sum(1 << ordinal(member) for member in set(members))


def from_bits(kind: type[E], value: int) -> tuple[E, ...]:
    return tuple(member for index, member in enumerate(kind) if value >> index & 1)


class Role(StrEnum):
    """A participant's roles (``Roles`` of ``contracts/interfaces/DomainTypes.sol``)."""

    SUPPLIER = "supplier"
    BUYER = "buyer"
    PROCESSOR = "processor"
    EVALUATOR = "evaluator"
    INTERMEDIARY = "intermediary"
    CONSULTANT = "consultant"


class Right(StrEnum):
    """Data rights under the 数据二十条 separation: holding, processing and use, operation."""

    HOLDING = "holding"
    PROCESSING_USE = "processing-use"
    OPERATION = "operation"


class ProductType(StrEnum):
    DATASET = "dataset"
    API = "api"
    REPORT = "report"
    MODEL = "model"
    COMPUTE_SERVICE = "compute-service"


class Classification(StrEnum):
    """GB/T 43697; core data can never be listed."""

    GENERAL = "general"
    IMPORTANT = "important"
    CORE = "core"


class DataSource(StrEnum):
    PUBLIC_AUTHORIZED = "public-authorized"
    ENTERPRISE = "enterprise"
    PERSONAL = "personal"


class PriceModel(StrEnum):
    FIXED = "fixed"
    PER_CALL = "per-call"
    SUBSCRIPTION = "subscription"


class ProductStatus(StrEnum):
    NONE = "none"
    SUBMITTED = "submitted"
    LISTED = "listed"
    REJECTED = "rejected"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    DELISTED = "delisted"


class ContractType(StrEnum):
    """The four national model contracts for data trading."""

    DATA_PROVISION = "data-provision"
    ENTRUSTED_PROCESSING = "entrusted-processing"
    FUSION_DEVELOPMENT = "fusion-development"
    INTERMEDIARY_SERVICE = "intermediary-service"


class Outcome(StrEnum):
    """A dispute's outcome: the whole amount back, part of it, or the seller paid."""

    REFUND = "refund"
    PARTIAL = "partial"
    RELEASE = "release"

    @property
    def abi(self) -> int:
        return ordinal(self) + 1  # the contract's 0 is None


class Resolution(StrEnum):
    """Who resolved a dispute recorded by a regulator (``recordAward``)."""

    MEDIATION = "mediation"
    ARBITRAL_AWARD = "arbitral-award"
    COURT_JUDGMENT = "court-judgment"
    NON_DELIVERY = "non-delivery"


def short_code(text: str, length: int) -> bytes:
    """An ASCII code left-aligned in ``length`` bytes (``bytes3`` currency, ``bytes32`` purpose)."""
    encoded = text.encode("ascii")
    if not encoded or len(encoded) > length:
        raise ValueError(f"{text!r} must be 1 to {length} ASCII characters")
    return encoded.ljust(length, b"\x00")


def hash32(value: bytes) -> bytes:
    if len(value) != 32:
        raise ValueError(f"expected a 32-byte hash, got {len(value)} bytes")
    return bytes(value)


@dataclass(frozen=True)
class ListingTerms:
    """A product's listing terms (``IDataProductRegistry.ListingTerms``)."""

    title: str
    category: bytes
    """32 bytes, e.g. ``keccak(text="logistics.port")``."""
    product_type: ProductType
    classification: Classification
    personal_information: bool
    source: DataSource
    rights: frozenset[Right]
    price_model: PriceModel
    unit_price: int
    currency: str
    delivery_account: str
    metadata_uri: str
    """Where the catalogue describes the product (1 to 256 bytes)."""
    metadata_hash: bytes
    """The hash of that description."""
    compliance_report_hash: bytes = ZERO_HASH
    """Required for important data and personal information, attested by an evaluator."""
    export_allowed: bool = False

    def as_abi(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "category": hash32(self.category),
            "productType": ordinal(self.product_type),
            "classification": ordinal(self.classification),
            "personalInformation": self.personal_information,
            "source": ordinal(self.source),
            "rights": bits(self.rights),
            "priceModel": ordinal(self.price_model),
            "unitPrice": self.unit_price,
            "currency": short_code(self.currency, 3),
            "complianceReportHash": hash32(self.compliance_report_hash),
            "metadataHash": hash32(self.metadata_hash),
            "metadataUri": self.metadata_uri,
            "exportAllowed": self.export_allowed,
            "deliveryAccount": self.delivery_account,
        }


def _destinations(codes: tuple[str, ...]) -> list[bytes]:
    return [short_code(code, 2) for code in codes]


@dataclass(frozen=True)
class GrantRequest:
    """The usage terms a buyer asks for in an order; its grant carries them."""

    right: Right
    purpose_code: str
    """Up to 32 ASCII characters, e.g. ``CREDIT-RISK``."""
    valid_from: int
    valid_until: int
    """Unix seconds, both inclusive."""
    max_uses: int = 0
    """0 for unlimited."""
    purpose_hash: bytes = ZERO_HASH
    destinations: tuple[str, ...] = ()
    """ISO 3166 codes outside the mainland the data may go to (an export)."""
    onward_transfer: bool = False

    def as_abi(self) -> dict[str, Any]:
        return {
            "right": 1 << ordinal(self.right),
            "onwardTransfer": self.onward_transfer,
            "validFrom": self.valid_from,
            "validUntil": self.valid_until,
            "maxUses": self.max_uses,
            "purposeCode": short_code(self.purpose_code, 32),
            "purposeHash": hash32(self.purpose_hash),
            "destinations": _destinations(self.destinations),
        }


@dataclass(frozen=True)
class GrantTerms:
    """A supplier's direct grant of its listed product (``IAuthorizationRegistry.GrantTerms``)."""

    product_id: int
    grantee: str
    usage: GrantRequest

    def as_abi(self) -> dict[str, Any]:
        usage = self.usage.as_abi()
        return {"productId": self.product_id, "grantee": self.grantee, **usage}


@dataclass(frozen=True)
class OrderRequest:
    """What a buyer orders (``TradeSettlement.OrderRequest``): the product at the version,
    price and fee rates it read, which the contract checks are still those in force."""

    product_id: int
    version: int
    buyer_exchange: str
    quantity: int
    unit_price: int
    currency: str
    contract_type: ContractType
    contract_hash: bytes
    listing_fee_bps: int
    buyer_exchange_fee_bps: int
    grant: GrantRequest

    @property
    def amount(self) -> int:
        return self.quantity * self.unit_price

    def as_abi(self) -> dict[str, Any]:
        return {
            "productId": self.product_id,
            "version": self.version,
            "buyerExchange": encode_exchange_code(self.buyer_exchange),
            "quantity": self.quantity,
            "unitPrice": self.unit_price,
            "currency": short_code(self.currency, 3),
            "contractType": ordinal(self.contract_type),
            "contractHash": hash32(self.contract_hash),
            "listingFeeBps": self.listing_fee_bps,
            "buyerExchangeFeeBps": self.buyer_exchange_fee_bps,
            "grant": self.grant.as_abi(),
        }
