"""The regulator's view: every order, authorization and dispute of the market, filtered, the
audit report's figures, live as of the head block, and permissioning (an account's status,
the node allowlist; as JSON-RPC's ``perm_*``). Regulators only: anyone else is answered
403, since these listings exist to show every participant's records at once.

Everything is read from the live desk (``node.gateway.audit_desk``), folded from the same
events as ``dcl audit report``; each answer names the block it is as of.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from eth.abc import BlockHeaderAPI

from node.audit.market_desk import DisputeQuery, GrantQuery, MarketDesk, OrderQuery, report_chain
from node.gateway.audit_views import (
    GRANT_STATUSES,
    ORDER_STATUSES,
    RESOLUTIONS,
    dispute_json,
    grant_json,
    order_json,
)
from node.gateway.context import caller_roles, gateway
from node.gateway.params import Query, make_cursor, path_address
from node.gateway.problems import Problem
from node.permission_views import account_status_json, nodes_allowlist_json

routes = web.RouteTableDef()
DISPUTE_STATES = ("open", "resolved")
AWARDS = RESOLUTIONS[:3]
"""Resolutions a dispute can have (a non-delivery refund is claimed, not disputed)."""


async def _regulator_query(request: web.Request) -> Query:
    """The query of a signed-in regulator; 401 without a token, 403 for anyone else."""
    caller = await caller_roles(request)
    if not caller.reads_everything:
        raise Problem(
            403,
            "forbidden",
            f"the audit routes serve regulators only; {caller.address} is not a regulator",
        )
    return Query(request.query, gateway(request).limits)


def _page(listing: str, items: list[Any], after: Any, head: BlockHeaderAPI) -> dict[str, Any]:
    return {
        "items": items,
        "next": None if after is None else make_cursor(listing, after),
        "asOfBlock": head.block_number,
    }


@routes.get("/v1/audit/figures")
async def figures(request: web.Request) -> web.Response:
    await _regulator_query(request)
    backend = gateway(request).backend
    genesis = backend.ledger.header_by_number(0)
    assert genesis is not None
    chain_id = backend.chain_id

    def read(desk: MarketDesk, head: BlockHeaderAPI) -> dict[str, Any]:
        chain = report_chain(
            chain_id, bytes(genesis.hash), head.block_number, bytes(head.hash), desk.events
        )
        return {"chain": chain, "figures": desk.figures.figures()}

    return web.json_response(await gateway(request).audit.read(backend, read))


@routes.get("/v1/audit/orders")
async def orders(request: web.Request) -> web.Response:
    query = await _regulator_query(request)
    status = query.choice("status", ORDER_STATUSES[1:])
    filters = OrderQuery(
        status=None if status is None else status + 1,
        frozen=query.boolean("frozen"),
        cross_border=query.boolean("crossBorder"),
        disputed=query.boolean("disputed"),
        exchange=query.exchange("exchange"),
        party=query.address("party"),
        product=query.integer("product"),
    )
    limit, after = query.limit(), query.cursor("audit-orders")
    query.check()

    def read(desk: MarketDesk, head: BlockHeaderAPI) -> dict[str, Any]:
        found, last = desk.order_page(filters, after, limit)
        items = [order_json(desk, order_id, facts) for order_id, facts in found]
        return _page("audit-orders", items, last, head)

    state = gateway(request)
    return web.json_response(await state.audit.read(state.backend, read))


@routes.get("/v1/audit/authorizations")
async def authorizations(request: web.Request) -> web.Response:
    query = await _regulator_query(request)
    status = query.choice("status", GRANT_STATUSES[1:])
    filters = GrantQuery(
        status=None if status is None else status + 1,
        exchange=query.exchange("exchange"),
        party=query.address("party"),
        product=query.integer("product"),
        order=query.integer("order"),
    )
    limit, after = query.limit(), query.cursor("audit-authorizations")
    query.check()

    def read(desk: MarketDesk, head: BlockHeaderAPI) -> dict[str, Any]:
        found, last = desk.grant_page(filters, after, limit)
        items = [grant_json(desk, grant_id, facts) for grant_id, facts in found]
        return _page("audit-authorizations", items, last, head)

    state = gateway(request)
    return web.json_response(await state.audit.read(state.backend, read))


@routes.get("/v1/audit/disputes")
async def disputes(request: web.Request) -> web.Response:
    query = await _regulator_query(request)
    state_index = query.choice("state", DISPUTE_STATES)
    filters = DisputeQuery(
        open=None if state_index is None else state_index == 0,
        resolution=query.choice("resolution", AWARDS),
        exchange=query.exchange("exchange"),
        party=query.address("party"),
        order=query.integer("order"),
    )
    limit, after = query.limit(), query.cursor("audit-disputes")
    query.check()

    def read(desk: MarketDesk, head: BlockHeaderAPI) -> dict[str, Any]:
        found, last = desk.dispute_page(filters, after, limit)
        items = [dispute_json(desk, dispute) for _, dispute in found]
        return _page("audit-disputes", items, last, head)

    state = gateway(request)
    return web.json_response(await state.audit.read(state.backend, read))


@routes.get("/v1/audit/permissions/accounts/{address}")
async def account_status(request: web.Request) -> web.Response:
    await _regulator_query(request)
    account = bytes.fromhex(path_address(request.match_info["address"], "address")[2:])
    backend = gateway(request).backend
    head = backend.ledger.head()
    found = await backend.run_query(lambda: account_status_json(backend.ledger, head, account))
    return web.json_response(found)


@routes.get("/v1/audit/permissions/nodes")
async def nodes_allowlist(request: web.Request) -> web.Response:
    await _regulator_query(request)
    backend = gateway(request).backend
    head = backend.ledger.head()
    keys = backend.local_node_keys()
    found = await backend.run_query(lambda: nodes_allowlist_json(backend.ledger, head, keys))
    return web.json_response(found)
