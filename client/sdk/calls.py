"""A call of a system contract as data, its calldata from the contract's ABI, and the
transaction carrying it signed with the participant's own key (eth-account; the gateway never
sees the key).

Gas is metered but free on the ledger (base fee 0), so transactions carry zero fees and a gas
limit generous enough for any domain call (the largest, ``createOrder``, uses about 420,000).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from eth_abi import encode
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount

from client.abi import abi_types, selector
from client.artifacts import load_artifact
from client.contracts import system_address

DEFAULT_GAS = 3_000_000


@cache
def _function(contract: str, name: str) -> Mapping[str, Any]:
    entries = [
        e for e in load_artifact(contract).abi if e["type"] == "function" and e["name"] == name
    ]
    if len(entries) != 1:
        raise ValueError(f"{contract} has no single function {name}")
    return entries[0]


def _abi_value(entry: Mapping[str, Any], value: Any) -> Any:
    """A value as eth_abi encodes it: structs given as dicts by component name become tuples."""
    kind = str(entry["type"])
    if kind.endswith("]"):
        element = {**entry, "type": kind[: kind.rindex("[")]}
        return [_abi_value(element, item) for item in value]
    if kind == "tuple":
        if isinstance(value, Mapping):
            value = [value[c["name"]] for c in entry["components"]]
        return tuple(_abi_value(c, v) for c, v in zip(entry["components"], value, strict=True))
    return value


@dataclass(frozen=True)
class ContractCall:
    """``contract.function(*args)`` of a system contract, reached at its proxy's address."""

    contract: str
    function: str
    args: tuple[Any, ...] = ()

    @property
    def to(self) -> str:
        return system_address(self.contract)

    def calldata(self) -> bytes:
        entry = _function(self.contract, self.function)
        inputs = entry["inputs"]
        if len(inputs) != len(self.args):
            raise TypeError(
                f"{self.contract}.{self.function} takes {len(inputs)} arguments,"
                f" {len(self.args)} given"
            )
        values = [_abi_value(i, a) for i, a in zip(inputs, self.args, strict=True)]
        return selector(entry) + encode(abi_types(inputs), values)


def sign_call(
    account: LocalAccount, call: ContractCall, *, chain_id: int, nonce: int, gas: int = DEFAULT_GAS
) -> str:
    """The signed EIP-1559 transaction of ``call``, as 0x hex for ``POST /v1/transactions``."""
    transaction: dict[str, Any] = {
        "type": 2,
        "chainId": chain_id,
        "nonce": nonce,
        "to": call.to,
        "data": call.calldata(),
        "value": 0,
        "gas": gas,
        "maxFeePerGas": 0,
        "maxPriorityFeePerGas": 0,
    }
    return "0x" + account.sign_transaction(transaction).raw_transaction.hex()


def sign_text(account: LocalAccount, text: str) -> str:
    """An EIP-191 ``personal_sign`` signature of ``text`` (what Sign-In with Ethereum asks)."""
    return "0x" + Account.sign_message(encode_defunct(text=text), account.key).signature.hex()
