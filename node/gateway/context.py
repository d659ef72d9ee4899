"""The gateway's shared state for one application, and the per-request helpers every route
uses: the JSON body, the signed-in caller and its roles."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from client.certificate import TrustAnchor
from node.gateway.audit_desk import LiveDesk
from node.gateway.auth import ChallengeBook, Session, TokenSigner
from node.gateway.backend import GatewayBackend
from node.gateway.heads import HeadSignal
from node.gateway.limits import GatewayLimits, RateLimiter
from node.gateway.problems import FieldError, Problem, invalid
from node.gateway.roles import CallerRoles, read_roles

BEARER = "Bearer "
MAX_CACHED_ROLES = 10_000
MAX_KEPT_REVERTS = 1_024


@dataclass
class Gateway:
    backend: GatewayBackend
    limits: GatewayLimits
    heads: HeadSignal
    clock: Callable[[], float] = time.time
    challenges: ChallengeBook = field(init=False)
    tokens: TokenSigner = field(init=False)
    rate: RateLimiter = field(init=False)
    audit: LiveDesk = field(init=False, default_factory=LiveDesk)
    """The regulator's desk, folded on first use."""
    trust_anchor: TrustAnchor | None = field(init=False, default=None)
    """This chain's genesis as a certificate verifier sees it, computed at the first use."""
    reverts: dict[str, dict[str, Any]] = field(init=False, default_factory=dict)
    """Why recent failed transactions reverted, by hash (at most ``MAX_KEPT_REVERTS``)."""
    _roles: dict[str, CallerRoles] = field(init=False, default_factory=dict)
    _roles_head: bytes = field(init=False, default=b"")

    def __post_init__(self) -> None:
        self.challenges = ChallengeBook(
            self.limits.challenge_lifetime_seconds, self.limits.max_open_challenges
        )
        self.tokens = TokenSigner(self.limits.token_lifetime_seconds)
        self.rate = RateLimiter(
            self.limits.rate_per_second, self.limits.burst, self.limits.tracked_callers
        )


GATEWAY = web.AppKey("gateway", Gateway)


def gateway(request: web.Request) -> Gateway:
    return request.app[GATEWAY]


async def json_body(request: web.Request) -> dict[str, Any]:
    """The request's JSON object; 415 for another content type, 400 for bad JSON."""
    if request.content_type != "application/json":
        raise Problem(415, "unsupported-media-type", "send the body as application/json")
    limit = gateway(request).limits.body_limit(request.path)
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise _too_large(limit) from None
    if len(raw) > limit:
        raise _too_large(limit)
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise invalid([FieldError("body", f"not JSON: {error}")]) from None
    if not isinstance(body, dict):
        raise invalid([FieldError("body", "expected a JSON object")])
    return body


def _too_large(limit: int) -> Problem:
    return Problem(413, "payload-too-large", f"the body exceeds {limit} bytes")


def body_string(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise invalid([FieldError(f"body.{name}", "required, a string")])
    return value


def session_of(request: web.Request) -> Session:
    """The bearer token's session; 401 without a valid one."""
    header = request.headers.get("Authorization", "")
    if not header.startswith(BEARER):
        raise Problem(
            401,
            "unauthorized",
            "sign in (POST /v1/auth/challenge, then /v1/auth/login) and send"
            " 'Authorization: Bearer TOKEN'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    state = gateway(request)
    return state.tokens.verify(header[len(BEARER) :].strip(), state.clock())


async def caller_roles(request: web.Request) -> CallerRoles:
    """The signed-in caller with its roles in the head state: read once per caller and block,
    since the state changes only with a block."""
    session = session_of(request)
    state = gateway(request)
    backend = state.backend
    head = backend.ledger.head()
    if state._roles_head != head.hash:
        state._roles, state._roles_head = {}, head.hash
    cached = state._roles.get(session.address)
    if cached is None:
        cached = await backend.run_query(
            lambda: read_roles(backend.ledger.vm_at(head), backend.chain_id, session.address)
        )
        if len(state._roles) < MAX_CACHED_ROLES and state._roles_head == head.hash:
            state._roles[session.address] = cached
    return cached
