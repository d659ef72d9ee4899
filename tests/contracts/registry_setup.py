"""An ExchangeRegistry behind its UpgradeProxy (admin: the proxy itself), for contract tests.

Exchanges are named EX0, EX1, ...; each has one operator account; the first ``validators``
of them run a validator whose address is derived from its index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import rlp
from eth_utils import keccak, to_checksum_address
from web3.contract import Contract
from web3.types import TxReceipt

from client.contracts import encode_exchange_code
from tests.contracts.harness import ContractChain

DAY = 86_400
PROPOSAL_LIFETIME = 7 * DAY
UPGRADE_DELAY = 2 * DAY
PARAMETERS = (300, 200, 7 * DAY, 30 * DAY, 14 * DAY)
ZERO = to_checksum_address(bytes(20))
STORAGE_SLOT = (
    int.from_bytes(
        keccak((int.from_bytes(keccak(text="dcl.ExchangeRegistry")) - 1).to_bytes(32, "big"))
    )
    & ~0xFF
)


class Status:
    """ExchangeStatus"""

    NONE, ACTIVE, SUSPENDED, REMOVED = range(4)


class Kind:
    """ProposalKind"""

    ADD, SUSPEND, REINSTATE, REMOVE, OPERATORS, NODES, PARAMETERS, UPGRADE = range(8)


class ProposalState:
    """ProposalStatus"""

    NONE, PENDING, SCHEDULED, EXECUTED, EXPIRED, CANCELLED = range(6)


def code(text: str) -> bytes:
    return encode_exchange_code(text)


def validator_address(index: int) -> str:
    return to_checksum_address(keccak(text=f"validator-{index}")[12:])


def contract_address(deployer: str, nonce: int) -> str:
    """Where `deployer`'s creation with `nonce` lands (CREATE)."""
    return to_checksum_address(keccak(rlp.encode([bytes.fromhex(deployer[2:]), nonce]))[12:])


def next_contract_address(chain: ContractChain, deployer: str) -> str:
    return contract_address(deployer, chain.w3.eth.get_transaction_count(deployer))


def exchange_spec(
    name: str, operators: list[str], validator: str = ZERO, observers: list[str] | None = None
) -> tuple[Any, ...]:
    return (
        code(name),
        f"{name} Data Exchange",
        f"{name} City",
        operators,
        validator,
        observers or [],
    )


@dataclass
class Registry:
    chain: ContractChain
    registry: Contract
    proxy: Contract
    implementation: Contract
    root: str
    regulators: list[str]
    operators: dict[str, str] = field(default_factory=dict)
    """Exchange code text → its operator account."""

    def advance(self, seconds: int) -> None:
        self.chain.advance(seconds)

    def propose(self, call: Any, sender: str) -> int:
        receipt = self.chain.transact(call, sender)
        (created,) = self.chain.events(receipt, self.registry, "ProposalCreated")
        return int(created["proposalId"])

    def approve(self, proposal_id: int, *codes: str) -> None:
        for name in codes:
            self.chain.transact(self.registry.functions.approve(proposal_id), self.operators[name])

    def execute(self, proposal_id: int) -> TxReceipt:
        return self.chain.transact(self.registry.functions.execute(proposal_id), self.root)

    def pass_proposal(self, call: Any, *codes: str) -> TxReceipt:
        """Propose from the first approver, approve by every one of ``codes``, execute."""
        proposal_id = self.propose(call, self.operators[codes[0]])
        self.approve(proposal_id, *codes)
        return self.execute(proposal_id)


def deploy_registry(
    chain: ContractChain, exchanges: int, validators: int, other_proxies: Sequence[str] = ()
) -> Registry:
    """Accounts: 1 regulator root, 2-3 regulators, 10+i the operator of EXi. The upgrade
    targets are the registry's own proxy (always) and `other_proxies`."""
    root = chain.account(1)
    regulators = [chain.account(2), chain.account(3)]
    operators = {f"EX{i}": chain.account(10 + i) for i in range(exchanges)}
    specs = [
        exchange_spec(name, [operator], validator_address(i) if i < validators else ZERO)
        for i, (name, operator) in enumerate(operators.items())
    ]
    implementation = chain.deploy("ExchangeRegistry")
    deployer = chain.accounts[0]
    proxy_address = next_contract_address(chain, deployer)
    initialize = implementation.functions.initialize(
        root,
        regulators,
        PARAMETERS,
        PROPOSAL_LIFETIME,
        UPGRADE_DELAY,
        specs,
        list(other_proxies),
    )._encode_transaction_data()
    proxy = chain.deploy("UpgradeProxy", implementation.address, proxy_address, initialize)
    assert proxy.address == proxy_address
    return Registry(
        chain, chain.at("ExchangeRegistry", proxy.address), proxy, implementation, root,
        regulators, operators,
    )  # fmt: skip


def deploy_registry_and_recorder(
    chain: ContractChain, exchanges: int, validators: int
) -> tuple[Registry, Contract]:
    """A registry whose genesis names one other system proxy, and that proxy (admin: the
    registry) in front of a Recorder: "another system contract" for upgrade tests."""
    deployer = chain.accounts[0]
    # The registry's implementation and proxy, then the Recorder, then the Recorder's proxy.
    recorder_proxy = contract_address(deployer, chain.w3.eth.get_transaction_count(deployer) + 3)
    r = deploy_registry(chain, exchanges, validators, other_proxies=[recorder_proxy])
    recorder = chain.deploy("Recorder")
    proxy = chain.deploy("UpgradeProxy", recorder.address, r.proxy.address, b"")
    assert proxy.address == recorder_proxy
    return r, proxy
