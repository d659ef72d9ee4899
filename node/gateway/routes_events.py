"""``GET /v1/events``: the domain events as server-sent events, filtered, resumable, and only
those the caller may see.

Each event's SSE ``id`` is its position in the chain (block number << 32 | log index), so a
client that reconnects with ``Last-Event-ID`` continues right after the last event it got;
``fromBlock`` starts from a block instead. The stream first replays what the index holds, then
follows new blocks. After each block's events it sends the comment ``: through block N`` (and
again every 15 s, as a keep-alive), so a client knows when it has caught up. The caller's roles
are read again at every block, so a suspension narrows what it sees from then on; the stream
ends when the token expires.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from aiohttp import web

from node.gateway import index
from node.gateway.context import caller_roles, gateway, session_of
from node.gateway.params import Query
from node.gateway.problems import FieldError, invalid
from node.gateway.roles import CallerRoles
from node.gateway.views import event_view, may_see_event
from node.storage.schema import log_position

routes = web.RouteTableDef()
BATCH = 500
MAX_EVENT_ID = 2**95
KEEPALIVE_SECONDS = 15.0


def _filters(request: web.Request) -> tuple[index.EventFilters, int | None]:
    query = Query(request.query, gateway(request).limits)
    filters = index.EventFilters(
        event=query.text("event", 64),
        exchange=query.exchange("exchange"),
        product=query.integer("product"),
        party=query.address("party"),
        order=query.integer("order"),
        grant=query.integer("grant"),
        demand=query.integer("demand"),
        from_block=query.integer("fromBlock", 2**63 - 1) or 0,
    )
    query.check()
    last_id = request.headers.get("Last-Event-ID")
    if last_id is None:
        return filters, None
    if not last_id.isdigit() or not last_id.isascii() or int(last_id) >= MAX_EVENT_ID:
        raise invalid([FieldError("header.Last-Event-ID", "expected an event id from this stream")])
    return filters, int(last_id)


def _visible_to(caller: CallerRoles) -> Callable[[dict[str, Any]], bool]:
    return lambda record: may_see_event(caller, record)


def _frame(record: dict[str, Any]) -> bytes:
    view = event_view(record)
    data = json.dumps(view, separators=(",", ":"))
    return f"id: {view['id']}\nevent: {view['event']}\ndata: {data}\n\n".encode()


@routes.get("/v1/events")
async def stream(request: web.Request) -> web.StreamResponse:
    session = session_of(request)
    caller = await caller_roles(request)
    filters, after = _filters(request)
    state = gateway(request)
    backend, db = state.backend, state.backend.database
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    await response.prepare(request)
    try:
        while state.clock() < session.expires_at:
            head = state.heads.number
            found, last = await backend.run_query(
                partial(index.events, db, filters, after, BATCH, _visible_to(caller), head)
            )
            for record in found:
                await response.write(_frame(record))
            if len(found) == BATCH and last is not None:
                after = last
                continue
            after = max(after if after is not None else -1, log_position(head + 1, 0) - 1)
            await response.write(f": through block {head}\n\n".encode())
            if await state.heads.after(head, KEEPALIVE_SECONDS) > head:
                caller = await caller_roles(request)
    except (ConnectionResetError, ConnectionError):
        pass
    return response
