"""Bindings for the system contracts: fixed addresses, ABIs from the artifacts, typed calls.

Every system contract is reached at its proxy's fixed address (``proxy_address``); the
implementation behind it changes only through the ExchangeRegistry's upgrade procedure.
Reads return frozen dataclasses; writes return web3.py contract functions, to be sent with
``send`` or with any web3.py signing flow.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from eth_typing import ChecksumAddress
from eth_utils import to_checksum_address

from client.artifacts import load_artifact

if TYPE_CHECKING:
    # Only the bindings need web3.py; the node imports the addresses and codes of this module
    # and need not load it at every start.
    from eth_account.signers.local import LocalAccount
    from web3 import Web3
    from web3.contract import Contract
    from web3.contract.contract import ContractFunction
    from web3.types import TxParams, TxReceipt

PROXY_PREFIX = 0xDC10
IMPLEMENTATION_PREFIX = 0xDC11
LIBRARY_PREFIX = 0xDC12
SYSTEM_CONTRACT_INDEX: dict[str, int] = {
    "ExchangeRegistry": 1,
    "ParticipantRegistry": 2,
    "DataProductRegistry": 3,
    "AuthorizationRegistry": 4,
    "TradeSettlement": 5,
    "DemandBoard": 6,
    "ExportBasisRegistry": 7,
}
"""The fixed slot of each system contract."""
LINKED_LIBRARY_INDEX: dict[str, int] = {"OrderRules": 1}
"""Libraries linked into system contracts at compile time (``contracts/build.mjs``), predeployed
in genesis at ``0xdc12…00NN``."""

SEND_GAS = 5_000_000


def _fixed_address(prefix: int, index: int) -> bytes:
    return ((prefix << 144) | index).to_bytes(20, "big")


def proxy_address(index: int) -> bytes:
    """``0xdc10…00NN``: where system contract NN lives for good."""
    return _fixed_address(PROXY_PREFIX, index)


def implementation_address(index: int) -> bytes:
    """``0xdc11…00NN``: the genesis implementation behind proxy NN."""
    return _fixed_address(IMPLEMENTATION_PREFIX, index)


def library_address(index: int) -> bytes:
    """``0xdc12…00NN``: linked library NN, for good (a new version gets a new slot)."""
    return _fixed_address(LIBRARY_PREFIX, index)


def system_address(name: str) -> ChecksumAddress:
    """The checksummed proxy address of system contract ``name``."""
    return to_checksum_address(proxy_address(SYSTEM_CONTRACT_INDEX[name]))


def system_contract(w3: Web3, name: str) -> Contract:
    return w3.eth.contract(address=system_address(name), abi=load_artifact(name).abi)


def encode_exchange_code(code: str) -> bytes:
    """``"SHDE"`` → the registry's bytes32 code (ASCII, left-aligned, zero-padded)."""
    if not (code.isascii() and code.isalnum() and code == code.upper() and len(code) <= 32):
        raise ValueError(f"exchange code {code!r} must be 1-32 upper-case letters or digits")
    return code.encode("ascii").ljust(32, b"\x00")


def decode_exchange_code(code: bytes) -> str:
    return code.rstrip(b"\x00").decode("ascii")


class ExchangeStatus(IntEnum):
    NONE = 0
    ACTIVE = 1
    SUSPENDED = 2
    REMOVED = 3


class ProposalKind(IntEnum):
    ADD_EXCHANGE = 0
    SUSPEND_EXCHANGE = 1
    REINSTATE_EXCHANGE = 2
    REMOVE_EXCHANGE = 3
    SET_OPERATORS = 4
    SET_NODES = 5
    SET_PARAMETERS = 6
    UPGRADE = 7


class ProposalStatus(IntEnum):
    NONE = 0
    PENDING = 1
    SCHEDULED = 2
    EXECUTED = 3
    EXPIRED = 4
    CANCELLED = 5


@dataclass(frozen=True)
class Parameters:
    """``IExchangeRegistry.Parameters``."""

    listing_fee_cap_bps: int
    buyer_exchange_fee_cap_bps: int
    inspection_period: int
    dispute_window: int
    delivery_deadline: int

    def as_abi(self) -> tuple[int, int, int, int, int]:
        return (
            self.listing_fee_cap_bps,
            self.buyer_exchange_fee_cap_bps,
            self.inspection_period,
            self.dispute_window,
            self.delivery_deadline,
        )


@dataclass(frozen=True)
class Exchange:
    code: str
    name: str
    city: str
    operators: tuple[str, ...]
    validator: str | None
    observers: tuple[str, ...]
    status: ExchangeStatus


@dataclass(frozen=True)
class Proposal:
    id: int
    kind: ProposalKind
    status: ProposalStatus
    deadline: int
    executable_at: int
    proposer_exchange: str
    proposer: str
    regulator_approval: str | None
    approvers: tuple[str, ...]
    data: bytes


def _optional(address: str) -> str | None:
    return None if int(address, 16) == 0 else address


class ExchangeRegistry:
    """The ExchangeRegistry at its proxy: typed reads, and calls that build transactions."""

    def __init__(self, w3: Web3, address: ChecksumAddress | None = None) -> None:
        self.contract = w3.eth.contract(
            address=address or system_address("ExchangeRegistry"),
            abi=load_artifact("ExchangeRegistry").abi,
        )

    def validators(self) -> list[str]:
        return list(self.contract.functions.validators().call())

    def exchange_codes(self) -> list[str]:
        return [decode_exchange_code(c) for c in self.contract.functions.exchangeCodes().call()]

    def exchange(self, code: str) -> Exchange:
        name, city, operators, validator, observers, status = self.contract.functions.exchange(
            encode_exchange_code(code)
        ).call()
        return Exchange(
            code, name, city, tuple(operators), _optional(validator), tuple(observers),
            ExchangeStatus(status),
        )  # fmt: skip

    def parameters(self) -> Parameters:
        return Parameters(*self.contract.functions.parameters().call())

    def quorum(self) -> int:
        return int(self.contract.functions.quorum().call())

    def proposal(self, proposal_id: int) -> Proposal:
        fields = self.contract.functions.proposal(proposal_id).call()
        kind, status, deadline, executable_at, exchange, proposer, regulator, approvers, data = (
            fields
        )
        return Proposal(
            proposal_id, ProposalKind(kind), ProposalStatus(status), deadline, executable_at,
            decode_exchange_code(exchange), proposer, _optional(regulator),
            tuple(decode_exchange_code(a) for a in approvers), bytes(data),
        )  # fmt: skip

    def propose_add_exchange(
        self,
        code: str,
        name: str,
        city: str,
        operators: list[str],
        validator: str | None = None,
        observers: list[str] | None = None,
    ) -> ContractFunction:
        spec = (
            encode_exchange_code(code), name, city, operators,
            validator or to_checksum_address(bytes(20)), observers or [],
        )  # fmt: skip
        return self.contract.functions.proposeAddExchange(spec)

    def propose_suspend(self, code: str) -> ContractFunction:
        return self.contract.functions.proposeSuspendExchange(encode_exchange_code(code))

    def propose_reinstate(self, code: str) -> ContractFunction:
        return self.contract.functions.proposeReinstateExchange(encode_exchange_code(code))

    def propose_remove(self, code: str) -> ContractFunction:
        return self.contract.functions.proposeRemoveExchange(encode_exchange_code(code))

    def propose_operators(self, code: str, operators: list[str]) -> ContractFunction:
        return self.contract.functions.proposeOperators(encode_exchange_code(code), operators)

    def propose_nodes(
        self, code: str, validator: str | None, observers: list[str]
    ) -> ContractFunction:
        return self.contract.functions.proposeNodes(
            encode_exchange_code(code), validator or to_checksum_address(bytes(20)), observers
        )

    def propose_parameters(self, parameters: Parameters) -> ContractFunction:
        return self.contract.functions.proposeParameters(parameters.as_abi())

    def propose_upgrade(self, proxy: str, implementation: str) -> ContractFunction:
        return self.contract.functions.proposeUpgrade(proxy, implementation)

    def approve(self, proposal_id: int) -> ContractFunction:
        return self.contract.functions.approve(proposal_id)

    def approve_upgrade(self, proposal_id: int) -> ContractFunction:
        return self.contract.functions.approveUpgrade(proposal_id)

    def schedule_upgrade(self, proposal_id: int) -> ContractFunction:
        return self.contract.functions.scheduleUpgrade(proposal_id)

    def execute(self, proposal_id: int) -> ContractFunction:
        return self.contract.functions.execute(proposal_id)

    def expire(self, proposal_id: int) -> ContractFunction:
        return self.contract.functions.expire(proposal_id)

    def proposal_id(self, receipt: TxReceipt) -> int:
        """The id of the proposal a ``propose*`` transaction created."""
        from web3.logs import DISCARD

        events = self.contract.events.ProposalCreated().process_receipt(receipt, errors=DISCARD)
        if len(events) != 1:
            raise ValueError("the receipt holds no ProposalCreated event of this registry")
        return int(events[0]["args"]["proposalId"])


def send(w3: Web3, call: ContractFunction, account: LocalAccount, **overrides: Any) -> TxReceipt:
    """Sign ``call`` with ``account``'s key, send it, and wait for its receipt.

    Gas is free on the ledger (base fee 0), so the transaction carries zero fees; a receipt
    with status 0 is returned as is, for the caller to judge.
    """
    from web3.types import Wei

    params: TxParams = {
        "from": account.address,
        "nonce": w3.eth.get_transaction_count(account.address, "pending"),
        "gas": SEND_GAS,
        "maxFeePerGas": Wei(0),
        "maxPriorityFeePerGas": Wei(0),
    }
    params.update(overrides)  # type: ignore[typeddict-item]
    transaction = call.build_transaction(params)
    signed = account.sign_transaction(dict(transaction))  # type: ignore[arg-type]
    return w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(signed.raw_transaction))
