"""Sign-In with Ethereum: a challenge for an address, a login with its signature, and who the
token's holder is now."""

from __future__ import annotations

from aiohttp import web
from eth_utils import is_address, to_checksum_address

from node.gateway.context import body_string, caller_roles, gateway, json_body
from node.gateway.problems import FieldError, invalid

routes = web.RouteTableDef()


@routes.post("/v1/auth/challenge")
async def challenge(request: web.Request) -> web.Response:
    body = await json_body(request)
    address = body_string(body, "address")
    if not is_address(address):
        raise invalid([FieldError("body.address", "expected a 20-byte 0x-prefixed address")])
    state = gateway(request)
    message = state.challenges.issue(
        domain=request.host,
        uri=f"{request.scheme}://{request.host}",
        address=to_checksum_address(address),
        chain_id=state.backend.chain_id,
        now=state.clock(),
    )
    return web.json_response(
        {
            "message": message.text(),
            "nonce": message.nonce,
            "expiresAt": int(message.expires_at),
        }
    )


@routes.post("/v1/auth/login")
async def login(request: web.Request) -> web.Response:
    body = await json_body(request)
    message, signature = body_string(body, "message"), body_string(body, "signature")
    state = gateway(request)
    now = state.clock()
    address = state.challenges.redeem(message, signature, now)
    token, expires = state.tokens.issue(address, now)
    return web.json_response(
        {"token": token, "tokenType": "Bearer", "address": address, "expiresAt": expires}
    )


@routes.get("/v1/me")
async def me(request: web.Request) -> web.Response:
    roles = await caller_roles(request)
    return web.json_response(roles.as_json())
