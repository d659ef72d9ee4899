"""Trade certificates: built by this node for a settled order its caller may see, and verified
for anyone against this node's own genesis (the same checks as ``dcl-client
verify-certificate``, which needs no node at all).

A certificate shows the settlement's parties and amounts, so it is served to exactly those who
may read the order (its parties, the exchanges involved, regulators); anyone else, and an order
that does not exist, get the same 404. An order that exists but has not settled gets 409.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from client.certificate import TrustAnchor, verdict_json, verify_certificate
from node.certificate import (
    CertificateError,
    OrderNotSettled,
    UnknownOrder,
    build_trade_certificate,
)
from node.chain.chain_reader import ChainReader
from node.chain.header_rules import decoded_extra
from node.gateway import index
from node.gateway.context import caller_roles, gateway, json_body
from node.gateway.limits import CERTIFICATE_VERIFY_PATH
from node.gateway.params import Query, path_id
from node.gateway.problems import Problem
from node.gateway.views import may_see

routes = web.RouteTableDef()
UINT32_MAX = 2**32 - 1


def _not_found(order_id: int) -> Problem:
    return Problem(404, "not-found", f"no order {order_id} (or it is not visible to this caller)")


@routes.get("/v1/trades/{orderId}/certificate")
async def certificate(request: web.Request) -> web.Response:
    caller = await caller_roles(request)
    order_id = path_id(request.match_info["orderId"], "orderId")
    state = gateway(request)
    query = Query(request.query, state.limits)
    bill = query.integer("bill", UINT32_MAX)
    query.check()
    backend = state.backend
    record = await backend.run_query(lambda: index.order_record(backend.database, order_id))
    if record is None or not may_see(caller, record["exchanges"], record["parties"]):
        raise _not_found(order_id)
    try:
        document = await backend.run_query(
            lambda: build_trade_certificate(backend.ledger, order_id, bill_no=bill)
        )
    except UnknownOrder:
        raise _not_found(order_id) from None
    except OrderNotSettled as error:
        raise Problem(409, "not-settled", str(error)) from None
    except CertificateError as error:
        raise Problem(503, "certificate-unavailable", str(error)) from None
    return web.json_response(document, dumps=_dumps)


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def trust_anchor_of(ledger: ChainReader) -> TrustAnchor:
    """What a verifier would compute from this chain's genesis file, read from its genesis
    header instead."""
    genesis = ledger.header_by_number(0)
    assert genesis is not None
    validators = tuple(sorted(set(decoded_extra(genesis).validators)))
    return TrustAnchor(ledger.chain_id, bytes(genesis.hash), validators)


@routes.post(CERTIFICATE_VERIFY_PATH)
async def verify(request: web.Request) -> web.Response:
    await caller_roles(request)
    document = await json_body(request)
    state = gateway(request)
    if state.trust_anchor is None:
        state.trust_anchor = trust_anchor_of(state.backend.ledger)
    anchor = state.trust_anchor
    verdict = await state.backend.run_query(lambda: verify_certificate(document, anchor))
    return web.json_response(verdict_json(verdict))
