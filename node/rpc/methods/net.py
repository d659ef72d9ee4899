"""``net_*``: network identity. The network id is the chain id, in decimal as geth writes it.

Validator connectivity belongs to the p2p layer; until it reports peers, the count is 0.
"""

from __future__ import annotations

from node.rpc.format import quantity
from node.rpc.registry import RpcContext, rpc_method


@rpc_method("net_version")
async def version(ctx: RpcContext) -> str:
    return str(ctx.backend.chain_id)


@rpc_method("net_listening")
async def listening(ctx: RpcContext) -> bool:
    return True


@rpc_method("net_peerCount")
async def peer_count(ctx: RpcContext) -> str:
    return quantity(0)
