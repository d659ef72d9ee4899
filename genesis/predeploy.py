"""Predeployed system contracts: run their constructors in a scratch EVM, keep code and storage.

A genesis ``alloc`` holds code and storage but runs no constructor, so each implementation's
creation code and each proxy's constructor (with its ``initialize`` call) run here, in a
throw-away py-evm Prague state, at the fixed addresses the chain will use. Every storage slot
written is recorded on the way, so the resulting accounts can be copied into the alloc exactly.

``SYSTEM_CONTRACTS`` is the one table of system contracts, their fixed addresses and their
``initialize`` arguments; a contract whose artifact is not built is left out of the genesis.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from eth.abc import StateAPI
from eth.constants import BLANK_ROOT_HASH, CREATE_CONTRACT_ADDRESS
from eth.db.atomic import AtomicDB
from eth.vm.execution_context import ExecutionContext
from eth.vm.forks.cancun.transaction_context import CancunTransactionContext
from eth.vm.forks.prague import PragueVM
from eth.vm.message import Message
from eth_abi import decode
from eth_abi.exceptions import DecodingError
from eth_typing import Address, BlockNumber, Hash32
from eth_utils import keccak, to_checksum_address
from hexbytes import HexBytes
from web3 import Web3

from client.artifacts import ARTIFACTS_DIR, load_artifact
from client.contracts import (
    LINKED_LIBRARY_INDEX,
    SYSTEM_CONTRACT_INDEX,
    implementation_address,
    library_address,
    proxy_address,
)
from genesis.consortium import Consortium

CONSTRUCTOR_GAS = 30_000_000
DEPLOYER = Address(b"\xdc" + b"\x00" * 19)
"""The sender of every scratch constructor call; it appears nowhere in the result."""


class PredeployError(ValueError):
    """A constructor or ``initialize`` call reverted while building the genesis state."""


@dataclass(frozen=True)
class GenesisValues:
    """What ``initialize`` calls may depend on: the consortium and who runs validators."""

    consortium: Consortium
    validators: tuple[bytes, ...]
    """One entry per exchange of the consortium, in order: its validator address or b""."""


@dataclass(frozen=True)
class SystemContract:
    name: str
    proxy: bytes
    implementation: bytes
    initialize_args: Callable[[GenesisValues], Sequence[Any]]


def _row(name: str, initialize_args: Callable[[GenesisValues], Sequence[Any]]) -> SystemContract:
    """A system contract at its fixed addresses (``client.contracts.SYSTEM_CONTRACT_INDEX``)."""
    index = SYSTEM_CONTRACT_INDEX[name]
    return SystemContract(
        name, proxy_address(index), implementation_address(index), initialize_args
    )


@dataclass(frozen=True)
class PredeployedAccount:
    code: bytes
    storage: dict[int, int]
    nonce: int


@dataclass(frozen=True)
class GenesisLog:
    """An event the constructors and ``initialize`` calls emitted in the scratch EVM. A genesis
    block has no receipts, so a rebuild of the market from events starts with these (derived,
    like the alloc, from the consortium file)."""

    address: bytes
    topics: tuple[bytes, ...]
    data: bytes

    def as_log(self, index: int) -> dict[str, Any]:
        """In the shape of an ``eth_getLogs`` entry of block 0, for the usual ABI decoders."""
        zero = HexBytes(bytes(32))
        return {
            "address": to_checksum_address(self.address),
            "topics": [HexBytes(topic) for topic in self.topics],
            "data": HexBytes(self.data),
            "logIndex": index,
            "transactionIndex": 0,
            "transactionHash": zero,
            "blockHash": zero,
            "blockNumber": 0,
            "removed": False,
        }


def registry_initialize_args(values: GenesisValues) -> tuple[Any, ...]:
    """``ExchangeRegistry.initialize(root, regulators, parameters, lifetime, delay, exchanges,
    system proxies)``: the proxies of every row of ``SYSTEM_CONTRACTS``, the registry's own
    included, are the only contracts an upgrade proposal may target."""
    consortium = values.consortium
    exchanges = [
        (
            entry.code_bytes,
            entry.name,
            entry.city,
            [to_checksum_address(a) for a in entry.operators],
            to_checksum_address(validator or bytes(20)),
            [to_checksum_address(a) for a in entry.observers],
        )
        for entry, validator in zip(consortium.exchanges, values.validators, strict=True)
    ]
    return (
        to_checksum_address(consortium.regulator_root),
        [to_checksum_address(a) for a in consortium.regulators],
        consortium.parameters.as_abi(),
        consortium.proposal_lifetime,
        consortium.upgrade_delay,
        exchanges,
        [to_checksum_address(contract.proxy) for contract in SYSTEM_CONTRACTS],
    )


def _proxies_of(*names: str) -> Callable[[GenesisValues], tuple[str, ...]]:
    """``initialize`` arguments that are the proxy addresses of other system contracts."""

    def args(_: GenesisValues) -> tuple[str, ...]:
        return tuple(to_checksum_address(system_contract(name).proxy) for name in names)

    return args


SYSTEM_CONTRACTS: tuple[SystemContract, ...] = (
    _row("ExchangeRegistry", registry_initialize_args),
    _row("ParticipantRegistry", _proxies_of("ExchangeRegistry")),
    _row("DataProductRegistry", _proxies_of("ExchangeRegistry", "ParticipantRegistry")),
    _row(
        "AuthorizationRegistry",
        _proxies_of(
            "ExchangeRegistry", "ParticipantRegistry", "DataProductRegistry", "TradeSettlement"
        ),
    ),
    _row(
        "TradeSettlement",
        _proxies_of(
            "ExchangeRegistry",
            "ParticipantRegistry",
            "DataProductRegistry",
            "AuthorizationRegistry",
            "ExportBasisRegistry",
            "DemandBoard",
        ),
    ),
    _row(
        "DemandBoard",
        _proxies_of(
            "ExchangeRegistry",
            "ParticipantRegistry",
            "DataProductRegistry",
            "TradeSettlement",
            "ExportBasisRegistry",
        ),
    ),
    _row("ExportBasisRegistry", _proxies_of("ExchangeRegistry")),
)
"""Fixed addresses come from ``client.contracts.SYSTEM_CONTRACT_INDEX``."""


def linked_libraries() -> tuple[tuple[str, bytes], ...]:
    """The linked libraries (name, fixed address) whose artifact has been compiled: the system
    contracts' code calls them at those addresses, so every genesis holds them."""
    return tuple(
        (name, library_address(index))
        for name, index in LINKED_LIBRARY_INDEX.items()
        if (ARTIFACTS_DIR / f"{name}.json").is_file()
    )


def system_contract(name: str) -> SystemContract:
    for contract in SYSTEM_CONTRACTS:
        if contract.name == name:
            return contract
    raise KeyError(name)


def built_system_contracts() -> tuple[SystemContract, ...]:
    """The rows of ``SYSTEM_CONTRACTS`` whose artifact has been compiled."""
    return tuple(c for c in SYSTEM_CONTRACTS if (ARTIFACTS_DIR / f"{c.name}.json").is_file())


def initialize_calldata(contract: SystemContract, values: GenesisValues) -> bytes:
    abi = load_artifact(contract.name).abi
    encoded = (
        Web3()
        .eth.contract(abi=abi)
        .encode_abi("initialize", args=list(contract.initialize_args(values)))
    )
    return bytes.fromhex(encoded[2:])


class _RecordingState:
    """Remembers every storage slot the scratch EVM writes, so the alloc can list them."""

    def __init__(self, state: StateAPI) -> None:
        self.written: set[tuple[bytes, int]] = set()
        original = state.set_storage

        def set_storage(address: Address, slot: int, value: int) -> None:
            self.written.add((bytes(address), slot))
            original(address, slot, value)

        state.set_storage = set_storage  # type: ignore[method-assign]


def _scratch_state(chain_id: int) -> StateAPI:
    context = ExecutionContext(
        coinbase=Address(bytes(20)),
        timestamp=0,
        block_number=BlockNumber(0),
        difficulty=0,
        mix_hash=Hash32(bytes(32)),
        gas_limit=CONSTRUCTOR_GAS,
        prev_hashes=(),
        chain_id=chain_id,
        base_fee_per_gas=0,
        excess_blob_gas=0,
    )
    return PragueVM.get_state_class()(AtomicDB(), context, BLANK_ROOT_HASH)


def _create_at(
    state: StateAPI, address: bytes, creation_code: bytes, what: str
) -> list[GenesisLog]:
    message = Message(
        gas=CONSTRUCTOR_GAS,
        to=CREATE_CONTRACT_ADDRESS,
        sender=DEPLOYER,
        value=0,
        data=b"",
        code=creation_code,
        create_address=Address(address),
    )
    context = CancunTransactionContext(gas_price=0, origin=DEPLOYER, blob_versioned_hashes=[])
    computation = state.computation_class.apply_create_message(state, message, context)
    if computation.is_error:
        raise PredeployError(f"{what} reverted: {describe_revert(computation.output)}")
    return [
        GenesisLog(bytes(emitter), tuple(topic.to_bytes(32, "big") for topic in topics), data)
        for emitter, topics, data in computation.get_log_entries()
    ]


def describe_revert(output: bytes) -> str:
    """A revert's custom error by name and arguments (e.g. ``TooManyExchanges(64)``), looked up
    in every built artifact; the raw hex if none declares it."""
    for path in sorted(ARTIFACTS_DIR.glob("*.json")):
        for entry in load_artifact(path.stem).abi:
            if entry["type"] != "error":
                continue
            types = [str(i["type"]) for i in entry["inputs"]]
            if keccak(text=f"{entry['name']}({','.join(types)})")[:4] != output[:4]:
                continue
            try:
                values = decode(types, output[4:])
            except DecodingError:
                continue
            shown = ", ".join("0x" + v.hex() if isinstance(v, bytes) else str(v) for v in values)
            return f"{entry['name']}({shown})"
    return "0x" + output.hex()


def _encode_constructor(name: str, *args: Any) -> bytes:
    artifact = load_artifact(name)
    factory = Web3().eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    return bytes.fromhex(factory.constructor(*args).data_in_transaction[2:])


def predeploy(
    values: GenesisValues,
    contracts: Sequence[SystemContract] | None = None,
    *,
    chain_id: int = 1,
) -> dict[bytes, PredeployedAccount]:
    """The accounts (code, storage, nonce) of every implementation and proxy, by address.

    Each proxy's admin is the ExchangeRegistry proxy, itself included, so only the
    registry's upgrade procedure can change any system contract's code.
    """
    return predeploy_with_logs(values, contracts, chain_id=chain_id)[0]


def predeploy_with_logs(
    values: GenesisValues,
    contracts: Sequence[SystemContract] | None = None,
    *,
    chain_id: int = 1,
) -> tuple[dict[bytes, PredeployedAccount], list[GenesisLog]]:
    """``predeploy``'s accounts and the events the genesis constructors emitted, in order."""
    chosen = built_system_contracts() if contracts is None else tuple(contracts)
    registry = next((c for c in chosen if c.name == "ExchangeRegistry"), None)
    admin = to_checksum_address((registry or system_contract("ExchangeRegistry")).proxy)
    state = _scratch_state(chain_id)
    recorder = _RecordingState(state)
    libraries = linked_libraries()
    for name, address in libraries:
        _create_at(state, address, load_artifact(name).bytecode, f"{name} library")
    for contract in chosen:
        _create_at(
            state,
            contract.implementation,
            load_artifact(contract.name).bytecode,
            f"{contract.name} implementation constructor",
        )
    logs: list[GenesisLog] = []
    for contract in chosen:
        creation = _encode_constructor(
            "UpgradeProxy",
            to_checksum_address(contract.implementation),
            admin,
            initialize_calldata(contract, values),
        )
        what = f"{contract.name} proxy and initialize"
        logs.extend(_create_at(state, contract.proxy, creation, what))
    accounts: dict[bytes, PredeployedAccount] = {}
    owned = [address for _, address in libraries]
    owned += [a for contract in chosen for a in (contract.implementation, contract.proxy)]
    for address in owned:
        slots = sorted(slot for owner, slot in recorder.written if owner == address)
        storage = {slot: state.get_storage(Address(address), slot) for slot in slots}
        accounts[address] = PredeployedAccount(
            code=state.get_code(Address(address)),
            storage={slot: value for slot, value in storage.items() if value != 0},
            nonce=state.get_nonce(Address(address)),
        )
    return accounts, logs
