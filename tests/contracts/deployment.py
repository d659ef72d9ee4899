"""The six system contracts for contract tests, deployed exactly as genesis deploys them.

``genesis.predeploy.predeploy`` (the ``SYSTEM_CONTRACTS`` table) builds the accounts of every
implementation and proxy at their fixed addresses, and the harness chain starts from a genesis
holding them, so tests exercise the same code, storage, initialisation order and proxy admin
(the ExchangeRegistry proxy) as a node. Governance steps (proposals, upgrades) go through the
real ExchangeRegistry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth_utils import keccak, to_checksum_address
from web3.contract import Contract
from web3.types import TxReceipt

from client.contracts import Parameters, encode_exchange_code
from genesis.consortium import Consortium, ExchangeEntry
from genesis.predeploy import SYSTEM_CONTRACTS, GenesisValues, predeploy
from tests.contracts.harness import CHAIN_ID, ContractChain

DAY = 86_400
PROPOSAL_LIFETIME = 7 * DAY
UPGRADE_DELAY = 2 * DAY
SYSTEM_NAMES = tuple(contract.name for contract in SYSTEM_CONTRACTS)
ACTIVE = 1


def validator_address(index: int) -> bytes:
    return keccak(text=f"validator-{index}")[12:]


@dataclass
class System:
    """The predeployed system contracts (at their proxies) and the consortium's accounts."""

    chain: ContractChain
    contracts: dict[str, Contract]
    implementations: dict[str, Contract]
    regulator_root: str
    regulators: list[str]
    operators: dict[bytes, str]
    """Exchange code (bytes32) → its operator account."""

    @property
    def registry(self) -> Contract:
        return self.contracts["ExchangeRegistry"]

    def active_operators(self) -> list[str]:
        status = self.registry.functions.exchangeStatus
        return [op for code, op in self.operators.items() if status(code).call() == ACTIVE]

    def pass_proposal(self, call: Any) -> TxReceipt:
        """Propose `call` and have every Active exchange approve it, then execute it."""
        proposal_id = self._propose(call)
        return self.chain.transact(
            self.registry.functions.execute(proposal_id), self.active_operators()[0]
        )

    def suspend_exchange(self, code: bytes) -> TxReceipt:
        return self.pass_proposal(self.registry.functions.proposeSuspendExchange(code))

    def set_parameters(self, parameters: tuple[int, int, int, int, int]) -> TxReceipt:
        return self.pass_proposal(self.registry.functions.proposeParameters(parameters))

    def upgrade(self, name: str, implementation: str) -> TxReceipt:
        """Upgrade system contract `name` to `implementation` by the full procedure: every
        Active exchange and a regulator approve, the delay passes, then it executes."""
        registry = self.registry.functions
        proposal_id = self._propose(
            registry.proposeUpgrade(self.contracts[name].address, implementation)
        )
        self.chain.transact(registry.approveUpgrade(proposal_id), self.regulators[0])
        self.chain.transact(registry.scheduleUpgrade(proposal_id), self.regulators[0])
        self.chain.advance(int(registry.upgradeDelay().call()))
        return self.chain.transact(registry.execute(proposal_id), self.regulators[0])

    def _propose(self, call: Any) -> int:
        operators = self.active_operators()
        receipt = self.chain.transact(call, operators[0])
        (created,) = self.chain.events(receipt, self.registry, "ProposalCreated")
        proposal_id = int(created["proposalId"])
        for operator in operators:
            self.chain.transact(self.registry.functions.approve(proposal_id), operator)
        return proposal_id


def deploy_system(
    exchanges: Sequence[tuple[str, str]],
    *,
    regulator_root: str,
    regulators: Sequence[str],
    parameters: Parameters,
) -> System:
    """A chain whose genesis predeploys the five system contracts for `exchanges` (code text and
    its one operator account, all Active and each running a validator)."""
    entries = tuple(
        ExchangeEntry(
            code=code,
            name=f"{code} Data Exchange",
            city=f"{code} City",
            operators=(bytes.fromhex(operator[2:]),),
            observers=(),
        )
        for code, operator in exchanges
    )
    consortium = Consortium(
        exchanges=entries,
        regulator_root=bytes.fromhex(regulator_root[2:]),
        regulators=tuple(bytes.fromhex(r[2:]) for r in regulators),
        parameters=parameters,
        proposal_lifetime=PROPOSAL_LIFETIME,
        upgrade_delay=UPGRADE_DELAY,
        dev_only=True,
    )
    validators = tuple(validator_address(i) for i in range(len(entries)))
    accounts = predeploy(GenesisValues(consortium, validators), chain_id=CHAIN_ID)
    chain = ContractChain(accounts)
    contracts = {
        row.name: chain.at(row.name, to_checksum_address(row.proxy)) for row in SYSTEM_CONTRACTS
    }
    implementations = {
        row.name: chain.at(row.name, to_checksum_address(row.implementation))
        for row in SYSTEM_CONTRACTS
    }
    return System(
        chain=chain,
        contracts=contracts,
        implementations=implementations,
        regulator_root=regulator_root,
        regulators=list(regulators),
        operators={encode_exchange_code(code): operator for code, operator in exchanges},
    )
