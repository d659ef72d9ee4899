"""Sign-in challenges (single use, expiring) and the bearer tokens a good sign-in earns.

Pure: the time is passed in. A challenge is found again by its nonce; the returned message must
be the issued text byte for byte, unexpired and unused, and its EIP-191 signature must recover
the challenged address. Tokens are ``base64url(claims).base64url(HMAC-SHA256(claims))`` under a
key drawn when the gateway starts: they carry the address and expiry, prove that this gateway
issued them, and die with a restart (a participant signs in again). Roles are never in the
token; they are read from the chain at each request.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections import OrderedDict
from dataclasses import dataclass

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import to_checksum_address

from node.gateway.problems import FieldError, Problem, invalid
from node.gateway.siwe import SiweMessage, first_difference, nonce_of

NONCE_BYTES = 12
SIGNATURE_HEX = 130


@dataclass(frozen=True)
class _Open:
    message: str
    address: str
    expires_at: float


class ChallengeBook:
    """Open challenges by nonce, and the nonces already spent (until they would have expired,
    so a replay is named as one)."""

    def __init__(self, lifetime: float, capacity: int) -> None:
        self._lifetime = lifetime
        self._capacity = capacity
        self._open: OrderedDict[str, _Open] = OrderedDict()
        self._spent: OrderedDict[str, float] = OrderedDict()

    def issue(
        self, *, domain: str, uri: str, address: str, chain_id: int, now: float
    ) -> SiweMessage:
        self._prune(now)
        if len(self._open) >= self._capacity:
            raise Problem(
                503, "unavailable", "too many open sign-in challenges; try again shortly",
                headers={"Retry-After": "1"},
            )  # fmt: skip
        nonce = secrets.token_hex(NONCE_BYTES)
        message = SiweMessage(
            domain, to_checksum_address(address), uri, chain_id, nonce, now, now + self._lifetime
        )
        self._open[nonce] = _Open(message.text(), message.address, message.expires_at)
        return message

    def redeem(self, message: str, signature: str, now: float) -> str:
        """The address that signed an open challenge, which is spent by this call whatever
        the outcome, once the message is recognised as issued."""
        recovered = _recover(message, signature)
        nonce = nonce_of(message)
        if nonce is not None and nonce in self._spent:
            raise _refused("the challenge was already used (each nonce signs in once)")
        entry = self._open.get(nonce or "")
        if entry is None:
            raise _refused("the message answers no challenge this gateway issued")
        if message != entry.message:
            raise _refused(
                "the message is not the issued one: " + first_difference(entry.message, message)
            )
        del self._open[nonce or ""]
        self._spent[nonce or ""] = entry.expires_at
        if now >= entry.expires_at:
            raise _refused("the challenge expired")
        if recovered != entry.address:
            raise Problem(
                401, "invalid-signature",
                f"the signature recovers {recovered}, not the challenged {entry.address}",
            )  # fmt: skip
        return entry.address

    def _prune(self, now: float) -> None:
        for book in (self._open, self._spent):
            expired = [
                n for n, v in book.items() if (v.expires_at if isinstance(v, _Open) else v) <= now
            ]
            for nonce in expired:
                del book[nonce]


def _refused(detail: str) -> Problem:
    return Problem(401, "challenge-refused", detail)


def _recover(message: str, signature: str) -> str:
    text = signature.removeprefix("0x")
    if len(text) != SIGNATURE_HEX or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise invalid([FieldError("body.signature", "expected 65 bytes as 0x-prefixed hex")])
    try:
        return str(
            Account.recover_message(encode_defunct(text=message), signature=bytes.fromhex(text))
        )
    except Exception as error:  # eth-keys raises several types for an unusable signature
        raise Problem(401, "invalid-signature", f"no address recovers from it: {error}") from None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Session:
    address: str
    expires_at: int


class TokenSigner:
    def __init__(self, lifetime: int, key: bytes | None = None) -> None:
        self.lifetime = lifetime
        self._key = key if key is not None else secrets.token_bytes(32)

    def issue(self, address: str, now: float) -> tuple[str, int]:
        expires = int(now) + self.lifetime
        claims = json.dumps(
            {"sub": address, "iat": int(now), "exp": expires}, separators=(",", ":")
        )
        payload = _b64(claims.encode())
        return f"{payload}.{self._mac(payload)}", expires

    def verify(self, token: str, now: float) -> Session:
        payload, _, mac = token.partition(".")
        if not mac or not hmac.compare_digest(mac, self._mac(payload)):
            raise Problem(401, "invalid-token", "the token was not issued by this gateway",
                          headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})  # fmt: skip
        claims = json.loads(_unb64(payload))
        if now >= claims["exp"]:
            raise Problem(401, "invalid-token", "the token expired; sign in again",
                          headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})  # fmt: skip
        return Session(str(claims["sub"]), int(claims["exp"]))

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode(), hashlib.sha256).digest())
