"""Bearer tokens for JSON-RPC: JWTs signed with HS256 under the node's secret, as Besu's RPC
authentication uses, carrying the caller's role.

A token is ``header.payload.signature`` (base64url without padding, RFC 7519): the header is
``{"alg": "HS256", "typ": "JWT"}``, the payload holds ``role`` (``operator``, ``regulator`` or
``participant``), ``sub`` (the caller's account, required for a participant, whose reads and
sends are limited to it), ``iat`` and ``exp`` (seconds since the epoch). The node operator
issues them with ``dcl rpc-token`` from the secret in the data directory (``rpc-secret``);
anyone holding that file can issue any token. Pure: no clock, no files.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from eth_utils import is_hex_address, to_canonical_address, to_checksum_address

SECRET_BYTES = 32
MAX_TOKEN_BYTES = 4096
_HEADER = {"alg": "HS256", "typ": "JWT"}


class Role(StrEnum):
    OPERATOR = "operator"
    REGULATOR = "regulator"
    PARTICIPANT = "participant"


class TokenError(ValueError):
    """The token cannot be accepted; the message says why (never echoing the token)."""


@dataclass(frozen=True)
class Caller:
    """Who a request comes from, as its token says."""

    role: Role
    account: bytes | None
    """The account of the token's subject (always set for a participant)."""
    expires: int

    @property
    def reads_everything(self) -> bool:
        return self.role in (Role.OPERATOR, Role.REGULATOR)

    @property
    def name(self) -> str:
        who = to_checksum_address(self.account) if self.account else "no account"
        return f"{self.role} ({who})"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as error:
        raise TokenError("the token is not base64url") from error


def _sign(secret: bytes, signing_input: str) -> bytes:
    return hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()


def issue_token(
    secret: bytes, role: Role, account: bytes | None, *, issued_at: int, lifetime: int
) -> str:
    if role == Role.PARTICIPANT and account is None:
        raise ValueError("a participant's token names its account")
    claims: dict[str, Any] = {"role": str(role), "iat": issued_at, "exp": issued_at + lifetime}
    if account is not None:
        claims["sub"] = to_checksum_address(account)
    header = _b64(json.dumps(_HEADER, separators=(",", ":")).encode())
    payload = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    signing_input = f"{header}.{payload}"
    return f"{signing_input}.{_b64(_sign(secret, signing_input))}"


def _object(part: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(_unb64(part))
    except (ValueError, UnicodeDecodeError) as error:
        raise TokenError(f"the token's {what} is not JSON") from error
    if not isinstance(value, dict):
        raise TokenError(f"the token's {what} is not a JSON object")
    return value


def verify_token(secret: bytes, token: str, *, now: int) -> Caller:
    """The caller a valid token names; :class:`TokenError` otherwise. Only HS256 is taken
    (a token naming ``none`` or another algorithm is refused, never trusted)."""
    if len(token) > MAX_TOKEN_BYTES:
        raise TokenError("the token is too long")
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenError("the token is not a JWT (header.payload.signature)")
    header, payload, signature = parts
    if _object(header, "header").get("alg") != "HS256":
        raise TokenError("the token is not signed with HS256")
    if not hmac.compare_digest(_unb64(signature), _sign(secret, f"{header}.{payload}")):
        raise TokenError("the token's signature is not this node's")
    claims = _object(payload, "payload")
    expires = claims.get("exp")
    if isinstance(expires, bool) or not isinstance(expires, int):
        raise TokenError("the token has no expiry (exp)")
    if expires <= now:
        raise TokenError("the token has expired")
    try:
        role = Role(str(claims.get("role")))
    except ValueError:
        raise TokenError("the token's role is not operator, regulator or participant") from None
    subject = claims.get("sub")
    account = None
    if subject is not None:
        if not isinstance(subject, str) or not is_hex_address(subject):
            raise TokenError("the token's subject (sub) is not an account address")
        account = bytes(to_canonical_address(subject))
    if role == Role.PARTICIPANT and account is None:
        raise TokenError("a participant's token names its account (sub)")
    return Caller(role, account, expires)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    if authorization is None:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


UNAUTHORIZED = -40100
"""Besu's JSON-RPC code for a request without a valid token."""


@dataclass(frozen=True)
class RpcAuth:
    """A node's token check: its secret and a clock (seconds since the epoch)."""

    secret: bytes
    clock: Callable[[], float]

    def authenticate(self, authorization: str | None) -> Caller:
        token = bearer_token(authorization)
        if token is None:
            raise TokenError(
                "a bearer token is required (Authorization: Bearer <token>; the node's operator"
                " issues them with `dcl rpc-token`)"
            )
        return verify_token(self.secret, token, now=int(self.clock()))


def unauthorized_body(error: TokenError) -> dict[str, Any]:
    """The JSON-RPC answer to a request refused before it was read."""
    return {
        "jsonrpc": "2.0",
        "id": None,
        "error": {"code": UNAUTHORIZED, "message": f"Unauthorized: {error}"},
    }
