"""A small data market for the registry tests: four exchanges (EXS suspended), a regulator and
a pool of fresh accounts, on the five real system contracts predeployed as genesis predeploys
them (``tests.contracts.deployment``).

AuthorizationRegistry's own guards on ``issueForOrder`` and ``revokeForRefund`` (which only
TradeSettlement may call) are tested on a second real AuthorizationRegistry proxy whose
``tradeSettlement`` is a plain account, ``settlement_seat``: ``deploy_market(seated=True)``.
The real TradeSettlement's calls of them are covered by the TradeSettlement tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from eth_utils import keccak, to_checksum_address
from web3.contract import Contract

from client.contracts import Parameters
from tests.contracts.deployment import System, deploy_system
from tests.contracts.harness import ContractChain, artifact, funded_addresses

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
    """A test value for the consortium's keyed hash of a unified social credit code."""
    return keccak(text=f"consortium-key|{code}")


def h(label: str) -> bytes:
    """A distinct, readable 32-byte value (a hash or a code)."""
    return label.encode().ljust(32, b"\0")


POOL_SIZE = 24


PARAMETERS = Parameters(300, 200, 7 * 86_400, 14 * 86_400, 3 * 86_400)


@dataclass
class Market:
    system: System
    chain: ContractChain
    settlement_seat: str
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


def deploy_market(*, seated: bool = False) -> Market:
    """The genesis system for exchanges EXA, EXB, EXC and EXS (suspended); with `seated`, the
    market's AuthorizationRegistry is a second proxy whose TradeSettlement is `settlement_seat`.
    """
    accounts = funded_addresses()
    # Account 0 is web3's default sender of calls; it plays the outsider.
    outsider, regulator, op_a, op_b, op_c, op_s, seat = accounts[:7]
    pool = accounts[7 : 7 + POOL_SIZE]
    system = deploy_system(
        [("EXA", op_a), ("EXB", op_b), ("EXC", op_c), ("EXS", op_s)],
        regulator_root=accounts[39],
        regulators=[regulator],
        parameters=PARAMETERS,
    )
    system.suspend_exchange(SUSPENDED_EXCHANGE)
    chain, contracts = system.chain, system.contracts
    authorizations = contracts["AuthorizationRegistry"]
    implementations = dict(system.implementations)
    if seated:
        implementations["AuthorizationRegistry"], authorizations = deploy_proxied(
            chain,
            contracts["ExchangeRegistry"].address,
            "AuthorizationRegistry",
            contracts["ExchangeRegistry"].address,
            contracts["ParticipantRegistry"].address,
            contracts["DataProductRegistry"].address,
            seat,
        )
    return Market(
        system=system,
        chain=chain,
        settlement_seat=seat,
        regulator=regulator,
        operator_a=op_a,
        operator_b=op_b,
        operator_c=op_c,
        operator_suspended=op_s,
        outsider=outsider,
        exchanges=contracts["ExchangeRegistry"],
        participants=contracts["ParticipantRegistry"],
        products=contracts["DataProductRegistry"],
        authorizations=authorizations,
        settlement=contracts["TradeSettlement"],
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
