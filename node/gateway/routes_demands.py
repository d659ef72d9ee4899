"""The demand pool: demands are public and searchable; an offer is
visible to the demand's buyer, the offering supplier, their exchanges' operators and
regulators, and answered 404 to anyone else, as the other private records are. Before its
reveal an offer shows only its commitment: the price is not on chain until then."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from node.gateway import index
from node.gateway.context import caller_roles, gateway
from node.gateway.params import Query, make_cursor, path_id
from node.gateway.problems import FieldError, Problem
from node.gateway.roles import CallerRoles
from node.gateway.views import demand_view, event_view, may_see, offer_view

routes = web.RouteTableDef()
STATUS_CHOICES = (*index.DEMAND_STATUSES[1:], index.CLOSED)


def _not_found(what: str) -> Problem:
    return Problem(404, "not-found", f"no {what} (or it is not visible to this caller)")


def _currency(query: Query) -> str | None:
    value = query.text("currency", 3)
    if value is None:
        return None
    if len(value) != 3 or not (value.isascii() and value.isalpha() and value.isupper()):
        query.errors.append(FieldError("query.currency", "expected an ISO 4217 code such as CNY"))
        return None
    return "0x" + value.encode("ascii").hex()


@routes.get("/v1/demands")
async def demands(request: web.Request) -> web.Response:
    await caller_roles(request)
    state = gateway(request)
    query = Query(request.query, state.limits)
    status = query.choice("status", STATUS_CHOICES)
    filters = index.DemandFilters(
        exchange=query.exchange("exchange"),
        category=query.bytes32("category"),
        budget=query.integer("budget", 2**128 - 1),
        currency=_currency(query),
        status=None if status is None else STATUS_CHOICES[status],
        text=query.text("q"),
    )
    limit, after = query.limit(), query.cursor("demands")
    query.check()
    db = state.backend.database
    records, last = await state.backend.run_query(
        lambda: index.search_demands(db, filters, int(after or 0), limit)
    )
    return web.json_response(
        {
            "items": [demand_view(r) for r in records],
            "next": None if last is None else make_cursor("demands", last),
        }
    )


@routes.get("/v1/demands/{demandId}")
async def demand(request: web.Request) -> web.Response:
    """The demand and its public history (posted, withdrawn, taken down)."""
    await caller_roles(request)
    demand_id = path_id(request.match_info["demandId"], "demandId")
    backend = gateway(request).backend
    db, head = backend.database, backend.ledger.head().block_number

    def read() -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        record = index.demand_record(db, demand_id)
        if record is None:
            return None, []
        history, _ = index.events(
            db, index.EventFilters(demand=demand_id), None, 10_000, lambda r: r["public"], head
        )
        return record, history

    record, history = await backend.run_query(read)
    if record is None:
        raise _not_found(f"demand {demand_id}")
    return web.json_response({**demand_view(record), "history": [event_view(e) for e in history]})


def _visible(caller: CallerRoles, offer: dict[str, Any]) -> bool:
    return may_see(caller, offer["exchanges"], offer["parties"])


@routes.get("/v1/demands/{demandId}/offers")
async def demand_offers(request: web.Request) -> web.Response:
    """The offers on a demand the caller may see: all of them for the buyer, its exchange and
    regulators, its own for a supplier, none for anyone else."""
    caller = await caller_roles(request)
    demand_id = path_id(request.match_info["demandId"], "demandId")
    backend = gateway(request).backend
    db = backend.database

    def read() -> list[dict[str, Any]] | None:
        record = index.demand_record(db, demand_id)
        if record is None:
            return None
        offers = (index.offer_record(db, i) for i in record["offerIds"])
        return [offer_view(o) for o in offers if o is not None and _visible(caller, o)]

    items = await backend.run_query(read)
    if items is None:
        raise _not_found(f"demand {demand_id}")
    return web.json_response({"items": items, "next": None})


@routes.get("/v1/offers/{offerId}")
async def offer(request: web.Request) -> web.Response:
    caller = await caller_roles(request)
    offer_id = path_id(request.match_info["offerId"], "offerId")
    backend = gateway(request).backend
    db = backend.database
    record = await backend.run_query(lambda: index.offer_record(db, offer_id))
    if record is None or not _visible(caller, record):
        raise _not_found(f"offer {offer_id}")
    return web.json_response(offer_view(record))
