"""Every JSON-RPC method the node serves, one module per concern.

A method is an :class:`~node.rpc.registry.RpcMethod` declared at module level with
``@rpc_method``; adding one to a listed module is all it takes to serve it.
"""

from __future__ import annotations

from types import ModuleType

from node.rpc.methods import (
    debug,
    eth_blocks,
    eth_chain,
    eth_execution,
    eth_fees,
    eth_filters,
    eth_logs,
    eth_proofs,
    eth_state,
    eth_subscribe,
    eth_transactions,
    net,
    perm,
    qbft,
    txpool,
    web3,
)
from node.rpc.registry import RpcMethod

_MODULES: tuple[ModuleType, ...] = (
    web3,
    net,
    eth_chain,
    eth_blocks,
    eth_transactions,
    eth_state,
    eth_proofs,
    eth_execution,
    eth_fees,
    eth_logs,
    eth_filters,
    eth_subscribe,
    txpool,
    debug,
    qbft,
    perm,
)


def all_methods() -> list[RpcMethod]:
    return [
        value
        for module in _MODULES
        for value in vars(module).values()
        if isinstance(value, RpcMethod)
    ]
