"""The gateway's aiohttp application: routes, and the middleware that turns every refusal
into problem+json and enforces the body-size and request-rate limits.

The rate limit is per caller: its bearer token when it sends one (so one participant cannot
starve another behind the same address), else its IP address.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from node.gateway.context import BEARER, GATEWAY, Gateway, gateway
from node.gateway.openapi import openapi_document
from node.gateway.problems import PROBLEM_CONTENT_TYPE, Problem
from node.gateway.routes_audit import routes as audit_routes
from node.gateway.routes_auth import routes as auth_routes
from node.gateway.routes_certificates import routes as certificate_routes
from node.gateway.routes_chain import routes as chain_routes
from node.gateway.routes_demands import routes as demand_routes
from node.gateway.routes_events import routes as event_routes
from node.gateway.routes_reads import routes as read_routes
from node.gateway.routes_transactions import routes as transaction_routes

logger = logging.getLogger(__name__)

_HTTP_PROBLEMS = {
    404: ("not-found", "no such route"),
    405: ("method-not-allowed", "this route does not take that method"),
    413: ("payload-too-large", "the body is too large"),
}


def create_gateway_app(state: Gateway) -> web.Application:
    app = web.Application(
        client_max_size=max(state.limits.max_body_bytes, state.limits.max_certificate_bytes),
        middlewares=[_problems, _rate_and_size],
    )
    app[GATEWAY] = state
    app.router.add_get("/openapi.json", _openapi)
    app.router.add_routes(auth_routes)
    app.router.add_routes(read_routes)
    app.router.add_routes(demand_routes)
    app.router.add_routes(transaction_routes)
    app.router.add_routes(event_routes)
    app.router.add_routes(audit_routes)
    app.on_cleanup.append(_close_audit_desk)
    app.router.add_routes(chain_routes)
    app.router.add_routes(certificate_routes)
    return app


async def _close_audit_desk(app: web.Application) -> None:
    """The desk's thread reads the database: it must end before the node closes it."""
    await asyncio.get_running_loop().run_in_executor(None, app[GATEWAY].audit.close)


async def _openapi(request: web.Request) -> web.Response:
    document = openapi_document(gateway(request).limits)
    return web.json_response(document)


def problem_response(problem: Problem, request: web.Request) -> web.Response:
    response = web.Response(
        status=problem.status,
        body=problem.body(request.path),
        content_type=PROBLEM_CONTENT_TYPE,
    )
    response.headers.update(problem.headers)
    return response


@web.middleware
async def _problems(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except Problem as problem:
        return problem_response(problem, request)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        kind, detail = _HTTP_PROBLEMS.get(error.status, ("invalid-request", error.reason))
        if error.status == 413:
            detail = f"the body exceeds {gateway(request).limits.body_limit(request.path)} bytes"
        return problem_response(Problem(error.status, kind, detail), request)
    except Exception:
        logger.exception("gateway request failed", extra={"fields": {"path": request.path}})
        return problem_response(
            Problem(500, "internal", "the gateway failed to answer; see the node's log"), request
        )


@web.middleware
async def _rate_and_size(request: web.Request, handler: Handler) -> web.StreamResponse:
    state = gateway(request)
    limit = state.limits.body_limit(request.path)
    if request.content_length is not None and request.content_length > limit:
        raise Problem(413, "payload-too-large", f"the body exceeds {limit} bytes")
    wait = state.rate.take(_caller_key(request), state.clock())
    if wait is not None:
        raise Problem(
            429,
            "rate-limited",
            f"more than {state.limits.burst} requests at once or"
            f" {state.limits.rate_per_second:g} per second; retry after {wait} s",
            headers={"Retry-After": str(wait)},
        )
    return await handler(request)


def _caller_key(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    if header.startswith(BEARER):
        return "token:" + hashlib.sha256(header.encode()).hexdigest()
    return "ip:" + (request.remote or "")
