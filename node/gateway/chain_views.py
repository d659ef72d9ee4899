"""View calls on a system contract at a block's post-state, as eth_call runs them.

The gateway reads roles and records through the node's own EVM (``ChainReader.vm_at``), never
over HTTP; these run on a query thread (:meth:`GatewayBackend.run_query`).
"""

from __future__ import annotations

from typing import Any

from eth.abc import VirtualMachineAPI
from eth_abi import decode, encode
from eth_typing import Address
from eth_utils import to_checksum_address

from client.abi import abi_types, selector
from client.artifacts import load_artifact
from client.contracts import system_address
from client.domain_events import SYSTEM_CONTRACTS
from node.chain.genesis import Genesis
from node.rpc.execution import CallRunner, Deadline
from node.rpc.params import CallArgs

VIEW_GAS = 10_000_000
VIEW_TIMEOUT_SECONDS = 5.0


class ViewFailed(RuntimeError):
    """A view of a system contract reverted or failed: the chain is not what the gateway
    expects (an upgraded contract without the view), never the caller's fault."""


def view(vm: VirtualMachineAPI, chain_id: int, contract: str, function: str, *args: Any) -> Any:
    """The return value of ``contract.function(*args)`` (eth_abi's decoding); several return
    values as a dict by name."""
    entry = next(
        e for e in load_artifact(contract).abi if e["type"] == "function" and e["name"] == function
    )
    data = selector(entry) + encode(abi_types(entry["inputs"]), args)
    to = Address(bytes.fromhex(system_address(contract)[2:]))
    runner = CallRunner(
        vm, CallArgs(to=to, data=data), chain_id, Deadline.after(VIEW_TIMEOUT_SECONDS)
    )
    outcome = runner.run(VIEW_GAS)
    if outcome.error is not None:
        raise ViewFailed(f"{contract}.{function} failed: {outcome.error}")
    outputs = entry["outputs"]
    values = decode(abi_types(outputs), outcome.output)
    if len(outputs) == 1:
        return _named(outputs[0], values[0])
    return {o["name"]: _named(o, v) for o, v in zip(outputs, values, strict=True)}


def _named(entry: dict[str, Any], value: Any) -> Any:
    """Structs as dicts by component name (as web3.py gives them), addresses checksummed."""
    kind = str(entry["type"])
    if kind.endswith("]"):
        element = {**entry, "type": kind[: kind.rindex("[")]}
        return [_named(element, item) for item in value]
    if kind == "tuple":
        return {c["name"]: _named(c, v) for c, v in zip(entry["components"], value, strict=True)}
    if kind == "address":
        return to_checksum_address(value)
    return value


def market_predeployed(genesis: Genesis) -> bool:
    """Whether the genesis holds the six system contracts, the only thing the gateway serves
    (a network made with ``dcl genesis new --consortium FILE``)."""
    for name in SYSTEM_CONTRACTS:
        account = genesis.alloc.get(Address(bytes.fromhex(system_address(name)[2:])))
        if account is None or not account.code:
            return False
    return True
