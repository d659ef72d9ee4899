"""A small data market for the registry tests: exchanges, regulators and the three registries.

The registries run behind real UpgradeProxy instances, initialised through the proxy as in
genesis. The ExchangeRegistry and TradeSettlement are test stand-ins
(``tests/contracts/standins``) until the real contracts land on this branch.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from eth_utils import keccak, to_checksum_address
from web3.contract import Contract

from tests.contracts.harness import ContractChain, artifact

A = b"EXA".ljust(32, b"\0")
B = b"EXB".ljust(32, b"\0")
C = b"EXC".ljust(32, b"\0")
SUSPENDED_EXCHANGE = b"EXS".ljust(32, b"\0")
UNKNOWN_EXCHANGE = b"EXZ".ljust(32, b"\0")

ACTIVE, SUSPENDED = 1, 2

SUPPLIER, BUYER, PROCESSOR, EVALUATOR, INTERMEDIARY, CONSULTANT = (1 << i for i in range(6))
HOLDING, PROCESSING_USE, OPERATION = 1, 2, 4

DATASET, API, REPORT, MODEL, COMPUTE = range(5)
GENERAL, IMPORTANT, CORE = range(3)
PUBLIC_AUTHORIZED, ENTERPRISE, PERSONAL = range(3)
FIXED, PER_CALL, SUBSCRIPTION = range(3)


DELIVERY_ACCOUNT = to_checksum_address("0x" + "de" * 20)
"""The listing's delivery account; tests that must send from it replace it with a funded one."""


def credit_code_hash(code: str) -> bytes:
    """A stand-in for the consortium's keyed hash of a unified social credit code."""
    return keccak(text=f"consortium-key|{code}")


def h(label: str) -> bytes:
    """A distinct, readable 32-byte value (a hash or a code)."""
    return label.encode().ljust(32, b"\0")


POOL_SIZE = 24


@dataclass
class Market:
    chain: ContractChain
    admin: str
    regulator: str
    operator_a: str
    operator_b: str
    operator_c: str
    operator_suspended: str
    outsider: str
    exchanges: Contract
    participants: Contract
    products: Contract
    authorizations: Contract
    settlement: Contract
    implementations: dict[str, Contract]
    pool: list[str]
    """Funded accounts no fixture uses, handed out by `new_account`."""
    used: int = 0

    def new_account(self) -> str:
        """The next unused account of the pool (the pool restarts with each test's snapshot)."""
        self.used += 1
        return self.pool[self.used - 1]


def deploy_proxied(
    chain: ContractChain, admin: str, name: str, *init_args: Any
) -> tuple[Contract, Contract]:
    """Deploy `name` behind an UpgradeProxy whose construction runs ``initialize(init_args)``;
    returns the implementation and the contract's ABI at the proxy.
    """
    implementation = chain.deploy(name)
    init_call = implementation.encode_abi("initialize", args=list(init_args))
    proxy = chain.deploy("UpgradeProxy", implementation.address, admin, init_call)
    return implementation, chain.at(name, proxy.address)


def proxy_constructor(chain: ContractChain, name: str, admin: str, *init_args: Any) -> Any:
    """The (unsent) construction of a proxy for a fresh `name` initialised with `init_args`."""
    implementation = chain.deploy(name)
    init_call = implementation.encode_abi("initialize", args=list(init_args))
    compiled = artifact("UpgradeProxy")
    factory = chain.w3.eth.contract(abi=compiled.abi, bytecode=compiled.bytecode)
    return factory.constructor(implementation.address, admin, init_call)


def deploy_market() -> Market:
    chain = ContractChain()
    # Account 0 is web3's default sender of calls, so it must not be the proxies' admin (whose
    # calls never reach the implementation).
    outsider, regulator, op_a, op_b, op_c, op_s, admin = (chain.account(i) for i in range(7))
    pool = [chain.account(i) for i in range(7, 7 + POOL_SIZE)]
    exchanges = chain.deploy("StandInExchangeRegistry")
    for code, status, operator in (
        (A, ACTIVE, op_a),
        (B, ACTIVE, op_b),
        (C, ACTIVE, op_c),
        (SUSPENDED_EXCHANGE, SUSPENDED, op_s),
    ):
        chain.transact(exchanges.functions.setExchangeStatus(code, status), admin)
        chain.transact(exchanges.functions.setOperator(operator, code), admin)
    chain.transact(exchanges.functions.setRegulator(regulator, True), admin)

    settlement = chain.deploy("StandInTradeSettlement")
    implementations = {}
    implementations["ParticipantRegistry"], participants = deploy_proxied(
        chain, admin, "ParticipantRegistry", exchanges.address
    )
    implementations["DataProductRegistry"], products = deploy_proxied(
        chain, admin, "DataProductRegistry", exchanges.address, participants.address
    )
    implementations["AuthorizationRegistry"], authorizations = deploy_proxied(
        chain,
        admin,
        "AuthorizationRegistry",
        exchanges.address,
        participants.address,
        products.address,
        settlement.address,
    )
    chain.transact(settlement.functions.setAuthorizations(authorizations.address), admin)
    return Market(
        chain=chain,
        admin=admin,
        regulator=regulator,
        operator_a=op_a,
        operator_b=op_b,
        operator_c=op_c,
        operator_suspended=op_s,
        outsider=outsider,
        exchanges=exchanges,
        participants=participants,
        products=products,
        authorizations=authorizations,
        settlement=settlement,
        implementations=implementations,
        pool=pool,
    )


@contextmanager
def isolation(market: Market) -> Iterator[Market]:
    """Run one test (or one hypothesis example) on `market`, then undo everything it did."""
    snapshot = market.chain.snapshot()
    market.used = 0
    try:
        yield market
    finally:
        market.chain.revert_to(snapshot)


def register(
    market: Market,
    roles: int,
    *,
    operator: str | None = None,
    jurisdiction: bytes = b"CN",
    code: str | None = None,
) -> str:
    """Register a fresh account with `roles` at exchange A (or `operator`'s exchange)."""
    account = market.new_account()
    market.chain.transact(
        market.participants.functions.register(
            account, roles, jurisdiction, credit_code_hash(code or f"USCC-{account}")
        ),
        operator or market.operator_a,
    )
    return account


def listing_terms(**changes: Any) -> dict[str, Any]:
    """Valid listing terms of a general dataset, with `changes` applied."""
    terms: dict[str, Any] = {
        "title": "Port container throughput, daily",
        "category": h("logistics.port"),
        "productType": DATASET,
        "classification": GENERAL,
        "personalInformation": False,
        "source": ENTERPRISE,
        "rights": PROCESSING_USE | OPERATION,
        "priceModel": FIXED,
        "unitPrice": 1_250_000,
        "currency": b"CNY",
        "complianceReportHash": h("report-1"),
        "metadataHash": h("metadata-1"),
        "metadataUri": "https://catalogue.example/products/port-throughput",
        "exportAllowed": True,
        "deliveryAccount": DELIVERY_ACCOUNT,
    }
    terms.update(changes)
    return terms


def as_tuple(terms: dict[str, Any]) -> tuple[Any, ...]:
    """Listing terms as web3 returns them inside a struct (checksummed addresses)."""
    return tuple(terms.values())
