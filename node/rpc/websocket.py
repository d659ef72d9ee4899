"""The JSON-RPC WebSocket endpoint: the HTTP method set plus eth_subscribe, on its own port.

Each text (or binary) frame is one JSON-RPC message or batch, answered with the same processor
as HTTP, so ethers' ``WebSocketProvider`` can send everything over the socket. Requests of one
connection run concurrently (up to :attr:`WebSocketLimits.max_in_flight`), as geth's, and may
be answered out of order; answers carry their ids.

Everything written to a client (answers and notifications) goes through one bounded queue
(:class:`~node.rpc.subscriptions.Outbox`) drained by one writer task. When a client reads too
slowly for its subscriptions, the queue refuses a message: the node logs it, forgets the
queue and closes the connection with 1008 (policy violation), so a slow subscriber costs at
most :attr:`WebSocketLimits.send_queue_bytes`. A frame over the request size limit is closed
with 1009 (message too big); the node's shutdown closes every connection with 1001 (going
away). A plain ``GET /`` without an upgrade answers a one-line text, for probes.

Authentication, where the node requires it: the upgrade request carries ``Authorization:
Bearer <JWT>``; without a valid token it is answered 401 (JSON-RPC error -40100) and never
upgraded. Every call on the connection is then checked against the token's role, as over
HTTP, and once the token expires the connection is closed (1008, "token expired").
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Final

from aiohttp import WSCloseCode, WSMsgType, web

from node.rpc.access import AccessPolicy
from node.rpc.auth import Caller, RpcAuth, TokenError, unauthorized_body
from node.rpc.backend import NodeBackend
from node.rpc.limits import RpcLimits, WebSocketLimits
from node.rpc.methods import all_methods
from node.rpc.protocol import JsonRpcProcessor
from node.rpc.registry import RpcContext, RpcMethod, method_table
from node.rpc.subscriptions import Outbox, SubscriptionHub, SubscriptionSession

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS: Final = 30.0
"""Ping interval (geth's ``wsPingInterval``); a client that does not answer is closed."""
CLOSE_TIMEOUT_SECONDS: Final = 5.0
"""How long a closing handshake may take before the connection is dropped outright."""
LAGGING_REASON: Final = b"subscriber too slow: send queue full"
EXPIRED_REASON: Final = b"token expired"
SHUTDOWN_REASON: Final = b"node shutting down"
_PROBE_TEXT: Final = (
    "Data Circulation Ledger JSON-RPC WebSocket endpoint: connect with a WebSocket client.\n"
)


class _Endpoint:
    """What every connection of the app shares."""

    def __init__(
        self,
        backend: NodeBackend,
        limits: RpcLimits,
        hub: SubscriptionHub,
        ws_limits: WebSocketLimits,
        auth: RpcAuth | None,
    ) -> None:
        self.backend = backend
        self.limits = limits
        self.hub = hub
        self.ws_limits = ws_limits
        self.auth = auth
        self.access = None if auth is None else AccessPolicy(backend)
        self.methods: dict[str, RpcMethod] = method_table(all_methods())
        self.sockets: set[web.WebSocketResponse] = set()


_ENDPOINT = web.AppKey("endpoint", _Endpoint)


class _SocketConnection:
    """A connection as the subscription hub sees it: a queue that may refuse."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        self.ready = asyncio.Event()
        self.lagging = asyncio.Event()

    def send(self, message: str) -> bool:
        accepted = self.outbox.send(message)
        if not accepted:
            self.lagging.set()
        self.ready.set()
        return accepted


def create_ws_app(
    backend: NodeBackend,
    limits: RpcLimits,
    hub: SubscriptionHub,
    ws_limits: WebSocketLimits,
    auth: RpcAuth | None = None,
) -> web.Application:
    """An aiohttp application serving JSON-RPC over WebSocket at ``/``; with ``auth``, to
    bearers of a valid token only, each by its role."""
    app = web.Application()
    app[_ENDPOINT] = _Endpoint(backend, limits, hub, ws_limits, auth)
    app.router.add_get("/", _serve_socket)
    app.on_shutdown.append(_close_all)
    return app


async def _serve_socket(request: web.Request) -> web.StreamResponse:
    endpoint = request.app[_ENDPOINT]
    ws = web.WebSocketResponse(
        heartbeat=HEARTBEAT_SECONDS,
        max_msg_size=endpoint.limits.max_body_bytes,
        timeout=CLOSE_TIMEOUT_SECONDS,
    )
    if not ws.can_prepare(request).ok:
        return web.Response(text=_PROBE_TEXT)
    caller = None
    if endpoint.auth is not None:
        try:
            caller = endpoint.auth.authenticate(request.headers.get("Authorization"))
        except TokenError as error:
            return web.json_response(unauthorized_body(error), status=401)
    await ws.prepare(request)
    connection = _SocketConnection(Outbox(endpoint.ws_limits.send_queue_bytes))
    endpoint.sockets.add(ws)
    writer = asyncio.create_task(_write(ws, connection))
    watchdog = asyncio.create_task(_close_when_lagging(request, ws, connection, writer))
    slots = asyncio.Semaphore(endpoint.ws_limits.max_in_flight)
    calls: set[asyncio.Task[None]] = set()

    def finished(task: asyncio.Task[None]) -> None:
        calls.discard(task)
        slots.release()

    try:
        async for message in ws:
            if message.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                continue
            auth = endpoint.auth
            if caller is not None and auth is not None and caller.expires <= auth.clock():
                await _close(request, ws, WSCloseCode.POLICY_VIOLATION, EXPIRED_REASON)
                break
            await slots.acquire()
            body = message.data.encode() if message.type is WSMsgType.TEXT else message.data
            task = asyncio.create_task(_answer(endpoint, connection, body, caller))
            calls.add(task)
            task.add_done_callback(finished)
    finally:
        endpoint.sockets.discard(ws)
        endpoint.hub.drop(connection)
        for task in (*calls, writer):
            task.cancel()
        if connection.lagging.is_set():
            await watchdog
        else:
            watchdog.cancel()
        await asyncio.gather(*calls, writer, watchdog, return_exceptions=True)
    return ws


async def _answer(
    endpoint: _Endpoint, connection: _SocketConnection, body: bytes, caller: Caller | None
) -> None:
    """Answer one message; its subscriptions go live once the answer is queued."""
    session = SubscriptionSession(endpoint.hub, connection)
    context = RpcContext(endpoint.backend, endpoint.limits, session)
    processor = JsonRpcProcessor(endpoint.methods, context, endpoint.access)
    answer = await processor.answer(body, caller)
    if answer is not None and not connection.send(answer):
        return
    session.activate()


async def _write(ws: web.WebSocketResponse, connection: _SocketConnection) -> None:
    while True:
        message = connection.outbox.take()
        if message is None:
            connection.ready.clear()
            await connection.ready.wait()
            continue
        try:
            await ws.send_str(message)
        except ConnectionError:
            return


async def _close_when_lagging(
    request: web.Request,
    ws: web.WebSocketResponse,
    connection: _SocketConnection,
    writer: asyncio.Task[None],
) -> None:
    await connection.lagging.wait()
    writer.cancel()
    logger.warning(
        "websocket subscriber fell behind; disconnecting",
        extra={
            "fields": {
                "remote": request.remote,
                "queued_bytes": connection.outbox.queued_bytes,
                "limit_bytes": connection.outbox.max_bytes,
                "close_code": int(WSCloseCode.POLICY_VIOLATION),
            }
        },
    )
    connection.outbox.clear()
    await _close(request, ws, WSCloseCode.POLICY_VIOLATION, LAGGING_REASON)


async def _close(
    request: web.Request, ws: web.WebSocketResponse, code: WSCloseCode, reason: bytes
) -> None:
    """Close with ``code``; a peer that does not take the close frame in time is cut off."""
    transport = request.transport
    try:
        await asyncio.wait_for(ws.close(code=code, message=reason), CLOSE_TIMEOUT_SECONDS)
    except (TimeoutError, ConnectionError):
        if transport is not None:
            transport.abort()


async def _close_all(app: web.Application) -> None:
    sockets = list(app[_ENDPOINT].sockets)
    with contextlib.suppress(Exception):
        await asyncio.gather(
            *(
                asyncio.wait_for(
                    ws.close(code=WSCloseCode.GOING_AWAY, message=SHUTDOWN_REASON),
                    CLOSE_TIMEOUT_SECONDS,
                )
                for ws in sockets
            ),
            return_exceptions=True,
        )
