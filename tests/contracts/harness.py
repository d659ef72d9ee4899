"""An in-process EVM for contract tests: py-evm through eth-tester, driven with web3.

Contract rules are tested here, one transaction per block, where a test can move time and read
exact custom errors and event fields. The same contracts run on a real node in the integration
scenario; this harness only makes their many rejection paths cheap to cover.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from eth_abi import decode
from eth_tester import EthereumTester, PyEVMBackend
from eth_tester.backends.pyevm.main import (
    generate_genesis_state_for_keys,
    get_default_account_keys,
)
from eth_tester.exceptions import TransactionFailed
from eth_utils import keccak, to_checksum_address
from web3 import EthereumTesterProvider, Web3
from web3.contract import Contract
from web3.logs import DISCARD
from web3.types import TxReceipt

from genesis.predeploy import PredeployedAccount
from node.artifacts import ARTIFACTS_DIR, ContractArtifact, load_artifact

GAS = 8_000_000
FUNDED_ACCOUNTS = 40
"""Accounts funded in every harness genesis; ``account(i)`` funds more on demand."""
CHAIN_ID = 131277322940537
"""eth-tester's chain id, which predeployment must use as the node would use its own."""


PROBES_DIR = Path(__file__).resolve().parent / "probes" / "build"
"""Artifacts of test-only probes that expose a library's internal functions (not stand-ins:
they wrap the real library source, ``node contracts/build.mjs --dir tests/contracts/probes``)."""


def artifact(name: str) -> ContractArtifact:
    """A committed contract artifact, or a test probe's."""
    if (PROBES_DIR / f"{name}.json").is_file():
        return load_artifact(name, PROBES_DIR)
    return load_artifact(name)


def funded_addresses(count: int = FUNDED_ACCOUNTS) -> list[str]:
    """The harness's funded accounts, known before a chain exists (so a genesis can name them)."""
    keys = get_default_account_keys(quantity=count)
    return [to_checksum_address(key.public_key.to_canonical_address()) for key in keys]


def _error_signature(entry: dict[str, Any]) -> str:
    return f"{entry['name']}({','.join(_abi_type(i) for i in entry['inputs'])})"


def _abi_type(item: dict[str, Any]) -> str:
    if item["type"].startswith("tuple"):
        inner = ",".join(_abi_type(component) for component in item["components"])
        return f"({inner}){item['type'][len('tuple') :]}"
    return str(item["type"])


@cache
def _known_errors() -> dict[bytes, tuple[str, list[str]]]:
    """Every custom error of every committed artifact, by selector."""
    errors: dict[bytes, tuple[str, list[str]]] = {
        keccak(text="Error(string)")[:4]: ("Error", ["string"]),
        keccak(text="Panic(uint256)")[:4]: ("Panic", ["uint256"]),
    }
    for path in sorted(ARTIFACTS_DIR.glob("*.json")):
        for entry in artifact(path.stem).abi:
            if entry["type"] == "error":
                signature = _error_signature(entry)
                errors[keccak(text=signature)[:4]] = (
                    entry["name"],
                    [_abi_type(i) for i in entry["inputs"]],
                )
    return errors


@dataclass(frozen=True)
class Reverted:
    """A decoded revert: the custom error's name and its arguments, in order."""

    name: str
    args: tuple[Any, ...]


def decode_revert(data: bytes) -> Reverted:
    selector = data[:4]
    known = _known_errors()
    if selector not in known:
        raise AssertionError(f"revert data matches no known error: 0x{data.hex()}")
    name, types = known[selector]
    values = decode(types, data[4:])
    return Reverted(
        name,
        tuple(
            to_checksum_address(value) if kind == "address" else value
            for kind, value in zip(types, values, strict=True)
        ),
    )


def _revert_data(failure: BaseException) -> bytes:
    """The EVM's revert output. eth-tester carries it as bytes on py-evm's ``Revert`` (sent
    transactions) or only as the text ``repr(bytes)`` in its ``TransactionFailed`` (calls).
    """
    cause: BaseException | None = failure
    while cause is not None:
        if cause.args and isinstance(cause.args[0], bytes):
            return cause.args[0]
        if cause.args and isinstance(cause.args[0], str):
            text = cause.args[0].removeprefix("execution reverted: ")
            if text.startswith(("b'", 'b"')):
                value = ast.literal_eval(text)
                if isinstance(value, bytes):
                    return value
        cause = cause.__cause__ or cause.__context__
    raise AssertionError(f"reverted without revert data: {failure}")


class ContractChain:
    """A fresh chain with funded accounts; snapshots let a module share its deployments.

    ``predeployed`` accounts (``genesis.predeploy.predeploy``'s result) go into the genesis
    state as they go into a node's genesis alloc.
    """

    def __init__(self, predeployed: Mapping[bytes, PredeployedAccount] | None = None) -> None:
        keys = get_default_account_keys(quantity=FUNDED_ACCOUNTS)
        state = generate_genesis_state_for_keys(keys)
        for address, account in (predeployed or {}).items():
            state[address] = {
                "balance": 0,
                "nonce": account.nonce,
                "code": account.code,
                "storage": dict(account.storage),
            }
        self.tester = EthereumTester(PyEVMBackend(genesis_state=state))
        self.w3 = Web3(EthereumTesterProvider(self.tester))
        self.accounts: list[str] = list(self.w3.eth.accounts)[:FUNDED_ACCOUNTS]

    def account(self, index: int) -> str:
        """The index-th funded account, creating more than eth-tester's ten as needed."""
        while len(self.accounts) <= index:
            key = keccak(text=f"contract-test-account-{len(self.accounts)}")
            address = self.tester.add_account("0x" + key.hex())
            self.tester.send_transaction(
                {
                    "from": self.accounts[0],
                    "to": address,
                    "value": 10**21,
                    "gas": 21_000,
                }
            )
            self.accounts.append(to_checksum_address(address))
        return self.accounts[index]

    def deploy(self, name: str, *args: Any, sender: str | None = None) -> Contract:
        compiled = artifact(name)
        factory = self.w3.eth.contract(abi=compiled.abi, bytecode=compiled.bytecode)
        tx = factory.constructor(*args).transact({"from": sender or self.accounts[0], "gas": GAS})
        receipt = self.w3.eth.get_transaction_receipt(tx)
        return self.at(name, receipt["contractAddress"])

    def at(self, name: str, address: str) -> Contract:
        """Contract `name`'s ABI at `address` (e.g. an implementation behind a proxy)."""
        return self.w3.eth.contract(address=address, abi=artifact(name).abi)

    def transact(self, call: Any, sender: str) -> TxReceipt:
        """Send `call` (a bound contract function) from `sender`; the receipt must succeed."""
        tx = call.transact({"from": sender, "gas": GAS})
        receipt = self.w3.eth.get_transaction_receipt(tx)
        assert receipt["status"] == 1
        return receipt

    def expect_revert(self, call: Any, sender: str, name: str, *args: Any) -> TxReceipt:
        """`call` (a bound function or a constructor) from `sender` reverts with custom error
        `name(args)`, exactly, and the transaction mined anyway fails and changes nothing.
        """
        tx = call.build_transaction({"from": sender, "gas": GAS})
        try:
            self.w3.eth.call(tx)
        except TransactionFailed as failure:
            reverted = decode_revert(_revert_data(failure))
        else:
            raise AssertionError(f"expected revert {name}{args}, but the call succeeded")
        assert reverted == Reverted(name, tuple(args))
        receipt = self.w3.eth.get_transaction_receipt(self.w3.eth.send_transaction(tx))
        assert receipt["status"] == 0
        return receipt

    def events(self, receipt: TxReceipt, contract: Contract, name: str) -> list[dict[str, Any]]:
        """The decoded arguments of every `name` event `contract` emitted in `receipt`."""
        event = getattr(contract.events, name)()
        return [
            dict(log["args"])
            for log in event.process_receipt(receipt, errors=DISCARD)
            if log["address"] == contract.address
        ]

    @property
    def timestamp(self) -> int:
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def advance(self, seconds: int) -> None:
        """Mine an empty block `seconds` later, so calls (which run on the latest block, as
        `expect_revert`'s does) see the new time, not only the next transaction."""
        self.tester.time_travel(self.timestamp + seconds)
        self.tester.mine_blocks(1)

    def snapshot(self) -> int:
        return int(self.tester.take_snapshot())

    def revert_to(self, snapshot: int) -> None:
        self.tester.revert_to_snapshot(snapshot)
