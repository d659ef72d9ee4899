"""Facts about the chain and this node: chain id, head number, sync state, local accounts.

The node holds no keys for participants (they sign their own transactions), so it lists no
accounts.
"""

from __future__ import annotations

from node.rpc.format import quantity
from node.rpc.registry import RpcContext, rpc_method


@rpc_method("eth_chainId")
async def chain_id(ctx: RpcContext) -> str:
    return quantity(ctx.backend.chain_id)


@rpc_method("eth_blockNumber")
async def block_number(ctx: RpcContext) -> str:
    return quantity(ctx.backend.ledger.head().block_number)


@rpc_method("eth_syncing")
async def syncing(ctx: RpcContext) -> bool:
    return False


@rpc_method("eth_accounts")
async def accounts(ctx: RpcContext) -> list[str]:
    return []
