"""A small data market for TradeSettlement tests: three exchanges, a regulator, participants and
listed products, with TradeSettlement behind its UpgradeProxy.

The ExchangeRegistry, ParticipantRegistry, DataProductRegistry and AuthorizationRegistry are
the Solidity stand-ins under ``tests/contracts/standins/`` until the real contracts land; they
implement the same interfaces, so switching means deploying the real ones here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from eth_utils import keccak
from web3.contract import Contract

from tests.contracts.harness import ContractChain

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


class OrderStatus(IntEnum):
    NONE = 0
    CREATED = 1
    ACCEPTED = 2
    CANCELLED = 3


class BillStatus(IntEnum):
    NONE = 0
    DUE = 1
    PAID = 2
    DELIVERED = 3
    SETTLED = 4
    REFUNDED = 5


class DisputeStatus(IntEnum):
    NONE = 0
    OPEN = 1
    RESOLVED = 2


class Outcome(IntEnum):
    NONE = 0
    REFUND = 1
    PARTIAL = 2
    RELEASE = 3


class Resolution(IntEnum):
    MEDIATION = 0
    ARBITRAL_AWARD = 1
    COURT_JUDGMENT = 2
    NON_DELIVERY = 3


class ExportBasisKind(IntEnum):
    NONE = 0
    SECURITY_ASSESSMENT = 1
    STANDARD_CONTRACT_FILING = 2
    CERTIFICATION = 3


def h(label: str) -> bytes:
    """A distinct 32-byte hash for a test document."""
    return keccak(text=label)


@dataclass
class Market:
    """Deployed contracts and the accounts that play each role."""

    chain: ContractChain
    settlement: Contract
    exchanges: Contract
    participants: Contract
    products: Contract
    authorizations: Contract
    proxy_admin: str
    regulator: str
    operator_a: str
    operator_b: str
    operator_c: str
    seller: str
    buyer: str
    foreign_buyer: str
    stranger: str

    def product(self, product_id: int, **changes: Any) -> None:
        """List (or change) a product in the stand-in product registry."""
        terms = {
            "supplier": self.seller,
            "listingExchange": EXCHANGE_A,
            "version": 1,
            "status": ProductStatus.LISTED,
            "classification": Classification.GENERAL,
            "personalInformation": False,
            "rights": HOLDING | PROCESSING_USE,
            "priceModel": PriceModel.FIXED,
            "unitPrice": FIXED_PRICE,
            "currency": b"CNY",
            "exportAllowed": True,
            "deliveryAccount": self.seller,
        }
        terms.update(changes)
        self.chain.transact(
            self.products.functions.setProduct(product_id, terms), self.chain.accounts[0]
        )

    def participant(
        self, account: str, roles: int, jurisdiction: bytes = b"CN", **changes: Any
    ) -> None:
        record = {
            "homeExchange": EXCHANGE_B,
            "roles": roles,
            "jurisdiction": jurisdiction,
            "creditCodeHash": keccak(text=f"credit-{account}"),
            "status": ParticipantStatus.ACTIVE,
        }
        record.update(changes)
        self.chain.transact(
            self.participants.functions.setParticipant(account, record), self.chain.accounts[0]
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
        priced = {PER_CALL_PRODUCT: PER_CALL_PRICE}
        request = {
            "productId": product_id,
            "version": 1,
            "buyerExchange": EXCHANGE_B,
            "quantity": 3,
            "unitPrice": priced.get(product_id, FIXED_PRICE),
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


def deploy_market(chain: ContractChain) -> Market:
    """Deploy the stand-ins and TradeSettlement behind its proxy, and populate the market."""
    deployer = chain.accounts[0]
    exchanges = chain.deploy("StandInExchangeRegistry")
    participants = chain.deploy("StandInParticipantRegistry")
    products = chain.deploy("StandInDataProductRegistry")
    authorizations = chain.deploy("StandInAuthorizationRegistry")
    implementation = chain.deploy("TradeSettlement")
    init = implementation.functions.initialize(
        exchanges.address, participants.address, products.address, authorizations.address
    )._encode_transaction_data()
    proxy_admin = chain.account(10)
    proxy = chain.deploy("UpgradeProxy", implementation.address, proxy_admin, init)
    settlement = chain.at("TradeSettlement", proxy.address)
    market = Market(
        chain=chain,
        settlement=settlement,
        exchanges=exchanges,
        participants=participants,
        products=products,
        authorizations=authorizations,
        proxy_admin=proxy_admin,
        regulator=chain.account(1),
        operator_a=chain.account(2),
        operator_b=chain.account(3),
        operator_c=chain.account(4),
        seller=chain.account(5),
        buyer=chain.account(6),
        foreign_buyer=chain.account(7),
        stranger=chain.account(8),
    )
    for code in (EXCHANGE_A, EXCHANGE_B, EXCHANGE_C):
        chain.transact(exchanges.functions.setExchange(code, ExchangeStatus.ACTIVE), deployer)
    chain.transact(
        exchanges.functions.setExchange(EXCHANGE_SUSPENDED, ExchangeStatus.SUSPENDED), deployer
    )
    for operator, code in (
        (market.operator_a, EXCHANGE_A),
        (market.operator_b, EXCHANGE_B),
        (market.operator_c, EXCHANGE_C),
    ):
        chain.transact(exchanges.functions.setOperator(operator, code), deployer)
    chain.transact(exchanges.functions.setRegulator(market.regulator, True), deployer)
    chain.transact(
        exchanges.functions.setParameters(
            (
                LISTING_FEE_CAP,
                BUYER_EXCHANGE_FEE_CAP,
                INSPECTION_PERIOD,
                DISPUTE_WINDOW,
                DELIVERY_DEADLINE,
            )
        ),
        deployer,
    )
    chain.transact(authorizations.functions.setSettlement(settlement.address), deployer)
    chain.transact(settlement.functions.setFeeSchedule(A_LISTING_FEE, 100), market.operator_a)
    chain.transact(
        settlement.functions.setFeeSchedule(200, B_BUYER_EXCHANGE_FEE), market.operator_b
    )
    market.participant(market.seller, SUPPLIER, homeExchange=EXCHANGE_A)
    market.participant(market.buyer, BUYER)
    market.participant(market.foreign_buyer, BUYER, b"HK")
    market.product(FIXED_PRODUCT)
    market.product(PER_CALL_PRODUCT, priceModel=PriceModel.PER_CALL, unitPrice=PER_CALL_PRICE)
    market.product(IMPORTANT_PRODUCT, classification=Classification.IMPORTANT)
    market.product(DOMESTIC_ONLY_PRODUCT, exportAllowed=False)
    market.product(PERSONAL_PRODUCT, personalInformation=True)
    return market


def plain(value: Any) -> Any:
    """Decoded event values as plain dicts and lists, for exact comparison."""
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def events(market: Market, receipt: Any, name: str, contract: Contract | None = None) -> list[Any]:
    """Every `name` event of `contract` (TradeSettlement by default) in `receipt`, plain."""
    return plain(market.chain.events(receipt, contract or market.settlement, name))
