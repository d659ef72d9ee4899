"""``web3_*``: the client's identity and Keccak-256 as a service."""

from __future__ import annotations

from eth_utils import keccak

from node.rpc import params
from node.rpc.format import hex_data
from node.rpc.registry import RpcContext, required, rpc_method


@rpc_method("web3_clientVersion")
async def client_version(ctx: RpcContext) -> str:
    return ctx.backend.client_version


@rpc_method("web3_sha3", required(params.data))
async def sha3(ctx: RpcContext, data: bytes) -> str:
    return hex_data(keccak(data))
