"""The demand pool on the contract-test market: a supplier at exchange C beside the market's
supplier at A, demands posted by the buyer at B, sealed offers with their salts, and the award
terms that pass every check. Shared by the DemandBoard tests and the gas benchmark."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from client.demand_events import DemandStatus as DemandStatus
from client.demand_events import OfferStatus as OfferStatus
from client.demand_offers import offer_commitment, offer_terms_tuple
from client.market_rebuild import plain
from tests.contracts.market import (
    BUYER,
    EXCHANGE_B,
    EXCHANGE_C,
    PROCESSING_USE,
    SUPPLIER,
    ContractType,
    Market,
    h,
)

DAY = 86_400
BUDGET_MIN = 10_000
BUDGET_MAX = 50_000
LISTED_PRICE = 30_000
PROPOSAL_PRICE = 45_000


@dataclass
class DemandPool:
    """The market with the demand pool's extra participants."""

    market: Market
    supplier_c: str
    """A supplier registered at exchange C."""
    buyer_only: str
    """A participant with the buyer role only."""
    trader: str
    """A participant with both roles (it may offer on others' demands, not its own)."""

    @property
    def board(self) -> Any:
        return self.market.demand_board

    def demand_terms(self, **changes: Any) -> dict[str, Any]:
        """A demand for a general dataset with the processing-use right, due in 7 days."""
        terms: dict[str, Any] = {
            "title": "Yangtze delta port congestion forecasts",
            "category": h("logistics.port"),
            "productType": 0,
            "rights": PROCESSING_USE,
            "classificationCeiling": 0,
            "budgetMin": BUDGET_MIN,
            "budgetMax": BUDGET_MAX,
            "currency": b"CNY",
            "responseDeadline": self.market.chain.timestamp + 7 * DAY,
            "descriptionHash": h("demand description"),
            "descriptionUri": "https://demands.example/port-congestion",
            "homeExchange": EXCHANGE_B,
        }
        terms.update(changes)
        return terms

    def post(self, buyer: str | None = None, **changes: Any) -> int:
        self.market.chain.transact(
            self.board.functions.post(self.demand_terms(**changes)), buyer or self.market.buyer
        )
        return int(self.board.functions.demandCount().call())

    @staticmethod
    def listed_terms(product_id: int = 1, version: int = 1, **changes: Any) -> dict[str, Any]:
        terms = {
            "productId": product_id,
            "version": version,
            "proposalHash": bytes(32),
            "price": LISTED_PRICE,
            "deliveryDays": 10,
        }
        terms.update(changes)
        return terms

    @staticmethod
    def proposal_terms(**changes: Any) -> dict[str, Any]:
        terms = {
            "productId": 0,
            "version": 0,
            "proposalHash": h("fusion development proposal"),
            "price": PROPOSAL_PRICE,
            "deliveryDays": 30,
        }
        terms.update(changes)
        return terms

    @staticmethod
    def salt(supplier: str) -> bytes:
        return h(f"salt of {supplier}")

    def offer(self, demand_id: int, supplier: str, terms: dict[str, Any]) -> int:
        commitment = offer_commitment(demand_id, supplier, terms, self.salt(supplier))
        self.market.chain.transact(self.board.functions.offer(demand_id, commitment), supplier)
        return int(self.board.functions.offerCount().call())

    def reveal_call(self, offer_id: int, supplier: str, terms: dict[str, Any]) -> Any:
        return self.board.functions.reveal(offer_id, offer_terms_tuple(terms), self.salt(supplier))

    def reveal(self, offer_id: int, supplier: str, terms: dict[str, Any]) -> Any:
        return self.market.chain.transact(self.reveal_call(offer_id, supplier, terms), supplier)

    def past_deadline(self) -> None:
        self.market.chain.advance(7 * DAY + 1)

    def award_terms(self, proposal: bool = False, **changes: Any) -> dict[str, Any]:
        """Award terms for an offer of the listed product (or, with `proposal`, a product to
        be made: fusion development, no grant)."""
        grant = {
            "right": 0 if proposal else PROCESSING_USE,
            "onwardTransfer": False,
            "validFrom": 0 if proposal else 1_700_000_000,
            "validUntil": 0 if proposal else 1_900_000_000,
            "maxUses": 0,
            "purposeCode": bytes(32) if proposal else b"RISK-MODEL".ljust(32, b"\0"),
            "purposeHash": bytes(32) if proposal else h("purpose"),
            "destinations": [],
        }
        grant.update(changes.pop("grant", {}))
        terms = {
            "contractType": (
                ContractType.FUSION_DEVELOPMENT if proposal else ContractType.DATA_PROVISION
            ),
            "contractHash": h("signed demand contract"),
            "listingFeeBps": 0 if proposal else 250,
            "buyerExchangeFeeBps": 150,
            "grant": grant,
        }
        terms.update(changes)
        return terms

    def two_revealed_offers(self) -> tuple[int, int, int]:
        """A demand, the A supplier's listed-product offer and the C supplier's proposal, both
        revealed after the deadline."""
        demand_id = self.post()
        offer_a = self.offer(demand_id, self.market.seller, self.listed_terms())
        offer_c = self.offer(demand_id, self.supplier_c, self.proposal_terms())
        self.past_deadline()
        self.reveal(offer_a, self.market.seller, self.listed_terms())
        self.reveal(offer_c, self.supplier_c, self.proposal_terms())
        return demand_id, offer_a, offer_c

    def demand(self, demand_id: int) -> dict[str, Any]:
        return self._named("demand", demand_id)

    def offer_record(self, offer_id: int) -> dict[str, Any]:
        return self._named("offerRecord", offer_id)

    def _named(self, view: str, *args: Any) -> dict[str, Any]:
        entry = next(e for e in self.board.abi if e.get("name") == view)
        components = entry["outputs"][0]["components"]
        values = getattr(self.board.functions, view)(*args).call()
        record = dict(zip([c["name"] for c in components], values, strict=True))
        terms = next(c for c in components if c["name"] == "terms")
        record["terms"] = dict(
            zip([c["name"] for c in terms["components"]], record["terms"], strict=True)
        )
        return plain(record)

    def events(self, receipt: Any, name: str) -> list[Any]:
        return plain(self.market.chain.events(receipt, self.board, name))


def add_demand_pool(market: Market) -> DemandPool:
    """Register the pool's extra participants on `market` (once per module)."""
    chain = market.chain
    supplier_c, buyer_only, trader = chain.account(20), chain.account(21), chain.account(22)
    market.register(supplier_c, SUPPLIER, operator=market.operator_c)
    market.register(buyer_only, BUYER)
    market.register(trader, SUPPLIER | BUYER)
    return DemandPool(market, supplier_c, buyer_only, trader)


__all__ = ["EXCHANGE_C", "DemandPool", "DemandStatus", "OfferStatus", "add_demand_pool"]
