"""The market figures of the audit report, folded from the decoded events in chain order.

Pure: no I/O, no clock. Every figure is an integer count or an integer amount in the
currency's minor unit (fen for CNY), so the JSON is exact; shares are given as their two
counts, for the reader to divide.

Definitions, where the contracts leave a choice:
- a *listing* is a product's first approval (``ProductApproved`` of a product not approved
  before), counted for its listing exchange on the UTC day of its block;
- a *trade* is a settled bill (``TradeSettled``), counted for each exchange it involves (the
  seller's listing exchange and the buyer's exchange, once when they are the same), and its
  ``amount``, refund and fee legs make the volume of its currency;
- a trade is *cross-exchange* when its buyer's exchange is not the listing exchange;
- the *classification mix* counts listed products by the classification of the version that
  was approved last;
- an order is *cross-border* as the export rule of ``TradeSettlement`` says: its buyer's
  jurisdiction is not "CN" (mainland), or its grant names destinations abroad.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from client.contracts import decode_exchange_code
from node.audit.ledger_event import LedgerEvent

CLASSIFICATIONS = ("General", "Important", "Core")
RESOLUTIONS = ("Mediation", "ArbitralAward", "CourtJudgment", "NonDelivery")
OUTCOMES = ("None", "Refund", "Partial", "Release")
REVOCATION_REASONS = ("Grantor", "Regulator", "Refund")
EXPORT_BASIS_KINDS = ("None", "SecurityAssessment", "StandardContractFiling", "Certification")
MAINLAND = "CN"


def _name(names: tuple[str, ...], value: int) -> str:
    return names[value] if 0 <= value < len(names) else f"Unknown({value})"


def _text(code: bytes) -> str:
    """A short ASCII code (currency ``bytes3``, jurisdiction ``bytes2``) as text."""
    return code.rstrip(b"\0").decode("ascii", errors="replace")


def day_of(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).date().isoformat()


@dataclass
class _Volume:
    trades: int = 0
    amount: int = 0
    refunded: int = 0
    listing_fees: int = 0
    buyer_exchange_fees: int = 0
    supplier: int = 0


@dataclass
class MarketFigures:
    """Feed it every event from the first block on (``add``), then read ``figures()``."""

    listings: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(day, exchange) → first approvals"""
    trades: Counter[tuple[str, str]] = field(default_factory=Counter)
    volumes: dict[str, _Volume] = field(default_factory=dict)
    cross_exchange: int = 0
    same_exchange: int = 0
    grants: dict[int, list[int]] = field(default_factory=dict)
    """grant id → [max uses (0 = unlimited), uses recorded]"""
    revocations: Counter[str] = field(default_factory=Counter)
    disputes_raised: set[tuple[int, int]] = field(default_factory=set)
    disputes_resolved: set[tuple[int, int]] = field(default_factory=set)
    resolutions: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    terms: dict[tuple[int, int], int] = field(default_factory=dict)
    """(product id, version) → classification"""
    listed: dict[int, int] = field(default_factory=dict)
    """product id → classification of its last approved version"""
    jurisdictions: dict[str, str] = field(default_factory=dict)
    cross_border: Counter[str] = field(default_factory=Counter)
    needing_basis: int = 0
    bases: Counter[str] = field(default_factory=Counter)
    bases_revoked: int = 0

    def add(self, event: LedgerEvent) -> None:
        handler = _HANDLERS.get((event.contract, event.name))
        if handler is not None:
            handler(self, event, event.args)

    def _participant_registered(self, event: LedgerEvent, a: Mapping[str, Any]) -> None:
        self.jurisdictions[a["account"]] = _text(a["jurisdiction"])

    def _product_submitted(self, event: LedgerEvent, a: Mapping[str, Any]) -> None:
        self.terms[(a["productId"], a["version"])] = a["terms"]["classification"]

    _product_updated = _product_submitted

    def _product_approved(self, event: LedgerEvent, a: Mapping[str, Any]) -> None:
        product = a["productId"]
        if product not in self.listed:
            exchange = decode_exchange_code(a["listingExchange"])
            self.listings[(day_of(event.block_timestamp), exchange)] += 1
        self.listed[product] = self.terms.get((product, a["version"]), 0)

    def _trade_settled(self, event: LedgerEvent, a: Mapping[str, Any]) -> None:
        certificate = a["certificate"]
        seller = decode_exchange_code(certificate["sellerExchange"])
        buyer = decode_exchange_code(certificate["buyerExchange"])
        day = day_of(event.block_timestamp)
        for exchange in {seller, buyer}:
            self.trades[(day, exchange)] += 1
        if seller == buyer:
            self.same_exchange += 1
        else:
            self.cross_exchange += 1
        volume = self.volumes.setdefault(_text(certificate["currency"]), _Volume())
        legs = certificate["legs"]
        volume.trades += 1
        volume.amount += certificate["amount"]
        volume.refunded += legs["buyerRefund"]
        volume.listing_fees += legs["listingFee"]
        volume.buyer_exchange_fees += legs["buyerExchangeFee"]
        volume.supplier += legs["supplier"]

    def _grant_issued(self, event: LedgerEvent, a: Mapping[str, Any]) -> None:
        self.grants[a["grantId"]] = [a["terms"]["maxUses"], 0]

    def _use_recorded(self, event: LedgerEvent, a: Mapping[str, Any]) -> None:
        self.grants.setdefault(a["grantId"], [0, 0])[1] += a["count"]

    def _grant_revoked(self, event: LedgerEvent, a: Mapping[str, Any]) -> None:
        self.revocations[_name(REVOCATION_REASONS, a["reason"])] += 1

    def _dispute_raised(self, event: LedgerEvent, a: Mapping[str, Any]) -> None:
        self.disputes_raised.add((a["orderId"], a["billNo"]))

    def _dispute_resolved(self, event: LedgerEvent, a: Mapping[str, Any]) -> None:
        self.disputes_resolved.add((a["orderId"], a["billNo"]))
        self.resolutions[_name(RESOLUTIONS, a["resolution"])] += 1
        self.outcomes[_name(OUTCOMES, a["outcome"])] += 1

    def _order_created(self, event: LedgerEvent, a: Mapping[str, Any]) -> None:
        order = a["order"]
        jurisdiction = self.jurisdictions.get(order["buyer"], MAINLAND)
        if jurisdiction != MAINLAND or order["grant"]["destinations"]:
            self.cross_border[jurisdiction] += 1
            self.needing_basis += bool(order["needsExportBasis"])

    def _export_basis_registered(self, event: LedgerEvent, a: Mapping[str, Any]) -> None:
        self.bases[_name(EXPORT_BASIS_KINDS, a["kind"])] += 1

    def _export_basis_revoked(self, event: LedgerEvent, a: Mapping[str, Any]) -> None:
        self.bases_revoked += 1

    def figures(self) -> dict[str, Any]:
        return {
            "activity_by_exchange": self._activity(),
            "volume_by_currency": {
                currency: dict(vars(volume)) for currency, volume in sorted(self.volumes.items())
            },
            "cross_exchange_trades": {
                "trades": self.cross_exchange + self.same_exchange,
                "cross_exchange": self.cross_exchange,
                "same_exchange": self.same_exchange,
            },
            "authorizations": self._authorizations(),
            "disputes": {
                "raised": len(self.disputes_raised),
                "open": len(self.disputes_raised - self.disputes_resolved),
                "by_resolution": dict(sorted(self.resolutions.items())),
                "by_outcome": dict(sorted(self.outcomes.items())),
            },
            "classification_mix": {
                _name(CLASSIFICATIONS, value): count
                for value, count in sorted(Counter(self.listed.values()).items())
            },
            "cross_border_trades": {
                "orders": sum(self.cross_border.values()),
                "needing_export_basis": self.needing_basis,
                "by_buyer_jurisdiction": dict(sorted(self.cross_border.items())),
                "export_bases_registered": dict(sorted(self.bases.items())),
                "export_bases_revoked": self.bases_revoked,
            },
        }

    def _activity(self) -> dict[str, Any]:
        keys = set(self.listings) | set(self.trades)
        days = sorted({day for day, _ in keys})
        exchanges = sorted({exchange for _, exchange in keys})
        return {
            "days": days,
            "exchanges": {
                exchange: {
                    "listings": [self.listings[(day, exchange)] for day in days],
                    "trades": [self.trades[(day, exchange)] for day in days],
                }
                for exchange in exchanges
            },
        }

    def _authorizations(self) -> dict[str, Any]:
        limited = [(cap, used) for cap, used in self.grants.values() if cap]
        return {
            "grants": len(self.grants),
            "unlimited_grants": len(self.grants) - len(limited),
            "uses_granted": sum(cap for cap, _ in limited),
            "uses_recorded_on_limited": sum(used for _, used in limited),
            "uses_recorded": sum(used for _, used in self.grants.values()),
            "revoked_by_reason": dict(sorted(self.revocations.items())),
            "by_grant": [
                {"grant_id": grant, "max_uses": cap, "uses": used}
                for grant, (cap, used) in sorted(self.grants.items())
            ],
        }


_Handler = Callable[[MarketFigures, LedgerEvent, Mapping[str, Any]], None]
_HANDLERS: dict[tuple[str, str], _Handler] = {
    ("ParticipantRegistry", "ParticipantRegistered"): MarketFigures._participant_registered,
    ("DataProductRegistry", "ProductSubmitted"): MarketFigures._product_submitted,
    ("DataProductRegistry", "ProductUpdated"): MarketFigures._product_updated,
    ("DataProductRegistry", "ProductApproved"): MarketFigures._product_approved,
    ("TradeSettlement", "TradeSettled"): MarketFigures._trade_settled,
    ("AuthorizationRegistry", "GrantIssued"): MarketFigures._grant_issued,
    ("AuthorizationRegistry", "UseRecorded"): MarketFigures._use_recorded,
    ("AuthorizationRegistry", "GrantRevoked"): MarketFigures._grant_revoked,
    ("TradeSettlement", "DisputeRaised"): MarketFigures._dispute_raised,
    ("TradeSettlement", "DisputeResolved"): MarketFigures._dispute_resolved,
    ("TradeSettlement", "OrderCreated"): MarketFigures._order_created,
    ("ExportBasisRegistry", "ExportBasisRegistered"): MarketFigures._export_basis_registered,
    ("ExportBasisRegistry", "ExportBasisRevoked"): MarketFigures._export_basis_revoked,
}
"""The events the figures read, by (contract, event name)."""


def market_figures(events: Iterable[LedgerEvent]) -> dict[str, Any]:
    """The report's figures of ``events`` (every event from the first block, in order)."""
    fold = MarketFigures()
    for event in events:
        fold.add(event)
    return fold.figures()
