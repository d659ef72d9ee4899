"""A small data market for TradeSettlement tests and the gas benchmark: four exchanges (one
suspended), a regulator, participants and listed products, on the six real system contracts
predeployed as genesis predeploys them (``tests.contracts.deployment``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from eth_utils import keccak
from web3.contract import Contract

from client.contracts import Parameters
from client.market_rebuild import plain
from client.settlement_events import BillStatus as BillStatus
from client.settlement_events import DisputeStatus as DisputeStatus
from client.settlement_events import OrderStatus as OrderStatus
from client.settlement_events import Resolution as Resolution
from tests.contracts.deployment import System, deploy_system
from tests.contracts.harness import ContractChain, funded_addresses

DAY = 86_400
INSPECTION_PERIOD = 7 * DAY
DISPUTE_WINDOW = 14 * DAY
DELIVERY_DEADLINE = 3 * DAY
LISTING_FEE_CAP = 300
BUYER_EXCHANGE_FEE_CAP = 200
A_LISTING_FEE = 250
B_BUYER_EXCHANGE_FEE = 150

EXCHANGE_A = b"SZDE".ljust(32, b"\0")
EXCHANGE_B = b"SHDE".ljust(32, b"\0")
EXCHANGE_C = b"GZDE".ljust(32, b"\0")
EXCHANGE_SUSPENDED = b"XXDE".ljust(32, b"\0")

SUPPLIER, BUYER = 1 << 0, 1 << 1
HOLDING, PROCESSING_USE, OPERATION = 1 << 0, 1 << 1, 1 << 2

FIXED_PRODUCT = 1
PER_CALL_PRODUCT = 2
IMPORTANT_PRODUCT = 3
DOMESTIC_ONLY_PRODUCT = 4
PERSONAL_PRODUCT = 5
FIXED_PRICE = 12_345
PER_CALL_PRICE = 5


class ExchangeStatus(IntEnum):
    NONE = 0
    ACTIVE = 1
    SUSPENDED = 2
    REMOVED = 3


class ParticipantStatus(IntEnum):
    NONE = 0
    ACTIVE = 1
    SUSPENDED = 2
    REVOKED = 3


class ProductStatus(IntEnum):
    NONE = 0
    SUBMITTED = 1
    LISTED = 2
    REJECTED = 3
    SUSPENDED = 4
    REVOKED = 5
    DELISTED = 6


class Classification(IntEnum):
    GENERAL = 0
    IMPORTANT = 1
    CORE = 2


class PriceModel(IntEnum):
    FIXED = 0
    PER_CALL = 1
    SUBSCRIPTION = 2


class ContractType(IntEnum):
    DATA_PROVISION = 0
    ENTRUSTED_PROCESSING = 1
    FUSION_DEVELOPMENT = 2
    INTERMEDIARY_SERVICE = 3


class Outcome(IntEnum):
    NONE = 0
    REFUND = 1
    PARTIAL = 2
    RELEASE = 3


class ExportBasisKind(IntEnum):
    NONE = 0
    SECURITY_ASSESSMENT = 1
    STANDARD_CONTRACT_FILING = 2
    CERTIFICATION = 3


def h(label: str) -> bytes:
    """A distinct 32-byte hash for a test document."""
    return keccak(text=label)


EVALUATOR = 1 << 3


@dataclass
class Market:
    """Deployed contracts and the accounts that play each role."""

    system: System
    regulator: str
    operator_a: str
    operator_b: str
    operator_c: str
    operator_suspended: str
    seller: str
    buyer: str
    foreign_buyer: str
    stranger: str
    evaluator: str

    @property
    def chain(self) -> ContractChain:
        return self.system.chain

    @property
    def settlement(self) -> Contract:
        return self.system.contracts["TradeSettlement"]

    @property
    def exchanges(self) -> Contract:
        return self.system.contracts["ExchangeRegistry"]

    @property
    def participants(self) -> Contract:
        return self.system.contracts["ParticipantRegistry"]

    @property
    def products(self) -> Contract:
        return self.system.contracts["DataProductRegistry"]

    @property
    def authorizations(self) -> Contract:
        return self.system.contracts["AuthorizationRegistry"]

    @property
    def export_bases(self) -> Contract:
        return self.system.contracts["ExportBasisRegistry"]

    @property
    def demand_board(self) -> Contract:
        return self.system.contracts["DemandBoard"]

    def terms(self, **changes: Any) -> dict[str, Any]:
        """Listing terms of a fixed-price general dataset, with `changes` applied."""
        terms: dict[str, Any] = {
            "title": "Port container throughput, daily",
            "category": h("logistics.port"),
            "productType": 0,
            "classification": Classification.GENERAL,
            "personalInformation": False,
            "source": 1,
            "rights": HOLDING | PROCESSING_USE,
            "priceModel": PriceModel.FIXED,
            "unitPrice": FIXED_PRICE,
            "currency": b"CNY",
            "complianceReportHash": h("compliance report"),
            "metadataHash": h("metadata"),
            "metadataUri": "https://catalogue.example/products/port-throughput",
            "exportAllowed": True,
            "deliveryAccount": self.seller,
        }
        terms.update(changes)
        return terms

    def list_product(self, **changes: Any) -> int:
        """Submit a product as the seller at exchange A, attest it, approve it; its id."""
        terms = self.terms(**changes)
        self.chain.transact(self.products.functions.submit(EXCHANGE_A, terms), self.seller)
        product_id = int(self.products.functions.productCount().call())
        self.chain.transact(
            self.products.functions.attestCompliance(product_id, 1, terms["complianceReportHash"]),
            self.evaluator,
        )
        self.chain.transact(self.products.functions.approve(product_id, 1), self.operator_a)
        return product_id

    def reprice(self, product_id: int, unit_price: int) -> None:
        """The seller changes only the price (if it differs): the product stays Listed at the
        next version."""
        terms = self.product_terms(product_id)
        if terms["unitPrice"] == unit_price:
            return
        self.chain.transact(
            self.products.functions.update(product_id, {**terms, "unitPrice": unit_price}),
            self.seller,
        )

    def product_terms(self, product_id: int) -> dict[str, Any]:
        entry = next(e for e in self.products.abi if e.get("name") == "product")
        components = entry["outputs"][0]["components"]
        names = [c["name"] for c in components]
        record = dict(zip(names, self.products.functions.product(product_id).call(), strict=True))
        term_names = [c["name"] for c in components[names.index("terms")]["components"]]
        return dict(zip(term_names, record["terms"], strict=True))

    def version(self, product_id: int) -> int:
        return int(self.products.functions.productTerms(product_id).call()[2])

    def suspend_product(self, product_id: int) -> None:
        self.chain.transact(
            self.products.functions.suspend(product_id, h("suspension")), self.operator_a
        )

    def register(
        self, account: str, roles: int, jurisdiction: bytes = b"CN", operator: str | None = None
    ) -> None:
        """Register `account` at exchange B (or `operator`'s exchange)."""
        self.chain.transact(
            self.participants.functions.register(
                account, roles, jurisdiction, keccak(text=f"credit-{account}")
            ),
            operator or self.operator_b,
        )

    def request(self, product_id: int = FIXED_PRODUCT, **changes: Any) -> dict[str, Any]:
        """An order request for `product_id` that passes every check unless changed."""
        grant = {
            "right": PROCESSING_USE,
            "purposeCode": b"RISK-MODEL".ljust(32, b"\0"),
            "purposeHash": h("purpose"),
            "validFrom": 1_700_000_000,
            "validUntil": 1_900_000_000,
            "maxUses": 0,
            "destinations": [],
            "onwardTransfer": False,
        }
        grant.update(changes.pop("grant", {}))
        terms = self.products.functions.productTerms(product_id).call()
        request = {
            "productId": product_id,
            "version": self.version(product_id),
            "buyerExchange": EXCHANGE_B,
            "quantity": 3,
            "unitPrice": terms[8],
            "currency": b"CNY",
            "contractType": ContractType.DATA_PROVISION,
            "contractHash": h("signed contract"),
            "listingFeeBps": A_LISTING_FEE,
            "buyerExchangeFeeBps": B_BUYER_EXCHANGE_FEE,
            "grant": grant,
        }
        request.update(changes)
        return request

    def create(
        self, product_id: int = FIXED_PRODUCT, buyer: str | None = None, **changes: Any
    ) -> int:
        """Create an order and return its id."""
        request = self.request(product_id, **changes)
        self.chain.transact(self.settlement.functions.createOrder(request), buyer or self.buyer)
        return int(self.settlement.functions.orderCount().call())

    def accepted(self, product_id: int = FIXED_PRODUCT, **changes: Any) -> int:
        order_id = self.create(product_id, **changes)
        self.chain.transact(self.settlement.functions.accept(order_id), self.seller)
        return order_id

    def paid(self, **changes: Any) -> int:
        order_id = self.accepted(**changes)
        self.chain.transact(
            self.settlement.functions.pay(order_id, 0, h("payment")), self.operator_b
        )
        return order_id

    def delivered(self, **changes: Any) -> int:
        order_id = self.paid(**changes)
        self.chain.transact(self.settlement.functions.deliver(order_id, h("delivery")), self.seller)
        return order_id

    def settled(self, **changes: Any) -> int:
        order_id = self.delivered(**changes)
        self.chain.transact(self.settlement.functions.confirm(order_id, 0), self.buyer)
        return order_id

    def disputed(self, **changes: Any) -> int:
        order_id = self.delivered(**changes)
        self.chain.transact(
            self.settlement.functions.raiseDispute(order_id, 0, h("complaint")), self.buyer
        )
        return order_id

    def statement(self, order_id: int, units: int) -> int:
        """Record a usage statement as the delivering exchange; returns its bill number."""
        self.chain.transact(
            self.settlement.functions.recordStatement(
                order_id, units, 100, 200, h(f"usage {units}")
            ),
            self.operator_a,
        )
        return int(self.order(order_id)["statementCount"])

    def order(self, order_id: int) -> dict[str, Any]:
        """The stored order, by field name."""
        return self._named("order", order_id)

    def bill(self, order_id: int, bill_no: int = 0) -> dict[str, Any]:
        """The stored bill, by field name."""
        return self._named("bill", order_id, bill_no)

    def _named(self, view: str, *args: Any) -> dict[str, Any]:
        entry = next(e for e in self.settlement.abi if e.get("name") == view)
        names = [c["name"] for c in entry["outputs"][0]["components"]]
        values = getattr(self.settlement.functions, view)(*args).call()
        return dict(zip(names, values, strict=True))


def deploy_market() -> Market:
    """The six system contracts from a genesis for exchanges A, B, C and a suspended one, with
    fee schedules, participants and the five products the tests order."""
    accounts = funded_addresses()
    regulator, op_a, op_b, op_c = accounts[1:5]
    seller, buyer, foreign_buyer, stranger, op_suspended = accounts[5:10]
    evaluator, root = accounts[11], accounts[12]
    system = deploy_system(
        [("SZDE", op_a), ("SHDE", op_b), ("GZDE", op_c), ("XXDE", op_suspended)],
        regulator_root=root,
        regulators=[regulator],
        parameters=Parameters(
            LISTING_FEE_CAP,
            BUYER_EXCHANGE_FEE_CAP,
            INSPECTION_PERIOD,
            DISPUTE_WINDOW,
            DELIVERY_DEADLINE,
        ),
    )
    system.suspend_exchange(EXCHANGE_SUSPENDED)
    market = Market(
        system=system,
        regulator=regulator,
        operator_a=op_a,
        operator_b=op_b,
        operator_c=op_c,
        operator_suspended=op_suspended,
        seller=seller,
        buyer=buyer,
        foreign_buyer=foreign_buyer,
        stranger=stranger,
        evaluator=evaluator,
    )
    chain = market.chain
    chain.transact(market.settlement.functions.setFeeSchedule(A_LISTING_FEE, 100), op_a)
    chain.transact(market.settlement.functions.setFeeSchedule(200, B_BUYER_EXCHANGE_FEE), op_b)
    market.register(seller, SUPPLIER, operator=op_a)
    market.register(evaluator, EVALUATOR, operator=op_a)
    market.register(buyer, BUYER)
    market.register(foreign_buyer, BUYER, b"HK")
    assert market.list_product() == FIXED_PRODUCT
    assert (
        market.list_product(priceModel=PriceModel.PER_CALL, unitPrice=PER_CALL_PRICE)
        == PER_CALL_PRODUCT
    )
    assert market.list_product(classification=Classification.IMPORTANT) == IMPORTANT_PRODUCT
    assert market.list_product(exportAllowed=False) == DOMESTIC_ONLY_PRODUCT
    assert market.list_product(personalInformation=True) == PERSONAL_PRODUCT
    return market


def events(market: Market, receipt: Any, name: str, contract: Contract | None = None) -> list[Any]:
    """Every `name` event of `contract` (TradeSettlement by default) in `receipt`, plain."""
    return plain(market.chain.events(receipt, contract or market.settlement, name))
