"""The JSON-RPC HTTP endpoint: ``POST /`` with JSON-RPC 2.0 bodies, as geth's HTTP server.

HTTP-level refusals are geth's, in plain text, before any JSON-RPC processing: a body over
:attr:`RpcLimits.max_body_bytes` gets 413 ``content length too large (N>LIMIT)`` (a chunked
body without a length, ``(>LIMIT)``); a content type other than ``application/json`` (or
``application/json-rpc``, ``application/jsonrequest``) gets 415; methods other than GET, POST
and OPTIONS get 405.
``GET /`` answers 200 with a one-line text, so load balancers can probe the port (geth answers
such probes with an empty 200).

Authentication: with an :class:`~node.rpc.auth.RpcAuth`, ``POST /`` needs an
``Authorization: Bearer <JWT>`` header; without a valid token it is answered 401 with a
JSON-RPC error -40100 "Unauthorized: <why>" (Besu's code), before the body is read, and every
call of an authenticated request is checked against the token's role
(:mod:`node.rpc.access`). Probes and CORS preflights need no token.

CORS: the allowed origins default to ``*``, as a development node started with geth's
``--http.corsdomain "*"``: every response to a request with an allowed ``Origin`` carries
``Access-Control-Allow-Origin``, and preflight ``OPTIONS`` requests are answered 204 with the
allowed methods (GET, POST) and headers, cached for 600 s. Pass ``cors_origins=()`` to send no
CORS headers at all (geth's default).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from node.rpc.access import AccessPolicy
from node.rpc.auth import RpcAuth, TokenError, unauthorized_body
from node.rpc.backend import NodeBackend
from node.rpc.limits import RpcLimits
from node.rpc.methods import all_methods
from node.rpc.protocol import JsonRpcProcessor
from node.rpc.registry import RpcContext, method_table

__all__ = ["RpcLimits", "create_rpc_app"]

logger = logging.getLogger(__name__)

_PROCESSOR = web.AppKey("processor", JsonRpcProcessor)
_LIMITS = web.AppKey("limits", RpcLimits)
_AUTH = web.AppKey("auth", RpcAuth)
_ACCEPTED_CONTENT_TYPES = ("application/json", "application/json-rpc", "application/jsonrequest")
_PROBE_TEXT = "Data Circulation Ledger JSON-RPC endpoint: POST JSON-RPC 2.0 requests here.\n"
_CORS_MAX_AGE = "600"


def create_rpc_app(
    backend: NodeBackend,
    limits: RpcLimits,
    *,
    cors_origins: Sequence[str] = ("*",),
    auth: RpcAuth | None = None,
) -> web.Application:
    """An aiohttp application serving the node's JSON-RPC methods at ``/``; with ``auth``,
    to bearers of a valid token only, each by its role."""
    app = web.Application(
        client_max_size=limits.max_body_bytes, middlewares=[_cors_middleware(cors_origins)]
    )
    app[_PROCESSOR] = JsonRpcProcessor(
        method_table(all_methods()),
        RpcContext(backend, limits),
        None if auth is None else AccessPolicy(backend),
    )
    app[_LIMITS] = limits
    if auth is not None:
        app[_AUTH] = auth
    app.router.add_post("/", _serve_json_rpc)
    app.router.add_get("/", _serve_probe)
    app.router.add_route("OPTIONS", "/", _serve_preflight)
    return app


async def _serve_json_rpc(request: web.Request) -> web.StreamResponse:
    caller = None
    auth = request.app.get(_AUTH)
    if auth is not None:
        try:
            caller = auth.authenticate(request.headers.get("Authorization"))
        except TokenError as error:
            logger.info("refused http request", extra={"http_status": 401, "reason": str(error)})
            return web.json_response(unauthorized_body(error), status=401)
    limit = request.app[_LIMITS].max_body_bytes
    if request.content_length is not None and request.content_length > limit:
        return _plain(413, f"content length too large ({request.content_length}>{limit})")
    if request.content_type not in _ACCEPTED_CONTENT_TYPES:
        return _plain(415, "invalid content type, only application/json is supported")
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _plain(413, f"content length too large (>{limit})")
    answer = await request.app[_PROCESSOR].answer(body, caller)
    return web.Response(body=(answer or "").encode(), content_type="application/json")


async def _serve_probe(request: web.Request) -> web.StreamResponse:
    return web.Response(text=_PROBE_TEXT)


async def _serve_preflight(request: web.Request) -> web.StreamResponse:
    return web.Response(status=204)


def _plain(status: int, text: str) -> web.Response:
    logger.info("refused http request", extra={"http_status": status, "reason": text})
    return web.Response(status=status, text=text + "\n")


def _cors_middleware(origins: Sequence[str]) -> Middleware:
    """Add CORS headers for allowed origins; answer preflights with methods and headers."""
    allow_any = "*" in origins

    @web.middleware
    async def cors(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        origin = request.headers.get("Origin")
        if origin is None or not (allow_any or origin in origins):
            return response
        response.headers["Access-Control-Allow-Origin"] = "*" if allow_any else origin
        response.headers["Vary"] = "Origin"
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, POST"
            response.headers["Access-Control-Allow-Headers"] = request.headers.get(
                "Access-Control-Request-Headers", "Content-Type"
            )
            response.headers["Access-Control-Max-Age"] = _CORS_MAX_AGE
        return response

    return cors
