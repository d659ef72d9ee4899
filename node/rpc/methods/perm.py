"""Besu's ``perm_*`` read methods, over the permissioning this chain enforces on chain.

``perm_getAccountStatus(address)`` answers whether the account may send a transaction in the
block after the head and why (its roles in the registries, or the reason it may not);
``perm_getNodesAllowlist()`` the node keys this node admits to its peer network. Besu's
allowlist-editing methods (``perm_addAccountsToAllowlist`` and friends) have no counterpart:
accounts are permitted by the registries' own transactions, and a node's local allowlist is
its ``--allowlist`` file. ``asOfBlock`` is the head, as a hex quantity.
"""

from __future__ import annotations

from typing import Any

from node.permission_views import account_status_json, nodes_allowlist_json
from node.rpc import params
from node.rpc.format import quantity
from node.rpc.registry import RpcContext, required, rpc_method


def _hex_block(answer: dict[str, Any]) -> dict[str, Any]:
    return {**answer, "asOfBlock": quantity(answer["asOfBlock"])}


@rpc_method("perm_getAccountStatus", required(params.address))
async def get_account_status(ctx: RpcContext, address: bytes) -> dict[str, Any]:
    ledger = ctx.backend.ledger
    head = ledger.head()
    return _hex_block(
        await ctx.backend.run_query(lambda: account_status_json(ledger, head, address))
    )


@rpc_method("perm_getNodesAllowlist")
async def get_nodes_allowlist(ctx: RpcContext) -> dict[str, Any]:
    ledger = ctx.backend.ledger
    head = ledger.head()
    keys = ctx.backend.local_node_keys()
    return _hex_block(await ctx.backend.run_query(lambda: nodes_allowlist_json(ledger, head, keys)))
