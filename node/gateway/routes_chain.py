"""What a client needs to sign a transaction itself: the chain (its id, genesis hash and head)
and an account's next nonce, counting the transactions of it waiting in the pool (as
``eth_getTransactionCount(address, "pending")``), so a participant needs no JSON-RPC."""

from __future__ import annotations

from aiohttp import web

from node.gateway.context import caller_roles, gateway
from node.gateway.params import path_address

routes = web.RouteTableDef()


@routes.get("/v1/chain")
async def chain(request: web.Request) -> web.Response:
    await caller_roles(request)
    ledger = gateway(request).backend.ledger
    genesis, head = ledger.header_by_number(0), ledger.head()
    assert genesis is not None
    return web.json_response(
        {
            "chainId": ledger.chain_id,
            "genesisHash": "0x" + genesis.hash.hex(),
            "head": {
                "number": head.block_number,
                "hash": "0x" + head.hash.hex(),
                "timestamp": head.timestamp,
            },
        }
    )


@routes.get("/v1/accounts/{address}")
async def account(request: web.Request) -> web.Response:
    await caller_roles(request)
    address = path_address(request.match_info["address"], "address")
    nonce = gateway(request).backend.pending_nonce(bytes.fromhex(address[2:]))
    return web.json_response({"address": address, "nonce": nonce})
