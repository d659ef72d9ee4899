"""Reads: exchanges and participants (public registries, live from the head state), products
(searchable, from the domain index), and orders and authorizations (their parties, exchanges
and regulators only)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from client.contracts import decode_exchange_code, encode_exchange_code
from client.domain_events import to_json
from node.gateway import index
from node.gateway.call_rules import PARTICIPANT_ROLE_BITS
from node.gateway.chain_views import view
from node.gateway.context import caller_roles, gateway
from node.gateway.params import Query, make_cursor, path_address, path_id
from node.gateway.problems import FieldError, Problem
from node.gateway.roles import CallerRoles
from node.gateway.views import (
    CLASSIFICATIONS,
    PRODUCT_STATUSES,
    RIGHTS,
    event_view,
    may_see,
    may_see_event,
    product_view,
)

routes = web.RouteTableDef()
EXCHANGE_STATUSES = ("none", "active", "suspended", "removed")
PARTICIPANT_STATUSES = ("none", "active", "suspended", "revoked")
ORDER_STATUSES = ("none", "created", "accepted", "cancelled")
GRANT_STATUSES = ("none", "active", "revoked")


def _not_found(what: str) -> Problem:
    return Problem(404, "not-found", f"no {what} (or it is not visible to this caller)")


def _page(items: list[Any], listing: str, after: Any) -> dict[str, Any]:
    return {"items": items, "next": None if after is None else make_cursor(listing, after)}


async def _on_head(request: web.Request, function: Any) -> Any:
    """Run ``function(vm)`` on the head state on a query thread."""
    backend = gateway(request).backend
    head = backend.ledger.head()
    return await backend.run_query(lambda: function(backend.ledger.vm_at(head)))


def _exchange_json(vm: Any, chain_id: int, code: str) -> dict[str, Any] | None:
    """The exchange with its published fee rates (which an order must name), or None."""
    encoded = encode_exchange_code(code)
    entry = view(vm, chain_id, "ExchangeRegistry", "exchange", encoded)
    if entry["status"] == 0:
        return None
    fees = view(vm, chain_id, "TradeSettlement", "feeSchedule", encoded)
    return {
        "code": code,
        "name": entry["name"],
        "city": entry["city"],
        "operators": entry["operators"],
        "validator": entry["validator"],
        "observers": entry["observers"],
        "status": EXCHANGE_STATUSES[entry["status"]],
        "fees": fees,
    }


@routes.get("/v1/exchanges")
async def exchanges(request: web.Request) -> web.Response:
    await caller_roles(request)
    chain_id = gateway(request).backend.chain_id

    def read(vm: Any) -> list[dict[str, Any]]:
        codes = view(vm, chain_id, "ExchangeRegistry", "exchangeCodes")
        found = (_exchange_json(vm, chain_id, decode_exchange_code(code)) for code in codes)
        return [entry for entry in found if entry is not None]

    return web.json_response({"items": await _on_head(request, read), "next": None})


@routes.get("/v1/exchanges/{code}")
async def exchange(request: web.Request) -> web.Response:
    await caller_roles(request)
    code = request.match_info["code"]
    chain_id = gateway(request).backend.chain_id
    try:
        encode_exchange_code(code)
    except ValueError:
        raise _not_found(f"exchange {code!r}") from None
    found = await _on_head(request, lambda vm: _exchange_json(vm, chain_id, code))
    if found is None:
        raise _not_found(f"exchange {code!r}")
    return web.json_response(found)


def _participant_json(record: dict[str, Any], live: dict[str, Any]) -> dict[str, Any]:
    return {
        "account": record["account"],
        "homeExchange": record["homeExchange"],
        "roles": [name for name, bit in PARTICIPANT_ROLE_BITS.items() if live["roles"] & bit],
        "jurisdiction": live["jurisdiction"].decode("ascii", "replace"),
        "status": PARTICIPANT_STATUSES[live["status"]],
        "registeredInBlock": record["registeredInBlock"],
    }


@routes.get("/v1/participants")
async def participants(request: web.Request) -> web.Response:
    await caller_roles(request)
    state = gateway(request)
    query = Query(request.query, state.limits)
    limit, after = query.limit(), query.address_cursor("participants")
    query.check()
    db, chain_id = state.backend.database, state.backend.chain_id

    def read(vm: Any) -> tuple[list[dict[str, Any]], str | None]:
        records, last = index.participant_records(db, after, limit)
        items = [
            _participant_json(
                r, view(vm, chain_id, "ParticipantRegistry", "participant", r["account"])
            )
            for r in records
        ]
        return items, last

    items, last = await _on_head(request, read)
    return web.json_response(_page(items, "participants", last))


@routes.get("/v1/participants/{address}")
async def participant(request: web.Request) -> web.Response:
    await caller_roles(request)
    account = path_address(request.match_info["address"], "address")
    state = gateway(request)
    db, chain_id = state.backend.database, state.backend.chain_id

    def read(vm: Any) -> dict[str, Any] | None:
        record = index.participant_record(db, account)
        if record is None:
            return None
        return _participant_json(
            record, view(vm, chain_id, "ParticipantRegistry", "participant", account)
        )

    found = await _on_head(request, read)
    if found is None:
        raise _not_found(f"participant {account}")
    return web.json_response(found)


@routes.get("/v1/products")
async def products(request: web.Request) -> web.Response:
    await caller_roles(request)
    state = gateway(request)
    query = Query(request.query, state.limits)
    rights = 0
    for name in (query.text("rights") or "").split(","):
        if name and name not in RIGHTS:
            query.errors.append(
                _field("rights", "expected rights among " + ", ".join(RIGHTS) + ", comma-separated")
            )
        rights |= RIGHTS.get(name, 0)
    filters = index.ProductFilters(
        exchange=query.exchange("exchange"),
        category=query.bytes32("category"),
        classification=query.choice("classification", CLASSIFICATIONS),
        rights=rights,
        status=query.choice("status", PRODUCT_STATUSES[1:]),
        text=query.text("q"),
    )
    if filters.status is not None:
        filters = index.ProductFilters(**{**filters.__dict__, "status": filters.status + 1})
    limit, after = query.limit(), query.cursor("products")
    query.check()
    db = state.backend.database
    records, last = await state.backend.run_query(
        lambda: index.search_products(db, filters, int(after or 0), limit)
    )
    return web.json_response(_page([product_view(r) for r in records], "products", last))


def _field(name: str, message: str) -> FieldError:
    return FieldError(f"query.{name}", message)


@routes.get("/v1/products/{productId}")
async def product(request: web.Request) -> web.Response:
    await caller_roles(request)
    product_id = path_id(request.match_info["productId"], "productId")
    backend = gateway(request).backend
    db, head = backend.database, backend.ledger.head().block_number

    def read() -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        record = index.product_record(db, product_id)
        if record is None:
            return None, []
        history, _ = index.events(
            db, index.EventFilters(product=product_id), None, 10_000, lambda r: True, head
        )
        return record, history

    record, history = await backend.run_query(read)
    if record is None:
        raise _not_found(f"product {product_id}")
    return web.json_response(
        {**product_view(record), "history": [event_view(e) for e in history if e["public"]]}
    )


# -- orders and authorizations -------------------------------------------------------------------


def _listing_scope(caller: CallerRoles) -> tuple[str | None, str | None]:
    """Whose records a listing shows: all (regulators), an exchange's, or the caller's own."""
    if caller.reads_everything:
        return None, None
    if caller.exchange is not None:
        return None, caller.exchange
    return caller.address, None


async def _records(request: web.Request, kind: bytes, listing: str, read_one: Any) -> web.Response:
    caller = await caller_roles(request)
    state = gateway(request)
    query = Query(request.query, state.limits)
    limit, after = query.limit(), query.cursor(listing)
    query.check()
    party, exchange = _listing_scope(caller)
    db = state.backend.database

    def read() -> tuple[list[dict[str, Any]], int | None]:
        ids, last = index.record_ids(
            db, kind, party=party, exchange=exchange, after=int(after or 0), limit=limit
        )
        return [r for i in ids if (r := read_one(db, i)) is not None], last

    items, last = await state.backend.run_query(read)
    return web.json_response(_page(items, listing, last))


@routes.get("/v1/orders")
async def orders(request: web.Request) -> web.Response:
    return await _records(request, index.ORDER_KIND, "orders", index.order_record)


@routes.get("/v1/authorizations")
async def authorizations(request: web.Request) -> web.Response:
    return await _records(request, index.GRANT_KIND, "authorizations", index.grant_record)


async def _record(
    request: web.Request, what: str, record_id: int, read_one: Any, live_view: tuple[str, str]
) -> web.Response:
    caller = await caller_roles(request)
    backend = gateway(request).backend
    db, head, chain_id = backend.database, backend.ledger.head(), backend.chain_id
    record = await backend.run_query(lambda: read_one(db, record_id))
    if record is None or not may_see(caller, record["exchanges"], record["parties"]):
        raise _not_found(f"{what} {record_id}")
    filters = (
        index.EventFilters(order=record_id)
        if what == "order"
        else index.EventFilters(grant=record_id)
    )

    def read() -> tuple[Any, list[dict[str, Any]]]:
        vm = backend.ledger.vm_at(head)
        live = view(vm, chain_id, live_view[0], live_view[1], record_id)
        history, _ = index.events(
            db, filters, None, 10_000, lambda r: may_see_event(caller, r), head.block_number
        )
        return live, history

    live, history = await backend.run_query(read)
    return web.json_response(
        {
            **record,
            "state": _state_json(live, what),
            "asOfBlock": head.block_number,
            "events": [event_view(e) for e in history],
        }
    )


def _state_json(live: dict[str, Any], what: str) -> dict[str, Any]:
    state = dict(to_json(live))
    statuses = ORDER_STATUSES if what == "order" else GRANT_STATUSES
    if isinstance(state.get("status"), int) and state["status"] < len(statuses):
        state["status"] = statuses[state["status"]]
    return state


@routes.get("/v1/orders/{orderId}")
async def order(request: web.Request) -> web.Response:
    order_id = path_id(request.match_info["orderId"], "orderId")
    return await _record(
        request, "order", order_id, index.order_record, ("TradeSettlement", "order")
    )


@routes.get("/v1/authorizations/{grantId}")
async def authorization(request: web.Request) -> web.Response:
    grant_id = path_id(request.match_info["grantId"], "grantId")
    return await _record(
        request, "authorization", grant_id, index.grant_record, ("AuthorizationRegistry", "grant")
    )
